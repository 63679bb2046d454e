"""Batch import: ``POST /api/v1/documents/`` with a JSON list, and the import's fixed cost."""

import json

import pytest

from annotations import messages
from annotations.api.views import MAX_BATCH_DOCUMENTS
from annotations.models import Document, Sentence
from tests.factories import make_document, make_project

URL = "/api/v1/documents/"


def story(number: int, sentences: int = 3) -> str:
    return " ".join(
        f"Story {number} claim {n} says {n * 7} people agreed." for n in range(sentences)
    )


def records(project, count: int, **fields) -> list[dict]:
    return [
        {"project": project.pk, "title": f"Story {n}", "text": story(n), **fields}
        for n in range(count)
    ]


def post_batch(client, body):
    return client.post(URL, body, format="json")


def test_batch_stores_and_segments_every_document_in_request_order(client_for, owner, project):
    body = records(project, 3)
    body[1].update(url="https://news.example/1", publisher="AP", published_at="2026-11-02")

    response = post_batch(client_for(owner), body)

    assert response.status_code == 201, response.json()
    created = response.json()["created"]
    assert [d["title"] for d in created] == ["Story 0", "Story 1", "Story 2"]
    assert [d["sentence_count"] for d in created] == [3, 3, 3]
    assert (created[1]["url"], created[1]["publisher"]) == ("https://news.example/1", "AP")
    assert created[1]["published_at"].startswith("2026-11-02T")
    assert response.json()["duplicates"] == []
    for item in created:
        document = Document.objects.get(pk=item["id"])
        assert document.created_by == owner
        sentences = list(document.sentences.order_by("index"))
        assert [s.index for s in sentences] == [0, 1, 2]
        assert all(document.text[s.start : s.end] == s.text for s in sentences)


def test_batch_lists_documents_as_the_document_list_does(client_for, owner, project):
    client = client_for(owner)
    created = post_batch(client, records(project, 2)).json()["created"]

    listed = client.get(URL, {"project": project.pk}).json()["results"]

    assert sorted(created, key=lambda d: d["id"]) == sorted(listed, key=lambda d: d["id"])


def test_invalid_records_answer_400_keyed_by_index_and_nothing_is_stored(
    client_for, owner, project
):
    body = records(project, 4)
    body[1].pop("title")
    body[2]["url"] = "javascript:alert(1)"

    response = post_batch(client_for(owner), body)

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"1", "2"}
    assert errors["1"] == {"title": [messages.MISSING_TITLE]}
    assert "url" in errors["2"]
    assert not Document.objects.filter(project=project, title__startswith="Story").exists()


def test_texts_the_import_refuses_answer_400_keyed_by_index(client_for, owner, project):
    """Checks of the text itself run once every record has passed the field checks."""
    body = records(project, 3)
    body[0]["text"] = "   \n "
    body[2]["text"] = "\ufeff"

    response = post_batch(client_for(owner), body)

    assert response.status_code == 400
    assert response.json() == {
        "0": {"text": [messages.EMPTY_TEXT]},
        "2": {"text": [messages.EMPTY_TEXT]},
    }
    assert not Document.objects.filter(project=project).exists()


def test_unknown_fields_and_non_objects_are_errors_of_their_record(client_for, owner, project):
    body = [*records(project, 1), {"project": project.pk, "title": "T", "txt": "typo"}, "text"]

    response = post_batch(client_for(owner), body)

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"1", "2"}
    assert errors["1"]["txt"] == [messages.UNKNOWN_FIELD]
    assert not Document.objects.filter(project=project, title="Story 0").exists()


def test_too_large_text_is_an_error_of_its_record(client_for, owner, project, settings):
    settings.FACTCHECK_MAX_DOCUMENT_BYTES = 200
    body = records(project, 2)
    body[1]["text"] = "Word. " * 50

    response = post_batch(client_for(owner), body)

    assert response.status_code == 400
    assert response.json() == {"1": {"text": [messages.TOO_LARGE.format(limit=200)]}}
    assert not Sentence.objects.filter(document__project=project).exists()


def test_duplicates_are_skipped_and_reported_by_index(client_for, owner, project):
    existing = make_document(project, text=story(1), title="Already here")
    body = records(project, 3)
    body.append({**body[0], "title": "Story 0 again"})  # the same text twice in one batch

    response = post_batch(client_for(owner), body)

    assert response.status_code == 201, response.json()
    created = response.json()["created"]
    assert [d["title"] for d in created] == ["Story 0", "Story 2"]
    duplicates = response.json()["duplicates"]
    assert [(d["index"], d["document"]) for d in duplicates] == [
        (1, existing.pk),
        (3, created[0]["id"]),
    ]
    assert duplicates[0]["detail"] == messages.DUPLICATE_DOCUMENT.format(
        id=existing.pk, title="Already here"
    )
    assert Document.objects.filter(project=project).count() == 3


