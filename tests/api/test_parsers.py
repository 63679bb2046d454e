"""Hostile bodies: every endpoint that reads one answers 400 naming the problem, never 500.

The probes are what a fuzzer or an attacker sends: nesting thousands of levels deep, bytes
that are not UTF-8, numbers no column holds, JavaScript's NaN, repeated keys, escapes that
are no character, a body of another type or none at all.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import parsers as drf_parsers
from rest_framework.test import APIClient

from annotations import messages, strict_json
from annotations.api import parsers
from annotations.models import Annotation, Document
from tests.factories import make_annotation

PASSWORD = "pw-for-tests-123"  # tests.factories.UserFactory's
DEPTH = strict_json.MAX_DEPTH


def nested(levels: int) -> bytes:
    return b'{"a": ' * (levels - 1) + b"[]" + b"}" * (levels - 1)


TOO_DEEP = messages.JSON_TOO_DEEP.format(limit=DEPTH)
DEEP_ARRAYS = b"[" * 5000 + b"]" * 5000
HUGE_INTEGER = b"1" + b"0" * 5000
HUGE_INTEGER_REFUSED = messages.JSON_NUMBER_TOO_LARGE.format(literal="1" + "0" * 39 + "…")

HOSTILE = {
    # name: (body, the message it answers)
    "arrays 5,000 deep": (DEEP_ARRAYS, TOO_DEEP),
    "objects 5,000 deep": (nested(5000), TOO_DEEP),
    "one level too deep": (nested(DEPTH + 1), TOO_DEEP),
    "invalid UTF-8": (b'{"rationale": "caf\xe9"}', messages.JSON_NOT_UTF8.format(position=18)),
    "UTF-16": ('{"rationale": "x"}'.encode("utf-16"), messages.JSON_NOT_UTF8.format(position=0)),
    "a 5,000-digit integer": (b'{"start": ' + HUGE_INTEGER + b"}", HUGE_INTEGER_REFUSED),
    "2**63": (
        b'{"start": 9223372036854775808}',
        messages.JSON_NUMBER_TOO_LARGE.format(literal="9223372036854775808"),
    ),
    "1e999": (b'{"start": 1e999}', messages.JSON_NUMBER_TOO_LARGE.format(literal="1e999")),
    "NaN": (b'{"start": NaN}', messages.JSON_NOT_A_NUMBER.format(literal="NaN")),
    "-Infinity": (b'{"start": -Infinity}', messages.JSON_NOT_A_NUMBER.format(literal="-Infinity")),
    "a repeated key": (
        b'{"rationale": "a", "rationale": "b"}',
        messages.JSON_DUPLICATE_KEY.format(key='"rationale"'),
    ),
    "a lone surrogate in a key": (
        b'{"\\ud800": 1}',
        messages.JSON_LONE_SURROGATE.format(escape="\\ud800"),
    ),
    "a lone surrogate in a nested value": (
        b'{"sources": [{"title": "x\\udfff"}]}',
        messages.JSON_LONE_SURROGATE.format(escape="\\udfff"),
    ),
    "truncated JSON": (
        b'{"rationale": ',
        messages.JSON_MALFORMED.format(error="Expecting value", line=1, column=15),
    ),
    "form data sent as JSON": (
        b"rationale=x",
        messages.JSON_MALFORMED.format(error="Expecting value", line=1, column=1),
    ),
    "no body": (b"", messages.EMPTY_BODY),
}


@pytest.fixture
def endpoints(document, owner, reviewer, annotator, client_for):
    """Every endpoint that reads a body: (client, method, path, headers)."""
    annotation = make_annotation(document, user=annotator)
    detail = f"/api/v1/annotations/{annotation.pk}/"
    return {
        "token login": (APIClient(), "post", "/api/v1/auth/token/", {}),
        "add document": (client_for(owner), "post", "/api/v1/documents/", {}),
        "add annotation": (client_for(annotator), "post", "/api/v1/annotations/", {}),
        "edit annotation": (client_for(annotator), "patch", detail, {"HTTP_IF_MATCH": '"1"'}),
        "review": (client_for(reviewer), "post", f"{detail}review/", {}),
    }


ENDPOINTS = ["token login", "add document", "add annotation", "edit annotation", "review"]
# JSON everywhere; forms where every field is flat: a sign-in, a file upload.
ACCEPTED_BODY_TYPES = {
    "token login": "application/json or application/x-www-form-urlencoded or multipart/form-data",
    "add document": "application/json or multipart/form-data",
}


def send(endpoint, body: bytes, content_type="application/json"):
    client, method, path, headers = endpoint
    return getattr(client, method)(path, body, content_type=content_type, **headers)


def unchanged():
    return (
        Document.objects.count(),
        list(Annotation.objects.values_list("version", "rationale", "review_state")),
    )


@pytest.mark.parametrize("probe", list(HOSTILE))
@pytest.mark.parametrize("name", ENDPOINTS)
def test_hostile_body_answers_400_naming_the_problem_and_changes_nothing(endpoints, name, probe):
    body, message = HOSTILE[probe]
    before = unchanged()

    response = send(endpoints[name], body)

    assert response.status_code == 400, response.content
    assert response.json() == {"detail": message}
    assert unchanged() == before


@pytest.mark.parametrize("name", ENDPOINTS)
def test_a_body_type_the_endpoint_cannot_read_answers_415_naming_the_types_it_can(endpoints, name):
    before = unchanged()

    response = send(endpoints[name], b'{"rationale": "x"}', content_type="text/plain")

    assert response.status_code == 415
    accepted = ACCEPTED_BODY_TYPES.get(name, "application/json")
    assert response.json() == {
        "detail": messages.UNSUPPORTED_MEDIA_TYPE.format(media_type="text/plain", accepted=accepted)
    }
    assert unchanged() == before


def test_json_in_another_charset_than_utf8_is_refused(endpoints):
    body = '{"rationale": "café"}'.encode("latin-1")

    response = send(endpoints["edit annotation"], body, "application/json; charset=latin-1")

    assert response.status_code == 400
    assert response.json() == {"detail": messages.JSON_NOT_UTF8.format(position=18)}


def test_well_formed_bodies_still_work_at_the_limits(endpoints, annotator):
    """A byte-order mark, the deepest allowed nesting and 64-bit numbers are fine."""
    login = send(
        endpoints["token login"],
        b'\xef\xbb\xbf{"username": "anna", "password": "%s"}' % PASSWORD.encode(),
    )
    assert login.status_code == 200

    assert parsers.parse_json(nested(DEPTH)) is not None
    assert parsers.parse_json(b"[9223372036854775807, -9223372036854775808, 1.5e308]") == [
        2**63 - 1,
        -(2**63),
        1.5e308,
    ]
    assert parsers.parse_json('{"emoji": "\\ud83d\\ude00 ✓"}'.encode()) == {"emoji": "😀 ✓"}

    edit = send(endpoints["edit annotation"], '{"rationale": "café ✓"}'.encode())
    assert edit.status_code == 200
    assert edit.json()["rationale"] == "café ✓"


def api_views(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from api_views(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is not None:
                yield route, view_class


def test_every_api_view_reads_json_with_the_hardened_parser():
    """A view that sets ``parser_classes`` itself must not bring back DRF's plain parser."""
    views = dict(api_views())
    assert len(views) >= 10

    for route, view_class in views.items():
        for parser in getattr(view_class, "parser_classes", []):
            is_plain_json = issubclass(parser, drf_parsers.JSONParser) and not issubclass(
                parser, parsers.JSONParser
            )
            assert not is_plain_json, f"{route}: {view_class.__name__} uses {parser}"


