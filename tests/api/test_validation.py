"""Bad input gets a 400 (or 413) naming the problem, never a 500 and never partial data."""

import json

import pytest

from annotations import messages
from annotations.models import Annotation
from tests.factories import make_annotation

URL = "/api/v1/annotations/"


@pytest.fixture
def api(client_for, annotator):
    return client_for(annotator)


@pytest.fixture
def valid_body(document):
    return {
        "sentence": document.sentences.get(index=0).pk,
        "claim_type": document.project.claim_types.get(slug="statistic").pk,
    }


def post(api, body):
    return api.post(URL, body, format="json")


def test_unknown_body_fields_are_rejected_by_name(api, valid_body):
    response = post(api, {**valid_body, "verification_stauts": "true", "colour": "red"})

    assert response.status_code == 400
    assert response.json() == {
        "verification_stauts": [messages.UNKNOWN_FIELD],
        "colour": [messages.UNKNOWN_FIELD],
    }
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    "field",
    [
        "annotator",
        "version",
        "review_state",
        "quote",
        "created_at",
        "updated_at",
        "project",
        "document",
    ],
)
def test_server_owned_fields_are_rejected_as_read_only(api, valid_body, field):
    response = post(api, {**valid_body, field: 1})

    assert response.status_code == 400
    assert response.json() == {field: [messages.READ_ONLY_FIELD]}


def test_server_owned_fields_in_patch_are_rejected_too(api, annotator, document):
    annotation = make_annotation(document, user=annotator)

    response = api.patch(
        f"{URL}{annotation.pk}/", {"review_state": "approved"}, format="json", HTTP_IF_MATCH="1"
    )

    assert response.status_code == 400
    assert response.json() == {"review_state": [messages.READ_ONLY_FIELD]}
    annotation.refresh_from_db()
    assert (annotation.review_state, annotation.version) == ("pending", 1)


def test_unknown_fields_inside_sources_are_named(api, valid_body):
    response = post(api, {**valid_body, "sources": [{"url": "https://a.example/", "rating": 5}]})

    assert response.status_code == 400
    assert response.json() == {"sources": {"0": {"rating": [messages.UNKNOWN_FIELD]}}}


@pytest.mark.parametrize(
    ("path", "query", "name"),
    [
        (URL, "reveiw_state=approved", "reveiw_state"),
        (URL, "search=budget", "search"),
        ("/api/v1/documents/", "document=1", "document"),
        ("/api/v1/projects/", "project=1", "project"),
    ],
)
def test_unknown_query_parameters_are_rejected_by_name(api, path, query, name):
    response = api.get(f"{path}?{query}")

    assert response.status_code == 400
    assert response.json() == {name: [messages.UNKNOWN_QUERY_PARAMETER]}


@pytest.mark.parametrize("ordering", ["quote", "-password", "start,annotator__password", ","])
def test_ordering_outside_the_allow_list_answers_400(api, ordering):
    response = api.get(URL, {"ordering": ordering})

    assert response.status_code == 400
    assert "ordering" in response.json()


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("verification_status=probably", "verification_status"),
        ("review_state=done", "review_state"),
        ("document=abc", "document"),
        ("updated_since=yesterday", "updated_since"),
        ("claim_type=-1", "claim_type"),
    ],
)
def test_invalid_filter_values_answer_400_naming_the_filter(api, query, name):
    response = api.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert name in response.json()


def test_malformed_json_answers_400(api):
    response = api.post(URL, '{"sentence": 1,', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"] == messages.JSON_MALFORMED.format(
        error="Expecting property name enclosed in double quotes", line=1, column=16
    )


def test_oversized_body_answers_413_json(api, settings, valid_body):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = post(api, {**valid_body, "rationale": "x" * 2000})

    assert response.status_code == 413
    assert "1000 bytes" in response.json()["detail"]


