"""The API's JSON parser: a body no honest client sends is a 400 naming the problem.

Python's ``json`` accepts more than JSON (``NaN``, ``1e999`` read as infinity, integers of
any size, repeated keys where the last one silently wins, unpaired ``\\ud800`` escapes that
no database can store) and answers a deeply nested body with ``RecursionError``, a 500.
This parser refuses all of those with a message, before any view sees the data.
"""

import json
import math

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from annotations import messages

# The API's deepest body is an annotation with its sources (3 levels); leave ample room.
MAX_DEPTH = 32
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # a bigint column's range


class _Refused(ValueError):
    """Raised from the decoder's hooks; carries the message for the client."""


def _shorten(literal: str, limit: int = 40) -> str:
    return literal if len(literal) <= limit else f"{literal[:limit]}…"


def _parse_int(literal: str) -> int:
    # More than 19 digits cannot be in range, and converting thousands of them costs time.
    if len(literal.lstrip("-")) <= 19:
        value = int(literal)
        if INT_MIN <= value <= INT_MAX:
            return value
    raise _Refused(messages.JSON_NUMBER_TOO_LARGE.format(literal=_shorten(literal)))


def _parse_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _Refused(messages.JSON_NUMBER_TOO_LARGE.format(literal=_shorten(literal)))
    return value


def _parse_constant(literal: str):
    raise _Refused(messages.JSON_NOT_A_NUMBER.format(literal=literal))


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    data = dict(pairs)
    if len(data) != len(pairs):
        seen = set()
        for key, _value in pairs:
            if key in seen:
                raise _Refused(messages.JSON_DUPLICATE_KEY.format(key=json.dumps(_shorten(key))))
            seen.add(key)
    return data


_DECODER = json.JSONDecoder(
    object_pairs_hook=_unique_keys,
    parse_int=_parse_int,
    parse_float=_parse_float,
    parse_constant=_parse_constant,
)


def _check_strings_and_depth(data) -> None:
    """Refuse nesting beyond ``MAX_DEPTH`` and strings that are not Unicode text.

    Iterative, so it cannot overflow the stack; it visits each value once.
    """
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise ParseError(messages.JSON_TOO_DEEP.format(limit=MAX_DEPTH))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    _check_text(key)
                pending.append((item, depth + 1))


def _check_text(text: str) -> None:
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        escape = f"\\u{ord(text[exc.start]):04x}"
        raise ParseError(messages.JSON_LONE_SURROGATE.format(escape=escape)) from None


def parse_json(raw: bytes):
    """Decode a JSON request body, or raise ``ParseError`` (400) saying what is wrong.

    JSON on the wire is UTF-8 (RFC 8259 §8.1), so a ``charset`` parameter is ignored.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(messages.JSON_NOT_UTF8.format(position=exc.start)) from None
    try:
        data = _DECODER.decode(text.removeprefix("\ufeff"))
    except _Refused as exc:
        raise ParseError(str(exc)) from None
    except json.JSONDecodeError as exc:
        raise ParseError(
            messages.JSON_MALFORMED.format(error=exc.msg, line=exc.lineno, column=exc.colno)
        ) from None
    except RecursionError:
        raise ParseError(messages.JSON_TOO_DEEP.format(limit=MAX_DEPTH)) from None
    _check_strings_and_depth(data)
    return data


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with :func:`parse_json`; every API view must use this one."""

    def parse(self, stream, media_type=None, parser_context=None):
        return parse_json(stream.read())


def require_body(request) -> None:
    """400 for a write that came without a body (DRF would read it as ``{}``)."""
    if request.stream is None:
        raise ParseError(messages.EMPTY_BODY)