HOSTILE_FILES = {
    "arrays 5,000 deep": (DEEP_ARRAYS, TOO_DEEP),
    "a 5,000-digit integer": (
        b'{"title": "t", "text": "x", "n": ' + HUGE_INTEGER + b"}",
        HUGE_INTEGER_REFUSED,
    ),
    "a lone surrogate in the text": (
        b'{"title": "t", "text": "x \\ud800 y"}',
        messages.JSON_LONE_SURROGATE.format(escape="\\ud800"),
    ),
    "a repeated key": (
        b'{"title": "t", "text": "x", "text": "y"}',
        messages.JSON_DUPLICATE_KEY.format(key='"text"'),
    ),
}


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
@pytest.mark.parametrize("probe", list(HOSTILE_FILES))
def test_hostile_json_file_upload_answers_400_on_the_file(
    client_for, owner, project, probe, suffix
):
    content, reason = HOSTILE_FILES[probe]
    upload = SimpleUploadedFile(f"story{suffix}", content)

    response = client_for(owner).post(
        "/api/v1/documents/", {"project": project.pk, "file": upload}, format="multipart"
    )

    assert response.status_code == 400
    expected = (
        messages.UNREADABLE_JSON.format(error=reason)
        if suffix == ".json"
        else messages.UNREADABLE_JSON_LINE.format(line=1, error=reason)
    )
    assert response.json() == {"file": [expected]}
    assert not Document.objects.exists()
