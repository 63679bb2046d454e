"""List endpoints run a fixed number of queries, whatever the number of rows."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import services
from tests.factories import make_annotation, make_document, make_project

_numbers = itertools.count()
# PostgreSQL writes the JSON of a document's sentences and of annotations with their
# sources in the same query as the rows (``representation.json_in_sql``).
ON_POSTGRESQL = connection.vendor == "postgresql"
TEXT = "First claim here. Second claim there. Third one. Fourth at last."


def queries_for(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, {"page_size": 100})
    assert response.status_code == 200
    return len(context), response.json()["count"]


def grow_projects(annotator, owner, count):
    for _ in range(count):
        make_project(owner=owner, annotator=annotator)


def grow_documents(project, count):
    for _ in range(count):
        yield make_document(project, text=f"{TEXT} Number {next(_numbers)}.")


def grow_annotations(project, annotator, reviewer, count):
    made = 0
    for document in grow_documents(project, count):
        for index in range(2):
            if made == count:
                return
            annotation = make_annotation(
                document,
                user=annotator,
                sentence_index=index,
                sources=[{"url": "https://a.example/"}, {"url": "https://b.example/"}],
            )
            if index:
                services.review_annotation(user=reviewer, annotation=annotation, decision="approve")
            made += 1


@pytest.mark.parametrize(
    ("path", "grow", "expected"),
    [
        # count, rows, prefetched claim types
        ("/api/v1/projects/", lambda p, a, r, o, n: grow_projects(a, o, n), 3),
        # count, rows with their progress counts
        ("/api/v1/documents/", lambda p, a, r, o, n: list(grow_documents(p, n)), 2),
        # rows with sentence/claim type/users joined, their sources (one page: the count
        # is the number of rows, see test_pagination.py)
        (
            "/api/v1/annotations/",
            lambda p, a, r, o, n: grow_annotations(p, a, r, n),
            1 if ON_POSTGRESQL else 2,
        ),
    ],
)
def test_list_query_count_does_not_grow_with_rows(
    client_for, project, annotator, reviewer, owner, path, grow, expected
):
    client = client_for(annotator)
    grow(project, annotator, reviewer, owner, 3)
    few, few_rows = queries_for(client, path)

    grow(project, annotator, reviewer, owner, 27)
    many, many_rows = queries_for(client, path)

    assert many_rows >= few_rows + 27
    assert few == many == expected


def count_queries(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context)


def test_document_detail_query_count_does_not_grow_with_sentences(client_for, project, annotator):
    short = make_document(project, text=TEXT)
    long = make_document(project, text=" ".join(f"Sentence {n} says a thing." for n in range(300)))
    client = client_for(annotator)

    assert count_queries(client, f"/api/v1/documents/{short.pk}/") == count_queries(
        client, f"/api/v1/documents/{long.pk}/"
    )


def test_history_query_count_does_not_grow_with_changes(client_for, project, annotator):
    document = make_document(project, text=TEXT)
    few = make_annotation(document, user=annotator, sources=[{"url": "https://a.example/"}])
    many = make_annotation(document, user=annotator, sentence_index=1)
    for n in range(10):
        services.update_annotation(
            user=annotator,
            annotation=many,
            expected_version=None,
            rationale=f"take {n}",
            sources=[{"url": f"https://s{n}.example/"}],
        )
    client = client_for(annotator)

    assert count_queries(client, f"/api/v1/annotations/{few.pk}/history/") == count_queries(
        client, f"/api/v1/annotations/{many.pk}/history/"
    )


def test_document_detail_runs_one_query_on_postgresql(client_for, project, annotator):
    document = make_document(project, text=TEXT)
    make_annotation(document, user=annotator)
    client = client_for(annotator)

    # the document, its sentences, its annotation counts (one query on PostgreSQL)
    assert count_queries(client, f"/api/v1/documents/{document.pk}/") == (1 if ON_POSTGRESQL else 3)


def test_a_documents_annotations_are_one_query(client_for, project, annotator, reviewer):
    """``?document=``, how clients load a document's data: its rows and sources, and
    no check that the document is the caller's while a row proves it."""
    grow_annotations(project, annotator, reviewer, 4)
    document = project.documents.order_by("id").first()
    client = client_for(annotator)

    with CaptureQueriesContext(connection) as context:
        response = client.get("/api/v1/annotations/", {"document": document.pk})

    assert len(response.json()["results"]) == 2
    assert len(context) == (1 if ON_POSTGRESQL else 2)


TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")  # not logged on SQLite


def statements(call):
    """The queries one request runs, without transaction control, and its response."""
    with CaptureQueriesContext(connection) as context:
        response = call()
    sql = [q["sql"] for q in context.captured_queries]
    return [q for q in sql if not q.startswith(TRANSACTION_CONTROL)], response


@pytest.mark.parametrize(("sentences", "sources"), [(4, 1), (300, 10)])
def test_saving_runs_a_fixed_number_of_queries(client_for, project, annotator, sentences, sources):
    document = make_document(
        project, text=" ".join(f"Claim {n} is here." for n in range(sentences))
    )
    sentence = document.sentences.get(index=sentences - 1)
    claim_type = project.claim_types.get(slug="statistic")
    links = [{"url": f"https://s{n}.example/"} for n in range(sources)]
    client = client_for(annotator)
    body = {"sentence": sentence.pk, "claim_type": claim_type.pk, "sources": links}

    created, response = statements(lambda: client.post("/api/v1/annotations/", body, format="json"))
    url = f"/api/v1/annotations/{response.json()['id']}/"
    shown, _ = statements(lambda: client.get(url))
    changed, changed_response = statements(
        lambda: client.patch(
            url, {"verification_status": "true"}, format="json", HTTP_IF_MATCH=response["ETag"]
        )
    )

    assert response.status_code == 201 and changed_response.status_code == 200
    if connection.vendor == "postgresql":
        # what the items name, visible to the caller; one statement writing the annotation,
        # its history, sources, theirs, and the assignment hook (services.annotations_sql)
        assert len(created) == 2, created
        # the annotation with the caller's role and its sources, in one (annotation_updates)
        assert len(shown) == 1, shown
        # that read; the conditional UPDATE with its history row and the assignment hook
        assert len(changed) == 2, changed
    else:
        # claim type; sentence with the caller's role; annotation, its history, sources,
        # theirs; the assignment hook's conditional UPDATE
        assert len(created) == 7, created
        # the annotation with the caller's role; its sources
        assert len(shown) == 2, shown
        # the same two reads; the conditional UPDATE; its history row; the assignment hook
        assert len(changed) == 5, changed