def test_oversized_form_upload_answers_413(client_for, owner, project, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client_for(owner).post(
        "/api/v1/documents/",
        {"project": project.pk, "title": "Big", "text": "Words. " * 500},
        format="multipart",
    )

    assert response.status_code == 413


@pytest.mark.parametrize(("start", "end"), [(0, 500), (90, 85), (None, 9999)])
def test_span_outside_the_sentence_answers_400(api, valid_body, start, end):
    body = {**valid_body, "end": end}
    if start is not None:
        body["start"] = start

    response = post(api, body)

    assert response.status_code == 400
    assert response.json() in ({"end": [messages.SPAN_OUTSIDE]}, {"start": [messages.SPAN_OUTSIDE]})


def test_negative_offsets_answer_400_naming_the_field(api, valid_body):
    response = post(api, {**valid_body, "start": -1})

    assert response.status_code == 400
    assert "start" in response.json()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://files.example/x", "not a url", "file:///etc/passwd"]
)
def test_source_urls_must_be_http_or_https(api, valid_body, url):
    response = post(api, {**valid_body, "sources": [{"url": url}]})

    assert response.status_code == 400
    assert response.json() == {"sources": {"0": {"url": [messages.SOURCE_URL_SCHEME]}}}
    assert not Annotation.objects.exists()


def test_claim_type_of_another_of_my_projects_answers_400(api, annotator, valid_body):
    from tests.factories import make_project

    mine_too = make_project(annotator=annotator)
    other_type = mine_too.claim_types.first()

    response = post(api, {**valid_body, "claim_type": other_type.pk})

    assert response.status_code == 400
    assert response.json() == {"claim_type": [messages.CLAIM_TYPE_OTHER_PROJECT]}


def test_claim_type_of_a_foreign_project_does_not_exist_for_me(api, valid_body, other_project):
    response = post(api, {**valid_body, "claim_type": other_project.claim_types.first().pk})

    assert response.status_code == 400
    assert "does not exist" in response.json()["claim_type"][0]


def test_sentence_of_a_foreign_project_does_not_exist_for_me(api, valid_body, other_document):
    response = post(api, {**valid_body, "sentence": other_document.sentences.first().pk})

    assert response.status_code == 400
    assert "does not exist" in response.json()["sentence"][0]
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("verification_status", "probably"), ("verification_status", None)],
)
def test_invalid_status_values_answer_400_naming_the_field(api, valid_body, field, value):
    response = post(api, {**valid_body, field: value})

    assert response.status_code == 400
    assert field in response.json()


def test_invalid_source_stance_is_named(api, valid_body):
    response = post(
        api, {**valid_body, "sources": [{"url": "https://a.example/", "stance": "meh"}]}
    )

    assert response.status_code == 400
    assert "stance" in response.json()["sources"]["0"]


def test_duplicate_span_by_the_same_annotator_answers_400(api, valid_body):
    assert post(api, valid_body).status_code == 201

    response = post(api, valid_body)

    assert response.status_code == 400
    assert response.json() == {"detail": messages.DUPLICATE_ANNOTATION}


GARBAGE_BODIES = [
    [],
    [1, 2],
    "text",
    123,
    None,
    {"sentence": "1; DROP TABLE"},
    {"sentence": 10**30, "claim_type": 10**30},
    {"sentence": True, "claim_type": False},
    {"sentence": {"id": 1}, "claim_type": [1]},
    {"sentence": 1.5, "claim_type": "NaN"},
    {"start": "0", "end": 1e308},
    {"sources": "https://a.example/"},
    {"sources": [None, 1, "x"]},
    {"sources": [{"url": "https://a.example/\x00"}]},
    {"rationale": "\x00", "verification_status": ["true"]},
    {"sources": [{"url": "https://a.example/", "accessed_at": "32/13/2026", "id": 10**20}]},
]


@pytest.mark.parametrize("body", GARBAGE_BODIES, ids=range(len(GARBAGE_BODIES)))
def test_garbage_bodies_never_cause_a_server_error(api, annotator, document, body):
    annotation = make_annotation(document, user=annotator, sentence_index=3)

    created = api.post(URL, json.dumps(body), content_type="application/json")
    patched = api.patch(
        f"{URL}{annotation.pk}/",
        json.dumps(body),
        content_type="application/json",
        HTTP_IF_MATCH='"1"',
    )

    assert created.status_code == 400, created.content
    assert patched.status_code in (200, 400), patched.content
    assert Annotation.objects.count() == 1


GARBAGE_QUERIES = [
    "document=99999999999999999999999",
    "sentence=1e5",
    "annotator=%00",
    "claim_type_slug=%00",
    "updated_since=2026-13-45T99:00",
    "page=0",
    "page=abc",
    "page_size=-5",
    "ordering=%00",
    "project=1&project=x",
]


