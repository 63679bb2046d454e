"""POST /api/v1/annotations/bulk/: many annotations in one request, all or none."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import messages, services
from annotations.models import Annotation, Source
from tests.factories import make_annotation, make_document, make_project
from tests.queries import statement_sql

URL = "/api/v1/annotations/bulk/"
TEXT = " ".join(f"Sentence number {n} says something checkable." for n in range(60))


@pytest.fixture
def statistic(project):
    return project.claim_types.get(slug="statistic")


@pytest.fixture
def long_document(project):
    return make_document(project, text=TEXT)


def items_for(document, claim_type, count, **fields):
    sentences = document.sentences.order_by("index")[:count]
    return [{"sentence": s.pk, "claim_type": claim_type.pk, **fields} for s in sentences]


def post(client, items):
    return client.post(URL, {"annotations": items}, format="json")


def post_counting_reads_and_writes(client, items):
    """The response, and the SQL statements that read or wrote rows (not transactions)."""
    with CaptureQueriesContext(connection) as queries:
        response = post(client, items)
    statements = [statement_sql(q["sql"]) for q in queries.captured_queries]
    rows = ("INSERT", "SELECT", "UPDATE", "WITH")
    return response, [sql for sql in statements if sql.startswith(rows)]


def test_bulk_creates_every_item_and_answers_their_ids_in_request_order(
    client_for, annotator, long_document, statistic
):
    items = items_for(long_document, statistic, 5)[::-1]  # not in reading order
    items[2]["sources"] = [{"url": "https://a.example/", "stance": "supports"}]
    items[2]["verification_status"] = "false"

    response = post(client_for(annotator), items)

    assert response.status_code == 201
    created = response.json()["created"]
    assert len(created) == 5
    stored = Annotation.objects.in_bulk(created)
    assert [stored[pk].sentence_id for pk in created] == [item["sentence"] for item in items]
    third = stored[created[2]]
    assert third.verification_status == "false" and third.annotator == annotator
    assert third.quote == third.sentence.text
    assert list(third.sources.values_list("url", "stance")) == [("https://a.example/", "supports")]


def test_a_bulk_annotation_reads_back_exactly_like_a_single_save(
    client_for, annotator, long_document, statistic
):
    sentence = long_document.sentences.get(index=0)
    item = {
        "sentence": sentence.pk,
        "claim_type": statistic.pk,
        "start": sentence.start + 9,
        "end": sentence.start + 15,
        "rationale": "Because.",
        "sources": [{"url": "https://b.example/", "title": "B", "accessed_at": "2026-11-02"}],
    }
    client = client_for(annotator)
    bulk_id = post(client, [item]).json()["created"][0]
    bulk = client.get(f"/api/v1/annotations/{bulk_id}/").json()
    Annotation.objects.filter(pk=bulk_id).delete()

    single = client.post("/api/v1/annotations/", item, format="json").json()

    ignore = {"id", "created_at", "updated_at"}
    assert {k: v for k, v in bulk.items() if k not in ignore} | {"sources": None} == {
        k: v for k, v in single.items() if k not in ignore
    } | {"sources": None}
    assert [s | {"id": 0} for s in bulk["sources"]] == [s | {"id": 0} for s in single["sources"]]
    assert bulk["quote"] == sentence.text[9:15]


def test_one_bad_item_stores_nothing_and_names_it_by_index(
    client_for, annotator, long_document, statistic
):
    items = items_for(long_document, statistic, 4)
    items[1]["verification_status"] = "probably"
    items[3]["sources"] = [{"url": "javascript:alert(1)"}]

    response = post(client_for(annotator), items)

    assert response.status_code == 400
    errors = response.json()["annotations"]
    assert set(errors) == {"1", "3"}
    assert errors["1"] == {"verification_status": ['"probably" is not a valid choice.']}
    assert errors["3"] == {"sources": {"0": {"url": [messages.SOURCE_URL_SCHEME]}}}
    assert not Annotation.objects.exists() and not Source.objects.exists()


def test_item_errors_are_those_a_single_save_would_answer(
    client_for, annotator, long_document, other_document, statistic
):
    sentence = long_document.sentences.get(index=0)
    foreign = other_document.sentences.get(index=0)
    bad_items = [
        {"sentence": foreign.pk, "claim_type": statistic.pk},  # not visible
        {"sentence": sentence.pk, "claim_type": statistic.pk, "start": 0, "end": 10_000},
        {"sentence": sentence.pk, "claim_type": statistic.pk, "quote": "mine"},
        {"sentence": "abc", "claim_type": statistic.pk},
        {"claim_type": statistic.pk},
        "not an object",
        {"sentence": 99_999_999, "claim_type": statistic.pk, "verification_status": "x"},
    ]
    client = client_for(annotator)

    errors = post(client, bad_items).json()["annotations"]

    for index, item in enumerate(bad_items):
        single = client.post("/api/v1/annotations/", item, format="json")
        assert single.status_code == 400
        assert errors[str(index)] == single.json(), index
    assert "sentence" in errors["6"] and "verification_status" in errors["6"]
    assert not Annotation.objects.exists()


def test_spans_annotated_before_or_twice_in_the_batch_are_reported(
    client_for, annotator, long_document, statistic
):
    make_annotation(long_document, user=annotator, sentence_index=1)
    items = items_for(long_document, statistic, 3)
    items.append(dict(items[2]))  # the same span again

    response = post(client_for(annotator), items)

    assert response.status_code == 400
    duplicate = {"detail": messages.DUPLICATE_ANNOTATION}
    assert response.json()["annotations"] == {"1": duplicate, "3": duplicate}
    assert Annotation.objects.count() == 1


def test_bulk_needs_membership_and_credentials(
    client_for, outsider, annotator, long_document, statistic
):
    items = items_for(long_document, statistic, 2)

    assert post(client_for(None), items).status_code == 401
    response = post(client_for(outsider), items)

    assert response.status_code == 400
    assert set(response.json()["annotations"]) == {"0", "1"}
    assert "does not exist" in response.json()["annotations"]["0"]["sentence"][0]
    assert not Annotation.objects.exists()


HISTORY_FIELDS = [f.attname for f in Annotation.history.model.tracked_fields]


@pytest.mark.parametrize("size", [3, services.COPY_HISTORY_FROM + 5])
def test_bulk_writes_the_history_rows_a_single_save_writes(
    client_for, reviewer, long_document, statistic, size
):
    client = client_for(reviewer)
    items = items_for(long_document, statistic, size, sources=[{"url": "https://c.example/"}])
    single = client.post(
        "/api/v1/annotations/", items.pop(), format="json"
    ).json()  # the last sentence, through the single save

    created = post(client, items).json()["created"]

    def rows(model, **filters):
        columns = [f.attname for f in model.history.model.tracked_fields if f.attname != "id"]
        shown = ["history_type", "history_user_id", "history_change_reason", *columns]
        return model.history.filter(**filters).values(*shown)

    one = rows(Annotation, id=single["id"]).get()
    history = list(rows(Annotation, id__in=created))
    assert len(history) == len(created)
    keep = {"sentence_id", "start", "end", "quote", "created_at"}
    for row in history:
        assert {k: v for k, v in row.items() if k not in keep} == {
            k: v for k, v in one.items() if k not in keep
        }
        assert row["history_type"] == "+" and row["history_user_id"] == reviewer.pk
    stored = Annotation.objects.in_bulk(created)
    for row, pk in zip(
        Annotation.history.filter(id__in=created).order_by("history_id"), created, strict=True
    ):
        assert row.id == pk
        assert all(getattr(row, f) == getattr(stored[pk], f) for f in HISTORY_FIELDS)
    sources = list(rows(Source, annotation_id__in=created))
    one_source = rows(Source, annotation_id=single["id"]).get()
    assert len(sources) == len(created)
    assert {(s["history_type"], s["history_user_id"], s["url"]) for s in sources} == {
        (one_source["history_type"], one_source["history_user_id"], one_source["url"])
    }
    entries = client.get(f"/api/v1/annotations/{created[0]}/history/").json()
    assert sorted((e["object"], e["type"], e["user"]["username"]) for e in entries) == [
        ("annotation", "+", "rita"),
        ("source", "+", "rita"),
    ]


def test_more_than_the_limit_or_none_at_all_is_a_clear_400(
    client_for, annotator, long_document, statistic
):
    item = items_for(long_document, statistic, 1)[0]
    client = client_for(annotator)

    too_many = post(client, [item] * (services.MAX_BULK_ANNOTATIONS + 1))
    empty = post(client, [])
    not_a_list = client.post(URL, {"annotations": {"0": item}}, format="json")
    unknown = client.post(URL, {"annotations": [item], "atomic": False}, format="json")

    limit = services.MAX_BULK_ANNOTATIONS
    assert too_many.status_code == 400
    assert too_many.json() == {"annotations": [messages.BULK_TOO_MANY.format(limit=limit)]}
    assert empty.json() == {"annotations": [messages.BULK_EMPTY]}
    assert not_a_list.status_code == 400 and "list" in not_a_list.json()["annotations"][0]
    assert unknown.json() == {"atomic": [messages.UNKNOWN_FIELD]}
    assert not Annotation.objects.exists()


def test_a_body_over_the_size_limit_answers_413(client_for, annotator, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"annotations": [{"sentence": 1, "claim_type": 1, "rationale": "x" * 2000}]}

    response = client_for(annotator).post(URL, body, format="json")

    assert response.status_code == 413


def test_the_service_refuses_more_than_the_limit(annotator, long_document, statistic):
    sentence = long_document.sentences.get(index=0)
    items = [{"sentence": sentence, "claim_type": statistic}] * (services.MAX_BULK_ANNOTATIONS + 1)

    with pytest.raises(services.BulkValidationError) as caught:
        services.create_annotations(user=annotator, items=items[:2])
    assert set(caught.value.errors) == {1}  # the second is a duplicate of the first

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.create_annotations(user=annotator, items=items)
    assert not Annotation.objects.exists()


# PostgreSQL (services.annotations_sql): what the items name, visible to the caller, with
# their stored spans; one statement writing annotations and their history, sources and
# theirs, and the assignment hook. Elsewhere: sentences, claim types, stored spans, then in
# one transaction annotations and their history, sources and theirs, and the assignment
# hook's conditional UPDATE.
BULK_STATEMENTS = {"postgresql": 2, "sqlite": 8}


@pytest.mark.parametrize("size", [2, 40])
def test_bulk_runs_the_same_queries_for_2_or_40_items(
    client_for, annotator, long_document, statistic, size
):
    items = items_for(long_document, statistic, size, sources=[{"url": "https://d.example/"}])
    response, statements = post_counting_reads_and_writes(client_for(annotator), items)

    assert response.status_code == 201
    assert len(statements) == BULK_STATEMENTS[connection.vendor], statements


@pytest.mark.parametrize("size", [2, 40])
def test_bulk_links_claims_reading_them_in_one_query_for_2_or_40_items(
    client_for, annotator, long_document, statistic, project, size
):
    claims = [
        services.create_claim(user=annotator, project=project, text=f"Claim {n}.") for n in range(2)
    ]
    items = items_for(long_document, statistic, size, sources=[{"url": "https://d.example/"}])
    for index, item in enumerate(items):
        item["claim"] = [claims[0].pk, claims[1].pk, None][index % 3]
    client = client_for(annotator)

    response, statements = post_counting_reads_and_writes(client, items)

    assert response.status_code == 201
    # On PostgreSQL the claims are read with the rest; elsewhere in one more query.
    claims_read = 0 if connection.vendor == "postgresql" else 1
    assert len(statements) == BULK_STATEMENTS[connection.vendor] + claims_read, statements
    stored = Annotation.objects.in_bulk(response.json()["created"])
    linked = [stored[pk].claim_id for pk in response.json()["created"]]
    assert linked == [item["claim"] for item in items]
    assert client.get(f"/api/v1/annotations/{response.json()['created'][0]}/").json()["claim"] == (
        claims[0].pk
    )


def test_bulk_claim_errors_are_those_a_single_save_would_answer(
    client_for, annotator, outsider, long_document, other_project, statistic
):
    foreign = services.create_claim(user=outsider, project=other_project, text="Elsewhere.")
    sentences = long_document.sentences.order_by("index")
    bad_items = [
        {"sentence": sentences[0].pk, "claim_type": statistic.pk, "claim": foreign.pk},
        {"sentence": sentences[1].pk, "claim_type": statistic.pk, "claim": 99_999_999},
        {"sentence": sentences[2].pk, "claim_type": statistic.pk, "claim": "five"},
    ]
    client = client_for(annotator)

    response = post(client, bad_items)

    assert response.status_code == 400
    errors = response.json()["annotations"]
    for index, item in enumerate(bad_items):
        single = client.post("/api/v1/annotations/", item, format="json")
        assert single.status_code == 400
        assert errors[str(index)] == single.json(), index
    assert not Annotation.objects.exists()


def test_bulk_refuses_a_claim_of_another_project_of_the_callers(
    client_for, annotator, outsider, long_document, statistic
):
    elsewhere = make_project(owner=outsider, name="Elsewhere", annotator=annotator)
    claim = services.create_claim(user=annotator, project=elsewhere, text="Another desk's.")
    item = {
        "sentence": long_document.sentences.get(index=0).pk,
        "claim_type": statistic.pk,
        "claim": claim.pk,
    }

    response = post(client_for(annotator), [item])

    assert response.status_code == 400
    assert response.json()["annotations"]["0"] == {"claim": [messages.CLAIM_OTHER_PROJECT]}
    assert not Annotation.objects.exists()