def test_sending_the_same_batch_again_creates_nothing_and_answers_200(client_for, owner, project):
    client = client_for(owner)
    body = records(project, 2)
    first = post_batch(client, body).json()["created"]

    response = post_batch(client, body)

    assert response.status_code == 200
    assert response.json()["created"] == []
    assert [d["document"] for d in response.json()["duplicates"]] == [d["id"] for d in first]
    assert Document.objects.filter(project=project).count() == 2


def test_the_same_text_in_two_projects_of_one_batch_is_no_duplicate(client_for, owner, project):
    second = make_project(owner=owner)
    body = [records(project, 1)[0], {**records(project, 1)[0], "project": second.pk}]

    response = post_batch(client_for(owner), body)

    assert response.status_code == 201
    assert [d["project"] for d in response.json()["created"]] == [project.pk, second.pk]


@pytest.mark.parametrize("role", ["annotator", "reviewer"])
def test_a_record_in_a_project_the_caller_does_not_own_is_refused_403_by_index(
    client_for, users, owner, project, role
):
    own = make_project(owner=users[role])
    body = [records(own, 1)[0], records(project, 2)[1]]

    response = post_batch(client_for(users[role]), body)

    assert response.status_code == 403
    assert response.json() == {"1": {"project": [messages.CANNOT_ADD_DOCUMENT]}}
    assert not Document.objects.exists()


def test_a_record_in_a_foreign_project_reads_as_an_unknown_project(
    client_for, owner, project, other_project
):
    body = [records(project, 1)[0], records(other_project, 2)[1]]

    response = post_batch(client_for(owner), body)

    assert response.status_code == 400
    assert set(response.json()) == {"1"}
    assert "does not exist" in response.json()["1"]["project"][0]
    assert not Document.objects.exists()


def test_anonymous_callers_cannot_batch_import(client_for, project):
    response = post_batch(client_for(None), records(project, 1))

    assert response.status_code in (401, 403)
    assert not Document.objects.exists()


@pytest.mark.parametrize("count", [0, MAX_BATCH_DOCUMENTS + 1])
def test_a_batch_holds_from_one_to_the_limit_of_documents(client_for, owner, project, count):
    body = [{"project": project.pk, "title": "T", "text": f"Text {n}."} for n in range(count)]

    response = post_batch(client_for(owner), body)

    assert response.status_code == 400
    message = messages.BATCH_SIZE.format(limit=MAX_BATCH_DOCUMENTS)
    assert response.json() == {"non_field_errors": [message]}
    assert not Document.objects.exists()


def test_a_batch_over_the_body_limit_answers_413_before_it_is_read(
    client_for, owner, project, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = records(project, 2)
    body[1]["text"] = "Word. " * 2000

    response = post_batch(client_for(owner), body)

    assert response.status_code == 413
    assert response.json()["detail"] == messages.BODY_TOO_LARGE.format(limit=10_000)
    assert not Document.objects.exists()


def test_batch_import_runs_the_same_queries_for_two_or_twenty_documents(
    client_for, owner, project, django_assert_num_queries
):
    client = client_for(owner)
    """The project with the caller's role, duplicates, the documents, their sentences, and
    a savepoint (the transaction's, inside the test's); one query fewer than when the role
    was read on its own."""
    small = [{**r, "title": f"Small {r['title']}"} for r in records(project, 2, language="en")]
    with django_assert_num_queries(8) as few:
        assert post_batch(client, small).status_code == 201
    large = [
        {"project": project.pk, "title": f"Large {n}", "text": story(100 + n, sentences=40)}
        for n in range(20)
    ]
    with django_assert_num_queries(len(few)):
        assert post_batch(client, large).status_code == 201
    assert Sentence.objects.filter(document__title__startswith="Large").count() == 20 * 40


@pytest.mark.parametrize("sentences", [5, 2000])
def test_single_import_runs_a_fixed_number_of_queries_whatever_the_size(
    client_for, owner, project, sentences, django_assert_num_queries
):
    """The project with the caller's role, the document, its sentences, their ids (and a
    savepoint). Duplicates are caught by the unique constraint, not looked up first."""
    body = {"project": project.pk, "title": "Sized", "text": story(7, sentences=sentences)}
    with django_assert_num_queries(6):
        response = client_for(owner).post(URL, body, format="json")
    assert response.status_code == 201
    assert len(response.json()["sentences"]) == sentences


def test_created_document_is_the_same_as_its_detail(client_for, owner, project):
    client = client_for(owner)
    body = {
        "project": project.pk,
        "title": " Council vote ",
        "text": "The council voted 7-2.\n\nThe mayor objected. \u00c9lus: 9.",
        "published_at": "2026-11-02T10:00:00.250000+01:00",
    }
    created = client.post(URL, body, format="json")

    detail = client.get(f"{URL}{created.json()['id']}/")

    assert created.status_code == 201
    assert json.loads(created.content) == json.loads(detail.content)
