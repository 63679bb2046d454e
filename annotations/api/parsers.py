"""The API's JSON parser: a body no honest client sends is a 400 naming the problem.

DRF's parser uses Python's ``json``, which accepts more than JSON and answers a deeply
nested body with a 500; this one reads with ``annotations.strict_json``.
"""

import json

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from annotations import messages, strict_json


def parse_json(raw: bytes):
    """Decode a JSON request body, or raise ``ParseError`` (400) saying what is wrong.

    JSON on the wire is UTF-8 (RFC 8259 §8.1), so a ``charset`` parameter is ignored; a
    byte-order mark is skipped.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(messages.JSON_NOT_UTF8.format(position=exc.start)) from None
    try:
        return strict_json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise ParseError(
            messages.JSON_MALFORMED.format(error=exc.msg, line=exc.lineno, column=exc.colno)
        ) from None
    except strict_json.InvalidJSON as exc:
        raise ParseError(str(exc)) from None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with :func:`parse_json`; every API view must use this one."""

    def parse(self, stream, media_type=None, parser_context=None):
        return parse_json(stream.read())


def require_body(request) -> None:
    """400 for a write that came without a body (DRF would read it as ``{}``)."""
    if request.stream is None:
        raise ParseError(messages.EMPTY_BODY)
