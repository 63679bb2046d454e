"""``GET /api/v1/export/annotations``: access, parameters, filters, download headers."""

import json
import re

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations import services
from annotations.models import Role
from tests.export_corpus import annotated_corpus
from tests.factories import make_annotation, make_document

URL = "/api/v1/export/annotations"


@pytest.fixture
def corpus(project, reviewer, annotator):
    return annotated_corpus(project, reviewer=reviewer, annotator=annotator)


def exported_ids(response) -> list[int]:
    """Annotation ids of a ``json`` export response, in order."""
    assert response.status_code == 200, response.content
    data = json.loads(b"".join(response.streaming_content))
    return [a["id"] for document in data["documents"] for a in document["annotations"]]


@pytest.mark.parametrize(
    ("fmt", "extension", "media_type"),
    [
        ("json", "json", "application/json"),
        ("jsonl", "jsonl", "application/x-ndjson"),
        ("csv", "csv", "text/csv"),
        ("claimreview", "jsonld", "application/ld+json"),
        ("w3c", "jsonld", "application/ld+json"),
    ],
)
def test_export_is_a_streamed_download_with_a_dated_filename(
    corpus, client_for, annotator, fmt, extension, media_type
):
    response = client_for(annotator).get(URL, {"format": fmt})
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    today = timezone.now().date().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="factcheck-annotations-{today}.{extension}"'
    )
    assert b"".join(response.streaming_content)


def test_json_is_the_default_format(corpus, client_for, annotator):
    response = client_for(annotator).get(URL)
    assert response["Content-Disposition"].endswith('.json"')
    assert len(exported_ids(response)) == 5


@pytest.mark.parametrize("role", [Role.OWNER, Role.REVIEWER, Role.ANNOTATOR])
def test_every_member_exports_the_whole_project(corpus, client_for, users, role):
    assert len(exported_ids(client_for(users[role]).get(URL))) == 5


def test_anonymous_caller_is_refused(corpus):
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_token_authentication_works_for_scripts(corpus, annotator):
    token = Token.objects.create(user=annotator)
    response = APIClient().get(URL, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert len(exported_ids(response)) == 5


def test_session_authentication_works_for_the_browser(corpus, annotator):
    client = APIClient()
    client.force_login(annotator)
    assert len(exported_ids(client.get(URL))) == 5


def test_outsider_exports_nothing_from_projects_they_are_not_in(corpus, client_for, outsider):
    assert exported_ids(client_for(outsider).get(URL)) == []


def test_another_projects_document_answers_404_without_leaking_it(
    corpus, client_for, annotator, other_document
):
    response = client_for(annotator).get(URL, {"document": other_document.pk})
    assert response.status_code == 404
    assert other_document.title not in response.content.decode()
    missing = client_for(annotator).get(URL, {"document": 999999})
    assert missing.status_code == 404
    assert missing.json().keys() == response.json().keys()


@pytest.mark.parametrize("key", ["id", "slug"])
def test_another_project_answers_404_by_id_or_slug(
    corpus, client_for, annotator, other_project, key
):
    response = client_for(annotator).get(URL, {"project": getattr(other_project, key)})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"format": "xml"}, "format"),
        ({"formt": "csv"}, "formt"),
        ({"review_stat": "approved"}, "review_stat"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "2026-13-45T00:00:00Z"}, "updated_since"),
        ({"verification_status": "true,maybe"}, "verification_status"),
        ({"review_state": "done"}, "review_state"),
        ({"document": "abc"}, "document"),
        ({"document": "-1"}, "document"),
        ({"claim_type_slug": "a\x00b"}, "claim_type_slug"),
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(
    corpus, client_for, annotator, params, field
):
    response = client_for(annotator).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_unknown_format_lists_the_known_ones(client_for, annotator):
    response = client_for(annotator).get(URL, {"format": "xml"})
    assert response.status_code == 400
    assert response.json() == {"format": ['"xml" is not a valid choice.']}


def test_filter_by_project_by_id_or_slug(
    corpus, client_for, owner, project, other_project, outsider
):
    services.add_member(project=other_project, user=owner)
    elsewhere = make_document(other_project, title="Elsewhere")
    make_annotation(elsewhere, user=outsider)
    client = client_for(owner)
    assert len(exported_ids(client.get(URL))) == 6
    assert len(exported_ids(client.get(URL, {"project": project.pk}))) == 5
    assert len(exported_ids(client.get(URL, {"project": project.slug}))) == 5
    assert len(exported_ids(client.get(URL, {"project": other_project.slug}))) == 1


def test_filter_by_document(corpus, client_for, annotator):
    response = client_for(annotator).get(URL, {"document": corpus.documents[1].pk})
    assert exported_ids(response) == [corpus.true_claim.pk]


def test_filter_approved_only(corpus, client_for, annotator):
    response = client_for(annotator).get(URL, {"review_state": "approved"})
    assert exported_ids(response) == [corpus.span.pk]


def test_filter_by_one_or_several_verification_statuses(corpus, client_for, annotator):
    client = client_for(annotator)
    assert exported_ids(client.get(URL, {"verification_status": "false"})) == [
        corpus.false_claim.pk
    ]
    both = client.get(URL, {"verification_status": "false,true"})
    assert exported_ids(both) == [corpus.false_claim.pk, corpus.true_claim.pk]


def test_filter_by_claim_type_and_annotator(corpus, client_for, annotator, reviewer):
    client = client_for(annotator)
    assert exported_ids(client.get(URL, {"claim_type_slug": "quote"})) == [corpus.unverifiable.pk]
    assert exported_ids(client.get(URL, {"annotator": reviewer.pk})) == [corpus.unverifiable.pk]


def test_updated_since_pulls_only_what_changed_since_the_last_export(corpus, client_for, annotator):
    client = client_for(annotator)
    first = client.get(URL)
    since = json.loads(b"".join(first.streaming_content))["exported_at"]
    assert exported_ids(client.get(URL, {"updated_since": since})) == []
    services.update_annotation(
        user=annotator, annotation=corpus.unchecked, expected_version=1, rationale="Now checked."
    )
    changed = client.get(URL, {"updated_since": since})
    assert exported_ids(changed) == [corpus.unchecked.pk]


def test_updated_since_accepts_an_unencoded_plus_in_the_offset(corpus, client_for, annotator):
    response = client_for(annotator).get(URL + "?updated_since=2000-01-01T00:00:00+00:00")
    assert len(exported_ids(response)) == 5


def test_export_header_records_the_filters(corpus, client_for, annotator, project):
    response = client_for(annotator).get(
        URL, {"project": project.pk, "review_state": "approved,pending"}
    )
    data = json.loads(b"".join(response.streaming_content))
    assert data["filters"] == {"project": project.slug, "review_state": ["approved", "pending"]}


def test_export_is_throttled(corpus, client_for, annotator, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "export", "2/min")
    client = client_for(annotator)
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 200
    refused = client.get(URL)
    assert refused.status_code == 429
    assert re.search(r"\d+ seconds", refused.json()["detail"])


def test_export_is_in_the_openapi_schema(client_for, annotator):
    schema = client_for(annotator).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    operation = schema.json()["paths"]["/api/v1/export/annotations"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"format", "project", "document", "review_state", "updated_since"} <= names
