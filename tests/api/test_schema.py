"""The OpenAPI schema documents every public endpoint; the docs page needs no CDN."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

PUBLIC_PATHS = {
    "/api/v1/auth/token/": {"post"},
    "/api/v1/projects/": {"get"},
    "/api/v1/projects/{id}/": {"get"},
    "/api/v1/projects/{id}/claim-types/": {"get"},
    "/api/v1/documents/": {"get", "post"},
    "/api/v1/documents/{id}/": {"get"},
    "/api/v1/annotations/": {"get", "post"},
    "/api/v1/annotations/{id}/": {"get", "patch", "delete"},
    "/api/v1/annotations/{id}/history/": {"get"},
    "/api/v1/annotations/{id}/review/": {"post"},
    "/api/v1/export/annotations": {"get"},
}


@pytest.fixture
def schema(client_for, annotator):
    response = client_for(annotator).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_schema_is_valid_openapi_with_every_public_path(schema):
    validate_schema(schema)

    documented = {path: set(ops) - {"parameters"} for path, ops in schema["paths"].items()}
    for path, methods in PUBLIC_PATHS.items():
        assert methods <= documented.get(path, set()), path


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_writes_document_if_match_and_the_412_and_428_answers(schema, method):
    operation = schema["paths"]["/api/v1/annotations/{id}/"][method]

    headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
    assert headers["If-Match"]["required"] is True
    assert {"412", "428"} <= set(operation["responses"])


def test_list_filters_are_documented(schema):
    names = {p["name"] for p in schema["paths"]["/api/v1/annotations/"]["get"]["parameters"]}

    assert {
        "project",
        "document",
        "sentence",
        "claim_type",
        "verification_status",
        "review_state",
        "annotator",
        "updated_since",
        "ordering",
        "page",
        "page_size",
    } <= names


def test_schema_command_validates_without_errors_or_warnings(tmp_path):
    out = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))

    assert "/api/v1/annotations/{id}/review/" in out.read_text()


def test_schema_and_docs_need_a_signed_in_user(client):
    assert client.get("/api/schema/").status_code == 401
    docs = client.get("/api/docs/")
    assert docs.status_code == 302
    assert "/accounts/login/" in docs["Location"]


def test_docs_page_loads_only_local_assets_and_no_inline_script(client_for, annotator, settings):
    client = client_for(annotator)
    client.force_login(annotator)

    page = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/", {"script": ""})

    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(source.endswith("swagger-ui-bundle.js") for source in sources), page
    assert all(source.startswith("/") for source in sources), sources
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", page)
    assert inline_scripts == []
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    for source in sources:
        if source.startswith(settings.STATIC_URL) or source.startswith("/" + settings.STATIC_URL):
            assert finders.find(source.split("static/", 1)[1]), source


def test_schema_states_page_bounds_ordering_fields_and_strict_bodies(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/documents/"]["get"]["parameters"]}
    bodies = schema["components"]["schemas"]

    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 1000}
    assert "-published_at" in parameters["ordering"]["schema"]["items"]["enum"]
    assert parameters["ordering"]["explode"] is False
    assert bodies["AnnotationCreate"]["additionalProperties"] is False
    assert bodies["PatchedAnnotationWrite"]["additionalProperties"] is False


def test_every_operation_lists_the_shared_error_answers(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert "400" in operation["responses"], (method, path)
            if method in {"post", "put", "patch"}:
                assert {"413", "415"} <= set(operation["responses"]), (method, path)


def test_export_describes_each_media_type(schema):
    content = schema["paths"]["/api/v1/export/annotations"]["get"]["responses"]["200"]["content"]

    assert set(content) == {
        "application/json",
        "application/x-ndjson",
        "text/csv",
        "application/ld+json",
    }
    assert content["application/json"]["schema"]["type"] == "object"
    assert len(content["application/ld+json"]["schema"]["oneOf"]) == 2


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_docs_page_answers_other_methods_with_json_405(client, method):
    response = getattr(client, method)("/api/docs/")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert "GET" in response["Allow"]


def test_docs_page_answers_options_with_json_not_500(client):
    response = client.options("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
