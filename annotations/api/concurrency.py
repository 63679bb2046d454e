"""ETag / If-Match (RFC 9110 §8.8.3, §13.1.1): how a client proves it saw the latest version.

An annotation's ETag is its version, quoted: ``"3"``. ``If-Match`` may be ``*`` (any
current version) or a list of entity-tags, which matches when one of them does. A weak tag
(``W/"3"``) is compared weakly, and a bare ``3`` is read as ``"3"``, as clients of earlier
releases send. A well-formed tag that is no version (``"abc"``) matches nothing: 412, like
a stale one. Only a header that is not an entity-tag list at all is a 400.

Django's ``parse_etags`` drops what it cannot read and splits on commas that may be inside
a tag, so the list is read here.
"""

import re

from rest_framework import exceptions

from annotations import messages
from annotations.api.errors import PreconditionRequired

# One list element and the separator after it: optional whitespace, an entity-tag (etagc
# is any visible character but '"', RFC 9110 §8.8.3) or a bare number, then ',' or the end.
# Empty elements (``"3", , "4"``) are allowed, as §5.6.1 asks.
_ELEMENT = re.compile(
    r'[ \t]*(?:(?:W/)?"(?P<tag>[\x21\x23-\x7e\x80-\xff]*)"|(?P<bare>[0-9]+))?[ \t]*(?:,|\Z)'
)
# The tags a version can have: "1" … "2147483647" (the version column is 32-bit).
_VERSION = re.compile(r"[1-9][0-9]{0,9}")
MAX_VERSION = 2**31 - 1


def etag_for(annotation) -> str:
    return version_etag(annotation.version)


def version_etag(version: int) -> str:
    """A version as the strong entity-tag clients send back in ``If-Match``."""
    return f'"{version}"'


def parse_if_match(header: str) -> frozenset[int] | None:
    """The versions an ``If-Match`` value accepts; ``None`` for ``*`` (any version).

    An empty set (only tags that are no version) matches nothing. Raises 400 when the value
    is not ``*`` or an entity-tag list.
    """
    value = header.strip(" \t")
    if value == "*":
        return None
    tags, position = [], 0
    while position < len(value):
        element = _ELEMENT.match(value, position)
        if element is None or element.end() == position:
            raise exceptions.ValidationError({"If-Match": [messages.IF_MATCH_MALFORMED]})
        tag = element["tag"] if element["tag"] is not None else element["bare"]
        if tag is not None:
            tags.append(tag)
        position = element.end()
    return frozenset(
        int(tag) for tag in tags if _VERSION.fullmatch(tag) and int(tag) <= MAX_VERSION
    )


def expected_version(request, *, required: bool = True) -> frozenset[int] | None:
    """The versions ``If-Match`` accepts, for the services' ``expected_version``.

    ``None`` means any current version (``*``, or no header where it is optional); a missing
    header where it is required answers 428.
    """
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        if required:
            raise PreconditionRequired()
        return None
    return parse_if_match(header)
