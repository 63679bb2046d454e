"""Create bodies (``POST /annotations/`` and each bulk item) read in plain Python.

DRF's serializers cost more than the rest of a save. These functions accept only a body
the serializers would accept unchanged (right JSON types, known keys, values in range,
strings they would not trim or refuse) and return it as the service's arguments, with ids
still ids. Anything else returns ``None``: the view then parses with the serializers,
which answer today's 400 with today's messages. So this module never writes an error.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError

from annotations.api.serializers import MAX_INT, MAX_RATIONALE, MAX_SOURCES
from annotations.models import Source, Stance, VerificationStatus, http_url_validator
from annotations.services import MAX_BULK_ANNOTATIONS

CREATE_FIELDS = frozenset(
    {"sentence", "claim_type", "start", "end", "verification_status", "rationale", "sources"}
    | {"claim"}
)
SOURCE_FIELDS = frozenset({"url", "title", "publisher", "stance", "excerpt", "accessed_at"})
STATUSES = frozenset(VerificationStatus.values)
STANCES = frozenset(Stance.values)
# What DRF's CharField refuses (NUL, surrogates) or changes (surrounding whitespace).
_UNCLEAN = re.compile("[\x00\ud800-\udfff]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The serializers' limits are the model's.
URL_MAX, TITLE_MAX, PUBLISHER_MAX = (
    Source._meta.get_field(name).max_length for name in ("url", "title", "publisher")
)


def _is_id(value) -> bool:
    return type(value) is int and 0 < value <= MAX_INT


def _is_offset(value) -> bool:
    return type(value) is int and 0 <= value <= MAX_INT


def _is_text(value, limit: int, *, blank=True, trimmed=False) -> bool:
    return (
        type(value) is str
        and len(value) <= limit
        and (blank or value != "")
        and not (trimmed and value != value.strip())
        and _UNCLEAN.search(value) is None
    )


def _source(item) -> dict | None:
    """A source the serializer would take as is, with the model's defaults filled in."""
    if type(item) is not dict or "url" not in item or not SOURCE_FIELDS.issuperset(item):
        return None
    url = item["url"]
    if not _is_text(url, URL_MAX, blank=False, trimmed=True):
        return None
    try:
        http_url_validator(url)
    except ValidationError:
        return None
    title, publisher = item.get("title", ""), item.get("publisher", "")
    stance, excerpt = item.get("stance", Stance.CONTEXT.value), item.get("excerpt", "")
    if not (
        _is_text(title, TITLE_MAX, trimmed=True)
        and _is_text(publisher, PUBLISHER_MAX, trimmed=True)
        and stance in STANCES
        and type(stance) is str
        and _is_text(excerpt, MAX_RATIONALE)
    ):
        return None
    accessed_at = item.get("accessed_at")
    if accessed_at is not None:
        if type(accessed_at) is not str or not _ISO_DATE.fullmatch(accessed_at):
            return None
        try:
            accessed_at = date.fromisoformat(accessed_at)
        except ValueError:
            return None
    return {
        "url": url,
        "title": title,
        "publisher": publisher,
        "stance": stance,
        "excerpt": excerpt,
        "accessed_at": accessed_at,
    }


def create_item(body) -> dict | None:
    """One create body as ``services.create_annotations_sql`` takes it, or None (see above).

    ``sentence``, ``claim_type`` and ``claim`` stay ids; the service looks them up.
    """
    if type(body) is not dict or not CREATE_FIELDS.issuperset(body):
        return None
    sentence, claim_type = body.get("sentence"), body.get("claim_type")
    if not (_is_id(sentence) and _is_id(claim_type)):
        return None
    start, end, claim = body.get("start"), body.get("end"), body.get("claim")
    if ("start" in body and not _is_offset(start)) or ("end" in body and not _is_offset(end)):
        return None
    if claim is not None and not _is_id(claim):
        return None
    status = body.get("verification_status", VerificationStatus.UNVERIFIED.value)
    rationale = body.get("rationale", "")
    if type(status) is not str or status not in STATUSES or not _is_text(rationale, MAX_RATIONALE):
        return None
    sources = body.get("sources", [])
    if type(sources) is not list or len(sources) > MAX_SOURCES:
        return None
    checked = [_source(item) for item in sources]
    if None in checked:
        return None
    return {
        "sentence": sentence,
        "claim_type": claim_type,
        "start": start,
        "end": end,
        "verification_status": status,
        "rationale": rationale,
        "claim": claim,
        "sources": checked,
    }


def bulk_items(body) -> list[dict] | None:
    """The items of a bulk body, each as ``create_item`` reads it, or None (see above)."""
    if type(body) is not dict or set(body) != {"annotations"}:
        return None
    items = body["annotations"]
    if type(items) is not list or not 0 < len(items) <= MAX_BULK_ANNOTATIONS:
        return None
    checked = [create_item(item) for item in items]
    return None if None in checked else checked
