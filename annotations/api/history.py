"""An annotation's change history, as diffs a person can read, in a fixed number of queries."""

from datetime import date, datetime

from annotations.models import Annotation, ClaimType, Source

ANNOTATION_FIELDS = (
    "start",
    "end",
    "quote",
    "claim_type",
    "verification_status",
    "rationale",
    "claim",
    "review_state",
    "reviewed_by",
    "review_comment",
)
SOURCE_FIELDS = ("url", "title", "publisher", "stance", "excerpt", "accessed_at", "position")


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


def _diff(previous, record, fields, labels) -> list[dict]:
    changes = []
    for name in fields:
        attname = name + "_id" if name in {"claim_type", "reviewed_by", "claim"} else name
        new = getattr(record, attname)
        old = getattr(previous, attname) if previous is not None else None
        if previous is None and new in (None, ""):
            continue  # a created object's empty fields are not news
        if previous is None or old != new:
            changes.append(
                {
                    "field": name,
                    "old": _plain(labels.get(name, {}).get(old, old)),
                    "new": _plain(labels.get(name, {}).get(new, new)),
                }
            )
    return changes


def _entries(records, *, kind: str, fields, labels) -> list[dict]:
    """Entries for the records of one object, diffing each against the one before it."""
    entries, previous = [], None
    for record in records:
        changes = [] if record.history_type == "-" else _diff(previous, record, fields, labels)
        entries.append(
            {
                "history_id": record.history_id,
                "object": kind,
                "object_id": record.id,
                "version": getattr(record, "version", None) if kind == "annotation" else None,
                "date": record.history_date,
                "user": record.history_user,
                "type": record.history_type,
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
        previous = record
    return entries


def annotation_history(annotation: Annotation) -> list[dict]:
    order = ("history_date", "history_id")
    annotation_records = list(annotation.history.select_related("history_user").order_by(*order))
    source_records = list(
        Source.history.filter(annotation_id=annotation.pk)
        .select_related("history_user")
        .order_by("id", *order)
    )
    claim_type_ids = {record.claim_type_id for record in annotation_records}
    slugs = dict(ClaimType.objects.filter(pk__in=claim_type_ids).values_list("pk", "slug"))
    labels = {"claim_type": slugs}

    entries = _entries(
        annotation_records, kind="annotation", fields=ANNOTATION_FIELDS, labels=labels
    )
    by_source: dict[int, list] = {}
    for record in source_records:
        by_source.setdefault(record.id, []).append(record)
    for records in by_source.values():
        entries += _entries(records, kind="source", fields=SOURCE_FIELDS, labels={})
    entries.sort(key=lambda entry: (entry["date"], entry["history_id"]), reverse=True)
    return entries
