"""Documents through the API: listing with progress, creating from JSON or a file upload."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from annotations import services
from annotations.models import Document
from tests.factories import SAMPLE_TEXT, make_annotation, make_document

URL = "/api/v1/documents/"


def test_list_shows_progress_counts(client_for, reviewer, annotator, document):
    make_annotation(document, user=annotator, verification_status="true")
    approved = make_annotation(document, user=annotator, sentence_index=1)
    services.review_annotation(user=reviewer, annotation=approved, decision="approve")

    row = client_for(annotator).get(URL).json()["results"][0]

    assert row["id"] == document.pk
    assert row["sentence_count"] == document.sentences.count()
    assert row["annotation_count"] == 2
    assert row["annotated_sentence_count"] == 2
    assert row["verified_count"] == 1
    assert row["approved_count"] == 1


def test_list_filters_by_project_and_searches_titles(
    client_for, annotator, project, annotator_project
):
    budget = make_document(project, title="City budget vote", text="The budget passed.")
    make_document(project, title="Weather", text="It rained.")
    elsewhere = make_document(annotator_project, title="Budget elsewhere", text="Other text.")
    client = client_for(annotator)

    searched = client.get(URL, {"search": "budget", "project": project.pk}).json()["results"]
    all_budget = client.get(URL, {"search": "BUDGET"}).json()["results"]

    assert [row["id"] for row in searched] == [budget.pk]
    assert {row["id"] for row in all_budget} == {budget.pk, elsewhere.pk}


@pytest.fixture
def annotator_project(annotator):
    from tests.factories import make_project

    return make_project(annotator=annotator, name="Second desk")


def test_detail_lists_sentences_in_reading_order_with_offsets(client_for, annotator, document):
    body = client_for(annotator).get(f"{URL}{document.pk}/").json()

    sentences = body["sentences"]
    assert [s["index"] for s in sentences] == list(range(len(sentences)))
    assert body["text"] == document.text
    for sentence in sentences:
        assert body["text"][sentence["start"] : sentence["end"]] == sentence["text"]
    assert {"id", "paragraph"} <= set(sentences[0])


def test_owner_creates_a_document_from_json(client_for, owner, project):
    response = client_for(owner).post(
        URL,
        {
            "project": project.pk,
            "title": "Council vote",
            "text": "The council voted 7-2. The mayor objected.",
            "url": "https://news.example/vote",
            "published_at": "2026-11-02T10:00:00Z",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert [s["text"] for s in body["sentences"]] == [
        "The council voted 7-2.",
        "The mayor objected.",
    ]
    assert body["url"] == "https://news.example/vote"
    assert response["Location"] == f"{URL}{body['id']}/"
    assert Document.objects.get(pk=body["id"]).created_by == owner


def test_owner_uploads_a_text_file(client_for, owner, project):
    upload = SimpleUploadedFile("vote.txt", b"The council voted 7-2.\n\nThe mayor objected.\n")

    response = client_for(owner).post(
        URL, {"project": project.pk, "file": upload, "title": "From a file"}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["title"] == "From a file"
    assert response.json()["sentence_count"] == 2


def test_upload_of_a_json_record_takes_its_metadata(client_for, owner, project):
    record = {"title": "Recorded", "text": "One claim here.", "publisher": "AP"}
    upload = SimpleUploadedFile("doc.json", json.dumps(record).encode())

    response = client_for(owner).post(
        URL, {"project": project.pk, "file": upload}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["title"], response.json()["publisher"]) == ("Recorded", "AP")


def test_upload_holding_several_documents_answers_400_on_file(client_for, owner, project):
    lines = "\n".join(json.dumps({"title": f"D{i}", "text": f"Text {i}."}) for i in range(2))
    upload = SimpleUploadedFile("docs.jsonl", lines.encode())

    response = client_for(owner).post(
        URL, {"project": project.pk, "file": upload}, format="multipart"
    )

    assert response.status_code == 400
    assert "2 documents" in response.json()["file"][0]
    assert not Document.objects.filter(title__in=["D0", "D1"]).exists()


@pytest.mark.parametrize(
    ("name", "data"), [("binary.txt", b"\xff\xfe\x00bad"), ("doc.exe", b"MZ"), ("x.json", b"{")]
)
def test_unreadable_uploads_answer_400_on_file(client_for, owner, project, name, data):
    response = client_for(owner).post(
        URL, {"project": project.pk, "file": SimpleUploadedFile(name, data)}, format="multipart"
    )

    assert response.status_code == 400
    assert "file" in response.json()


def test_duplicate_text_answers_409_with_the_existing_document(
    client_for, owner, project, document
):
    response = client_for(owner).post(
        URL, {"project": project.pk, "title": "Again", "text": SAMPLE_TEXT}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["document"] == document.pk
    assert str(document.pk) in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "No text"}, "text"),
        ({"text": "Text without a title."}, "title"),
        ({"title": "Blank", "text": "   \n "}, "text"),
        ({"title": "Bad URL", "text": "Some text.", "url": "javascript:alert(1)"}, "url"),
    ],
)
def test_invalid_document_input_answers_400_naming_the_field(
    client_for, owner, project, body, field
):
    response = client_for(owner).post(URL, {"project": project.pk, **body}, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_document_text_over_the_limit_answers_400_on_text(client_for, owner, project, settings):
    settings.FACTCHECK_MAX_DOCUMENT_BYTES = 100

    response = client_for(owner).post(
        URL, {"project": project.pk, "title": "Long", "text": "Word. " * 50}, format="json"
    )

    assert response.status_code == 400
    assert "100 bytes" in response.json()["text"][0]


@pytest.mark.parametrize("role", ["annotator", "reviewer"])
def test_only_owners_create_documents(client_for, users, project, role):
    response = client_for(users[role]).post(
        URL, {"project": project.pk, "title": "T", "text": "A sentence."}, format="json"
    )

    assert response.status_code == 403
    assert not Document.objects.filter(title="T").exists()


def test_creating_in_a_foreign_project_is_refused_as_unknown_project(
    client_for, owner, other_project
):
    response = client_for(owner).post(
        URL, {"project": other_project.pk, "title": "T", "text": "A sentence."}, format="json"
    )

    assert response.status_code == 400
    assert "does not exist" in response.json()["project"][0]


def test_an_empty_form_field_is_refused_like_an_empty_json_one(client_for, owner, project):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("story.txt", b"One sentence here. Another one there.")

    response = client_for(owner).post(
        URL, {"project": project.pk, "file": upload, "language": ""}, format="multipart"
    )

    assert response.status_code == 400
    assert "language" in response.json()
