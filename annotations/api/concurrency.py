"""ETag / If-Match: how a client proves it saw the annotation's latest version."""

import re

from rest_framework import exceptions

from annotations import messages
from annotations.api.errors import PreconditionRequired

# "3", W/"3" or a bare 3; at most 10 digits so it always fits the version column.
_IF_MATCH = re.compile(r'^(?:W/)?"?([0-9]{1,10})"?$')


def etag_for(annotation) -> str:
    return f'"{annotation.version}"'


def expected_version(request, *, required: bool = True) -> int | None:
    """The version named by ``If-Match``; 428 when it is required and missing."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        if required:
            raise PreconditionRequired()
        return None
    match = _IF_MATCH.match(header.strip())
    if match is None:
        raise exceptions.ValidationError({"If-Match": [messages.IF_MATCH_MALFORMED]})
    return int(match.group(1))
