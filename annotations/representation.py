"""The one JSON shape of an annotation, built from plain rows instead of serializer fields.

The API's list, detail, create, update and 412 responses and the workspace's initial data
all render annotations here, so they cannot drift apart. Lists read two flat queries (the
annotations with the names they show, then their sources); a saved instance is rendered
from what the service already holds, without reading it back. ``AnnotationSerializer``
only describes this shape for the OpenAPI schema; a test checks that both agree.
"""

from collections import defaultdict
from datetime import datetime

from django.utils import timezone

from annotations.models import Annotation, Source

# Columns of ``Annotation.objects.values()`` that the representation needs, in its order.
ANNOTATION_COLUMNS = (
    "id",
    "project",
    "document",
    "sentence",
    "sentence__index",
    "start",
    "end",
    "quote",
    "claim_type",
    "claim_type__slug",
    "claim_type__name",
    "verification_status",
    "rationale",
    "annotator",
    "annotator__username",
    "review_state",
    "reviewed_by",
    "reviewed_by__username",
    "reviewed_at",
    "review_comment",
    "created_at",
    "updated_at",
    "version",
)
SOURCE_COLUMNS = ("id", "url", "title", "publisher", "stance", "excerpt", "accessed_at")


def api_datetime(value: datetime | None, zone=None) -> str | None:
    """A datetime as DRF renders it: ISO 8601 in the current time zone, UTC as ``Z``."""
    if value is None:
        return None
    text = value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def source_dict(pk, url, title, publisher, stance, excerpt, accessed_at) -> dict:
    return {
        "id": pk,
        "url": url,
        "title": title,
        "publisher": publisher,
        "stance": stance,
        "excerpt": excerpt,
        "accessed_at": accessed_at.isoformat() if accessed_at else None,
    }


def _annotation_dict(row: dict, sources: list[dict], zone) -> dict:
    reviewed_by = row["reviewed_by"]
    return {
        "id": row["id"],
        "project": row["project"],
        "document": row["document"],
        "sentence": row["sentence"],
        "sentence_index": row["sentence__index"],
        "start": row["start"],
        "end": row["end"],
        "quote": row["quote"],
        "claim_type": row["claim_type"],
        "claim_type_slug": row["claim_type__slug"],
        "claim_type_name": row["claim_type__name"],
        "verification_status": row["verification_status"],
        "rationale": row["rationale"],
        "sources": sources,
        "annotator": {"id": row["annotator"], "username": row["annotator__username"]},
        "review_state": row["review_state"],
        "reviewed_by": (
            {"id": reviewed_by, "username": row["reviewed_by__username"]}
            if reviewed_by is not None
            else None
        ),
        "reviewed_at": api_datetime(row["reviewed_at"], zone),
        "review_comment": row["review_comment"],
        "created_at": api_datetime(row["created_at"], zone),
        "updated_at": api_datetime(row["updated_at"], zone),
        "version": row["version"],
    }


def sources_by_annotation(annotation_ids) -> dict[int, list[dict]]:
    """The sources of these annotations in their order, one query (none for no ids)."""
    grouped = defaultdict(list)
    if not annotation_ids:
        return grouped
    rows = (
        Source.objects.filter(annotation_id__in=annotation_ids)
        .order_by("annotation_id", "position", "id")
        .values_list("annotation_id", *SOURCE_COLUMNS)
    )
    for annotation_id, *columns in rows:
        grouped[annotation_id].append(source_dict(*columns))
    return grouped


def annotation_rows(queryset) -> list[dict]:
    """Every annotation of ``queryset`` (scoped and ordered by the caller), in two queries."""
    return represent_rows(list(queryset.values(*ANNOTATION_COLUMNS)))


def represent_rows(rows: list[dict]) -> list[dict]:
    """Rows of ``values(*ANNOTATION_COLUMNS)`` with their sources (one more query)."""
    zone = timezone.get_current_timezone()  # once: looking it up per value is costly
    sources = sources_by_annotation([row["id"] for row in rows])
    return [_annotation_dict(row, sources.get(row["id"], []), zone) for row in rows]


def represent(annotation: Annotation, sources=None) -> dict:
    """An annotation instance as the API shows it.

    Uses the related rows the instance holds (sentence, claim type, annotator, reviewer):
    the services load or receive them, so a saved annotation is rendered without a query.
    ``sources`` are Source instances in order; by default they are read (one query).
    """
    if sources is None:
        sources = annotation.sources.order_by("position", "id")
    reviewed_by = annotation.reviewed_by if annotation.reviewed_by_id is not None else None
    row = {
        "id": annotation.pk,
        "project": annotation.project_id,
        "document": annotation.document_id,
        "sentence": annotation.sentence_id,
        "sentence__index": annotation.sentence.index,
        "start": annotation.start,
        "end": annotation.end,
        "quote": annotation.quote,
        "claim_type": annotation.claim_type_id,
        "claim_type__slug": annotation.claim_type.slug,
        "claim_type__name": annotation.claim_type.name,
        "verification_status": annotation.verification_status,
        "rationale": annotation.rationale,
        "annotator": annotation.annotator_id,
        "annotator__username": annotation.annotator.get_username(),
        "review_state": annotation.review_state,
        "reviewed_by": annotation.reviewed_by_id,
        "reviewed_by__username": reviewed_by.get_username() if reviewed_by else None,
        "reviewed_at": annotation.reviewed_at,
        "review_comment": annotation.review_comment,
        "created_at": annotation.created_at,
        "updated_at": annotation.updated_at,
        "version": annotation.version,
    }
    items = [
        source_dict(*(getattr(source, name) for name in ("pk", *SOURCE_COLUMNS[1:])))
        for source in sources
    ]
    return _annotation_dict(row, items, timezone.get_current_timezone())