@pytest.mark.parametrize("query", GARBAGE_QUERIES)
@pytest.mark.parametrize("path", [URL, "/api/v1/documents/", "/api/v1/projects/"])
def test_garbage_queries_never_cause_a_server_error(api, annotator, document, path, query):
    make_annotation(document, user=annotator)

    response = api.get(f"{path}?{query}")

    assert response.status_code in (200, 400, 404), response.content
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/annotations/99999999999999999999999/",
        "/api/v1/documents/99999999999999999999999/",
        "/api/v1/projects/99999999999999999999999/",
        "/api/v1/no-such-endpoint/",
    ],
)
def test_absurd_ids_and_unknown_paths_answer_json_404(api, path):
    response = api.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."} or "detail" in response.json()


@pytest.mark.parametrize("size", ["0", "1001", "-1", "ten", "1.5"])
def test_page_size_outside_the_documented_range_is_a_400(api, size):
    response = api.get(URL, {"page_size": size})

    assert response.status_code == 400
    assert response.json() == {"page_size": [messages.BAD_PAGE_SIZE.format(max=1000)]}


def test_page_size_at_its_bounds_is_accepted(api):
    assert api.get(URL, {"page_size": "1"}).status_code == 200
    assert api.get(URL, {"page_size": "1000"}).status_code == 200


def test_a_repeated_query_parameter_is_a_400_not_its_last_value(api):
    response = api.get(f"{URL}?page_size=5&page_size=500")

    assert response.status_code == 400
    assert response.json() == {"page_size": [messages.REPEATED_QUERY_PARAMETER]}


@pytest.mark.parametrize("name", ["updated_since", "project", "page"])
def test_an_empty_filter_value_is_a_400_not_no_filter(api, name):
    response = api.get(f"{URL}?{name}=")

    assert response.status_code == 400
    assert response.json() == {name: [messages.EMPTY_QUERY_PARAMETER]}


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_unknown_api_paths_answer_json_404_for_every_method(client, method):
    response = getattr(client, method)("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": messages.API_NOT_FOUND}


def test_a_csrf_failure_under_api_answers_json_and_html_elsewhere(rf):
    """The ``CSRF_FAILURE_VIEW``: API views are CSRF-exempt (DRF checks session writes
    itself and answers JSON), so this guards any plain Django view mounted under /api/."""
    from annotations.api.urls import csrf_failure

    response = csrf_failure(rf.post("/api/v1/anything/"), reason="CSRF cookie not set.")
    page = csrf_failure(rf.post("/accounts/login/"), reason="CSRF cookie not set.")

    assert response.status_code == 403
    assert json.loads(response.content) == {
        "detail": messages.API_CSRF_FAILED.format(reason="CSRF cookie not set")
    }
    assert page.status_code == 403
    assert page["Content-Type"].startswith("text/html")


def test_an_over_long_api_url_answers_json_414(api, settings):
    settings.API_MAX_URL_LENGTH = 200

    response = api.get(URL, {"claim_type_slug": "x" * 200})

    assert response.status_code == 414
    assert response.json() == {"detail": messages.URI_TOO_LONG.format(limit=200)}
    assert api.get(URL, {"claim_type_slug": "x" * 50}).status_code == 200


def test_an_unknown_api_path_holding_a_newline_answers_json(client):
    response = client.delete("/api/v1/projects/%0A/members/x%0Ay/")

    assert response.status_code == 404
    assert response.json() == {"detail": messages.API_NOT_FOUND}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rationale", 0, messages.EXPECTED_STRING),
        ("start", "0", messages.EXPECTED_INTEGER),
        ("start", True, messages.EXPECTED_INTEGER),
        ("sentence", "1", messages.EXPECTED_INTEGER),
    ],
)
def test_a_json_value_of_another_type_than_the_schema_says_is_a_400(
    api, valid_body, field, value, message
):
    response = post(api, {**valid_body, field: value})

    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert not Annotation.objects.exists()


def test_claim_type_flags_take_only_json_booleans(client_for, owner, project):
    response = client_for(owner).post(
        f"/api/v1/projects/{project.pk}/claim-types/",
        {"name": "Numbers", "is_default": 0},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"is_default": [messages.EXPECTED_BOOLEAN]}
