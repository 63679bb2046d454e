"""``GET /api/v1/annotations/deleted/``: which annotations went away since a time, by whom."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annotations import services
from annotations.models import Annotation
from annotations.selectors import isoformat
from tests.factories import make_annotation, make_document

URL = "/api/v1/annotations/deleted/"


def delete(annotation, user):
    """Delete through the service; return the annotation's id and the deletion's time."""
    pk = annotation.pk
    services.delete_annotation(user=user, annotation=annotation, expected_version=None)
    return pk, Annotation.history.filter(id=pk, history_type="-").latest().history_date


@pytest.fixture
def since():
    return isoformat(timezone.now() - timedelta(seconds=1))


@pytest.fixture
def gone(document, annotator, reviewer):
    """An annotation of ``document`` the reviewer deleted; (id, deleted_at)."""
    return delete(make_annotation(document, user=annotator, sentence_index=1), reviewer)


def test_a_member_sees_who_deleted_which_annotation_and_when(
    client_for, annotator, document, gone, since
):
    pk, deleted_at = gone
    make_annotation(document, user=annotator, sentence_index=0)  # still there: not listed

    response = client_for(annotator).get(URL, {"document": document.pk, "since": since})

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": pk,
            "document": document.pk,
            "project": document.project_id,
            "deleted_at": isoformat(deleted_at),
            "deleted_by": "rita",
        }
    ]


def test_deletions_before_since_are_not_listed(client_for, annotator, document, gone):
    _, deleted_at = gone
    later = isoformat(deleted_at + timedelta(milliseconds=1))

    response = client_for(annotator).get(URL, {"document": document.pk, "since": later})

    assert response.json() == []


def test_document_and_project_filters_narrow_the_list(
    client_for, annotator, reviewer, project, document, gone, since
):
    sibling = make_document(project, title="Sibling", text="Another text. With two sentences.")
    sibling_pk, _ = delete(make_annotation(sibling, user=annotator), reviewer)
    client = client_for(annotator)

    by_document = client.get(URL, {"document": document.pk, "since": since}).json()
    by_project = client.get(URL, {"project": project.pk, "since": since}).json()
    everything = client.get(URL, {"since": since}).json()

    assert [row["id"] for row in by_document] == [gone[0]]
    assert [row["id"] for row in by_project] == [gone[0], sibling_pk]
    assert [row["id"] for row in everything] == [gone[0], sibling_pk]


def test_other_projects_deletions_are_never_listed(
    client_for, annotator, outsider, other_project, gone, since
):
    elsewhere = make_document(other_project, title="Elsewhere", text="Far away. Not ours.")
    delete(make_annotation(elsewhere, user=outsider), outsider)

    mine = client_for(annotator).get(URL, {"since": since}).json()
    theirs = client_for(outsider).get(URL, {"since": since}).json()

    assert [row["id"] for row in mine] == [gone[0]]
    assert gone[0] not in [row["id"] for row in theirs]


@pytest.mark.parametrize("param", ["document", "project"])
def test_another_projects_document_or_project_answers_404_like_a_missing_one(
    client_for, outsider, document, param, since
):
    key = document.pk if param == "document" else document.project_id
    client = client_for(outsider)

    hidden = client.get(URL, {param: key, "since": since})
    missing = client.get(URL, {param: 999_999, "since": since})

    assert hidden.status_code == missing.status_code == 404
    assert str(key) in hidden.json()["detail"]


def test_anonymous_callers_must_authenticate(client_for, document, since):
    response = client_for(None).get(URL, {"document": document.pk, "since": since})

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("query", "bad"),
    [
        ({}, "since"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-11-28T10:00:00Z", "document": "abc"}, "document"),
        ({"since": "2026-11-28T10:00:00Z", "project": "0"}, "project"),
        ({"since": "2026-11-28T10:00:00Z", "updated_since": "2026-11-28"}, "updated_since"),
        ({"since": "2026-11-28T10:00:00Z", "document": "1\x00"}, "document"),
    ],
)
def test_bad_or_unknown_parameters_answer_400_naming_them(client_for, annotator, query, bad):
    response = client_for(annotator).get(URL, query)

    assert response.status_code == 400
    assert bad in response.json()


def test_since_with_an_unencoded_plus_in_its_offset_is_understood(
    client_for, annotator, document, gone
):
    response = client_for(annotator).get(
        URL, {"document": document.pk, "since": "2000-01-01T00:00:00 00:00"}
    )

    assert [row["id"] for row in response.json()] == [gone[0]]


def test_query_count_does_not_grow_with_the_number_of_deletions(
    client_for, annotator, reviewer, document, since, django_assert_num_queries
):
    client = client_for(annotator)
    delete(make_annotation(document, user=annotator), reviewer)
    with django_assert_num_queries(2) as one:  # the document, then the tombstones
        assert len(client.get(URL, {"document": document.pk, "since": since}).json()) == 1
    for index in range(1, 4):
        delete(make_annotation(document, user=annotator, sentence_index=index), reviewer)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get(URL, {"document": document.pk, "since": since}).json()) == 4


def test_the_endpoint_is_documented_in_the_schema(client_for, annotator):
    schema = client_for(annotator).get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/annotations/deleted/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["since"]["required"] is True
    assert {"document", "project"} <= set(parameters)
    assert {"200", "400", "404"} <= set(operation["responses"])
