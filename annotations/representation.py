"""The one JSON shape of an annotation, built from plain rows instead of serializer fields.

The API's list, detail, create, update and 412 responses and the workspace's initial data
all render annotations here, so they cannot drift apart. Lists read two flat queries (the
annotations with the names they show, then their sources); a saved instance is rendered
from what the service already holds, without reading it back. ``AnnotationSerializer``
only describes this shape for the OpenAPI schema; a test checks that both agree.
"""

from collections import defaultdict
from datetime import datetime

from django.db import connection
from django.db.models import BooleanField, CharField, Count, Func, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from annotations.models import VERIFIED_STATUSES, Annotation, ReviewState, Sentence, Source

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
    "claim",
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


def api_datetime(value: datetime | str | None, zone=None) -> str | None:
    """A datetime as DRF renders it: ISO 8601 in the current time zone, UTC as ``Z``.

    Text is taken as already rendered (by ``UtcIsoText``).
    """
    if value is None or isinstance(value, str):
        return value
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
        "claim": row["claim"],
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


def _annotation_in(annotation_ids):
    """``annotation_id IN (...)``; on PostgreSQL as one array parameter, because a page of
    1,000 ids is otherwise 1,000 placeholders to build, bind and parse."""
    if connection.vendor != "postgresql":
        return Q(annotation_id__in=annotation_ids)
    column = f'"{Source._meta.db_table}"."annotation_id"'
    sql = f"{column} = ANY(%s)"  # only the table name is interpolated, not the ids
    return RawSQL(sql, (list(annotation_ids),), output_field=BooleanField())  # noqa: S611


def sources_by_annotation(annotation_ids) -> dict[int, list[dict]]:
    """The sources of these annotations in their order, one query (none for no ids)."""
    grouped = defaultdict(list)
    if not annotation_ids:
        return grouped
    rows = (
        Source.objects.filter(_annotation_in(annotation_ids))
        .order_by("annotation_id", "position", "id")
        .values_list("annotation_id", *SOURCE_COLUMNS)
    )
    for annotation_id, *columns in rows:
        grouped[annotation_id].append(source_dict(*columns))
    return grouped


class UtcIsoText(Func):
    """A timestamp as PostgreSQL writes it in ISO 8601, UTC, with microseconds and ``Z``.

    Turning 1,000 timestamps into datetimes and back into text costs more in Python than
    the rest of a page; ``_utc_text`` drops a zero fraction, as ``isoformat()`` does.
    """

    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
    output_field = CharField()


DATETIME_COLUMNS = ("reviewed_at", "created_at", "updated_at")


def _utc_text(text: str | None) -> str | None:
    return text[:-8] + "Z" if text is not None and text.endswith(".000000Z") else text


def annotation_values(queryset):
    """``queryset.values()`` with what the representation shows; see ``represent_rows``.

    On PostgreSQL, when dates are shown in UTC, the database writes the timestamps.
    """
    if connection.vendor != "postgresql" or timezone.get_current_timezone_name() != "UTC":
        return queryset.values(*ANNOTATION_COLUMNS)
    columns = [name for name in ANNOTATION_COLUMNS if name not in DATETIME_COLUMNS]
    texts = {f"{name}__utc": UtcIsoText(name) for name in DATETIME_COLUMNS}
    return queryset.values(*columns, **texts)


def annotation_rows(queryset) -> list[dict]:
    """Every annotation of ``queryset`` (scoped and ordered by the caller), in two queries."""
    return represent_rows(list(annotation_values(queryset)))


def represent_rows(rows: list[dict]) -> list[dict]:
    """Rows of ``annotation_values()`` with their sources (one more query)."""
    zone = timezone.get_current_timezone()  # once: looking it up per value is costly
    sources = sources_by_annotation([row["id"] for row in rows])
    if rows and "created_at__utc" in rows[0]:
        for row in rows:
            for name in DATETIME_COLUMNS:
                row[name] = _utc_text(row.pop(name + "__utc"))
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
        "claim": annotation.claim_id,
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


def represent_written(row: dict) -> dict:
    """A row a create just wrote, as the API shows it, without reading it back.

    ``row`` has the keys of ``ANNOTATION_COLUMNS`` and ``"sources"``: value lists in
    ``SOURCE_COLUMNS`` order (``services.create_annotations_sql`` returns such rows).
    """
    sources = [source_dict(*values) for values in row["sources"]]
    return _annotation_dict(row, sources, timezone.get_current_timezone())


DOCUMENT_COLUMNS = (
    "id",
    "project",
    "title",
    "url",
    "publisher",
    "published_at",
    "language",
    "content_hash",
    "created_at",
)
SENTENCE_COLUMNS = ("id", "index", "start", "end", "text", "paragraph")


def document_detail(documents, pk, user) -> dict | None:
    """``GET /documents/{id}/``: the document of ``documents`` (scoped by the caller) with
    its progress counts, text and sentences in reading order; three plain queries.

    The counts are those of ``DocumentQuerySet.with_progress()``, aggregated for this one
    document (building that queryset costs more than running it). None when there is no
    such document among ``documents``. Only annotations ``user`` may see are counted.
    """
    row = documents.filter(pk=pk).values(*DOCUMENT_COLUMNS, "text").first()
    if row is None:
        return None
    zone = timezone.get_current_timezone()
    row["published_at"] = api_datetime(row["published_at"], zone)
    row["created_at"] = api_datetime(row["created_at"], zone)
    sentences = (
        Sentence.objects.filter(document_id=pk).order_by("index").values_list(*SENTENCE_COLUMNS)
    )
    sentences = [dict(zip(SENTENCE_COLUMNS, values, strict=True)) for values in sentences]
    counts = (
        Annotation.objects.filter(document_id=pk)
        .visible_to(user)
        .aggregate(
            annotation_count=Count("pk"),
            annotated_sentence_count=Count("sentence", distinct=True),
            verified_count=Count("pk", filter=Q(verification_status__in=VERIFIED_STATUSES)),
            approved_count=Count("pk", filter=Q(review_state=ReviewState.APPROVED)),
        )
    )
    text = row.pop("text")
    return {**row, "sentence_count": len(sentences), **counts, "text": text, "sentences": sentences}
