"""Creating annotations on PostgreSQL in two round trips, for one item or a thousand.

``create_annotations_sql`` stores what ``create_annotations`` stores for items the API has
already read (``annotations.api.annotation_input``): one query reads the sentences, claim
types, claims and stored spans the items name, as far as the caller may see them; one
data-modifying statement then inserts the annotations and their sources (each one JSON
parameter of rows) and the history rows of both, and moves the caller's assignments of
those documents as ``assignments.note_activity`` does, with its history row. A single
statement is atomic on its own, so outside a transaction it needs no BEGIN and COMMIT
round trips.

It is a fast path, not a second rule book: whenever the general path would refuse an item
(a row the caller may not see, a span outside its sentence, another project's claim type or
claim, a span annotated before or twice) it returns ``None`` and the caller takes the
general path, which answers the error. The SQL is built once from the models' ``_meta``;
every value is a parameter. ``tests/api/test_create_sql.py`` checks both paths leave the
same rows and answer the same.
"""

import functools

import orjson
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from annotations import messages
from annotations.models import (
    Annotation,
    AssignmentState,
    Claim,
    ClaimType,
    Document,
    Membership,
    ReviewState,
    Sentence,
    Source,
    span_inside,
)
from annotations.models import Assignment as AssignmentModel
from annotations.services.annotations import MAX_BULK_ANNOTATIONS
from annotations.services.history_sql import history_insert_sql
from factcheck.postgresql.base import id_array, prepared

# Columns of an annotation that differ per item (the rest are the same for the batch).
ANNOTATION_ROW_FIELDS = (
    "project",
    "document",
    "sentence",
    "start",
    "end",
    "quote",
    "claim_type",
    "verification_status",
    "rationale",
    "claim",
)
SOURCE_ROW_FIELDS = ("url", "title", "publisher", "stance", "excerpt", "accessed_at", "position")
SPAN_FIELDS = ("sentence", "start", "end")  # how a source names its annotation


def available() -> bool:
    """The fast path needs PostgreSQL (JSON rows, data-modifying CTEs); others use the ORM."""
    return connection.vendor == "postgresql"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model) -> str:
    return _q(model._meta.db_table)


def _column(model, name: str) -> str:
    return _q(model._meta.get_field(name).column)


def _recordset(fields, alias: str) -> str:
    """``json_to_recordset(%s::json) AS alias(col type, …, n int)``: rows as one parameter.

    The parameter is ``_records``' JSON, keyed by column, ``n`` each row's place. One array
    per column cost psycopg 4 ms for 500 rows, adapting each element in Python; one
    ``orjson.dumps`` and one quoted string cost a tenth of that.
    """
    columns = ", ".join(f"{_q(field.column)} {field.db_type(connection)}" for field in fields)
    return f"json_to_recordset(%s::json) AS {alias}({columns}, n int)"


def _fields(model, names) -> list:
    return [model._meta.get_field(name) for name in names]


def _check_covers(model, given) -> None:
    """Every column of ``model`` but its key is written: a new field must be added here."""
    columns = {field.column for field in model._meta.concrete_fields if not field.primary_key}
    missing = columns - {model._meta.get_field(name).column for name in given}
    if missing:
        raise RuntimeError(f"annotations_sql does not write {sorted(missing)}")


# Columns the same for every annotation of a batch, written from scalar parameters.
ANNOTATION_CONSTANTS = (
    "annotator",
    "created_at",
    "updated_at",
    "version",
    "review_state",
    "reviewed_by",
    "reviewed_at",
    "review_comment",
)


@functools.cache
def _lookup_sql() -> str:
    """Rows the items name, each only if the caller may see it (a member, or a superuser).

    Kind 0: sentence (id, project, document, index, start, end, text); 1: claim type (id,
    project, slug, name); 2: claim (id, project); 3: a span the caller annotated before
    (sentence, start, end).

    The statement is prepared with a generic plan, often on a new database whose tables
    are empty and not yet analyzed, and that plan may serve a connection for its whole
    life. It is written so that every plausible plan starts from the ids given: the
    membership test is correlated (not a hash of every document and claim type), and
    ``annotator + 0`` keeps the planner from walking all of the caller's annotations by
    the annotator index, which looks as cheap as the span index while the table is empty
    (``tests/test_postgresql_backend.py`` reads the plan).
    """

    def columns(alias, model, *names):
        return [f"{alias}.{_column(model, name)}" for name in names]

    def select(kind, alias, model, values, project, where):
        values = [*values, *["NULL"] * (8 - len(values))]
        member = (
            f"(%s OR EXISTS (SELECT FROM {_table(Membership)} m "
            f"WHERE m.{_column(Membership, 'project')} = {project} "
            f"AND m.{_column(Membership, 'user')} = %s))"
        )
        return (
            f"SELECT {kind}, {', '.join(values)} FROM {_table(model)} {alias} "  # noqa: S608
            f"{where} AND {member}"
        )

    sentence = select(
        0,
        "s",
        Sentence,
        [
            *columns("s", Sentence, "id"),
            *columns("d", Document, "project"),
            *columns("s", Sentence, "document", "index", "start", "end", "text"),
        ],
        *columns("d", Document, "project"),
        f"JOIN {_table(Document)} d ON d.{_column(Document, 'id')} = "
        f"s.{_column(Sentence, 'document')} WHERE s.{_column(Sentence, 'id')} = ANY(%s)",
    )
    claim_type = select(
        1,
        "t",
        ClaimType,
        [
            *columns("t", ClaimType, "id", "project"),
            *["NULL"] * 4,
            *columns("t", ClaimType, "slug", "name"),
        ],
        *columns("t", ClaimType, "project"),
        f"WHERE t.{_column(ClaimType, 'id')} = ANY(%s)",
    )
    claim = select(
        2,
        "c",
        Claim,
        columns("c", Claim, "id", "project"),
        *columns("c", Claim, "project"),
        f"WHERE c.{_column(Claim, 'id')} = ANY(%s)",
    )
    spans = (
        f"SELECT 3, {', '.join(columns('a', Annotation, 'sentence', 'start', 'end'))}, "  # noqa: S608
        f"NULL, NULL, NULL, NULL, NULL FROM {_table(Annotation)} a "
        f"WHERE a.{_column(Annotation, 'annotator')} + 0 = %s "
        f"AND a.{_column(Annotation, 'sentence')} = ANY(%s)"
    )
    return " UNION ALL ".join([sentence, claim_type, claim, spans])


@functools.cache
def _write_sql() -> str:
    """The one statement that stores a batch; its parameters are ``_write_params``'.

    Returns the new annotations (kind 0: id, sentence, start, end) and sources (kind 1: id,
    annotation, position).
    """
    _check_covers(Annotation, ANNOTATION_ROW_FIELDS + ANNOTATION_CONSTANTS)
    _check_covers(Source, ("annotation", *SOURCE_ROW_FIELDS, "created_at"))
    a_columns = [_column(Annotation, name) for name in ANNOTATION_ROW_FIELDS]
    constants = [_column(Annotation, name) for name in ANNOTATION_CONSTANTS]
    insert_annotations = (
        f"INSERT INTO {_table(Annotation)} ({', '.join(a_columns + constants)}) "  # noqa: S608
        f"SELECT {', '.join(f'u.{c}' for c in a_columns)}, {', '.join(['%s'] * len(constants))} "
        f"FROM {_recordset(_fields(Annotation, ANNOTATION_ROW_FIELDS), 'u')} "
        "ORDER BY u.n RETURNING *"
    )
    # Sources name their annotation by its span: unique for one annotator.
    span = [_column(Annotation, name) for name in SPAN_FIELDS]
    s_columns = [_column(Source, name) for name in SOURCE_ROW_FIELDS]
    source_rows = _fields(Annotation, SPAN_FIELDS) + _fields(Source, SOURCE_ROW_FIELDS)
    insert_sources = (
        f"INSERT INTO {_table(Source)} ({_column(Source, 'annotation')}, "  # noqa: S608
        f"{', '.join(s_columns)}, {_column(Source, 'created_at')}) "
        f"SELECT a.{_q('id')}, {', '.join(f'v.{c}' for c in s_columns)}, %s "
        f"FROM {_recordset(source_rows, 'v')} JOIN new_annotations a ON "
        + " AND ".join(f"a.{c} = v.{c}" for c in span)
        + " ORDER BY v.n RETURNING *"
    )
    state = _column(AssignmentModel, "state")
    move = (
        f"UPDATE {_table(AssignmentModel)} SET {state} = %s, "  # noqa: S608
        f"{_column(AssignmentModel, 'updated_at')} = %s "
        f"WHERE {_column(AssignmentModel, 'document')} = ANY(%s) "
        f"AND {_column(AssignmentModel, 'assignee')} = %s AND {state} = %s RETURNING *"
    )
    return (
        f"WITH new_annotations AS ({insert_annotations}), "  # noqa: S608
        f"annotation_history AS ({history_insert_sql(Annotation, 'new_annotations')}), "
        f"new_sources AS ({insert_sources}), "
        f"source_history AS ({history_insert_sql(Source, 'new_sources')}), "
        f"moved AS ({move}), "
        f"moved_history AS ({history_insert_sql(AssignmentModel, 'moved')}) "
        f"SELECT 0, {_q('id')}, {', '.join(span)} FROM new_annotations UNION ALL "
        f"SELECT 1, {_q('id')}, {_column(Source, 'annotation')}, "
        f"{_column(Source, 'position')}, NULL FROM new_sources"
    )


def _read(user, items) -> tuple[dict, dict, dict, set]:
    """Sentences, claim types and claims the items name (only those visible), and the
    caller's stored spans in those sentences: one query."""
    sentence_ids = id_array({item["sentence"] for item in items})
    claim_type_ids = id_array({item["claim_type"] for item in items})
    claim_ids = id_array({item["claim"] for item in items if item["claim"] is not None})
    visible = (user.is_superuser, user.pk)
    params = [
        *(sentence_ids, *visible),
        *(claim_type_ids, *visible),
        *(claim_ids, *visible),
        *(user.pk, sentence_ids),
    ]
    with connection.cursor() as cursor:
        cursor.execute(*prepared(_lookup_sql(), params))
        rows = cursor.fetchall()
    sentences, claim_types, claims, spans = {}, {}, {}, set()
    for kind, pk, a, b, c, d, e, f, g in rows:
        if kind == 0:
            sentences[pk] = (a, b, c, d, e, f)  # project, document, index, start, end, text
        elif kind == 1:
            claim_types[pk] = (a, f, g)  # project, slug, name
        elif kind == 2:
            claims[pk] = a
        else:
            spans.add((pk, a, b))
    return sentences, claim_types, claims, spans


def create_annotations_sql(*, user, items: list[dict]) -> list[dict] | None:
    """Store ``items`` (as ``annotation_input.create_item`` reads them) for ``user``.

    Returns, in order, each new annotation as a row of ``representation.ANNOTATION_COLUMNS``
    with its ``"sources"`` (value lists in ``representation.SOURCE_COLUMNS`` order, for
    ``representation.represent_written``); or None when any item needs the general path.
    A span saved concurrently raises today's duplicate ``ValidationError``; nothing is
    stored then.
    """
    if not (user.is_authenticated and user.is_active) or len(items) > MAX_BULK_ANNOTATIONS:
        return None
    sentences, claim_types, claims, spans = _read(user, items)
    now = timezone.now()
    annotator, username, pending = user.pk, user.get_username(), ReviewState.PENDING.value
    rows = []
    for item in items:
        sentence, claim_type = sentences.get(item["sentence"]), claim_types.get(item["claim_type"])
        if sentence is None or claim_type is None:
            return None
        project, document, index, first, last, text = sentence
        start = first if item["start"] is None else item["start"]
        end = last if item["end"] is None else item["end"]
        key = (item["sentence"], start, end)
        # What ``Annotation.clean`` and ``_duplicates`` refuse; visibility stood for the role.
        if (
            not span_inside(first, last, start, end)
            or claim_type[0] != project
            or (item["claim"] is not None and claims.get(item["claim"]) != project)
            or key in spans
        ):
            return None
        spans.add(key)
        rows.append(
            {
                "id": None,
                "project": project,
                "document": document,
                "sentence": item["sentence"],
                "sentence__index": index,
                "start": start,
                "end": end,
                "quote": text[start - first : end - first],
                "claim_type": item["claim_type"],
                "claim_type__slug": claim_type[1],
                "claim_type__name": claim_type[2],
                "verification_status": item["verification_status"],
                "rationale": item["rationale"],
                "claim": item["claim"],
                "annotator": annotator,
                "annotator__username": username,
                "review_state": pending,
                "reviewed_by": None,
                "reviewed_by__username": None,
                "reviewed_at": None,
                "review_comment": "",
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "sources": item["sources"],
            }
        )
    _write(user, rows, now)
    return rows


@functools.cache
def _record_keys() -> tuple[tuple, tuple, tuple, str]:
    """(JSON key, field name) of an annotation's row, of a source's annotation span and of
    its other fields but its position, and the position's key: ``_recordset``'s columns."""

    def keys(model, names):
        return tuple((model._meta.get_field(name).column, name) for name in names)

    position = Source._meta.get_field(SOURCE_ROW_FIELDS[-1]).column
    return (
        keys(Annotation, ANNOTATION_ROW_FIELDS),
        keys(Annotation, SPAN_FIELDS),
        keys(Source, SOURCE_ROW_FIELDS[:-1]),
        position,
    )


def _records(rows: list[dict]) -> tuple[str, str]:
    """The JSON of the annotations' rows and of their sources' for ``_recordset``."""
    annotation_keys, span_keys, source_keys, position_key = _record_keys()
    annotations, sources = [], []
    for row in rows:
        record = {key: row[name] for key, name in annotation_keys}
        record["n"] = len(annotations)
        annotations.append(record)
        for position, source in enumerate(row["sources"]):
            record = {key: row[name] for key, name in span_keys}
            record.update({key: source[name] for key, name in source_keys})
            record[position_key] = position
            record["n"] = len(sources)
            sources.append(record)
    return orjson.dumps(annotations).decode(), orjson.dumps(sources).decode()


def _write_params(user, rows: list[dict], now) -> list:
    """The parameters of ``_write_sql()``, in the order they appear in its text."""
    annotations, sources = _records(rows)
    documents = list({row["document"] for row in rows})
    return [
        # the annotations: the batch's constants, then their rows
        *(user.pk, now, now, 1, ReviewState.PENDING.value, None, None, ""),
        annotations,
        *(now, None, "+", user.pk),  # their history rows
        # the sources: created_at, then their rows (their annotation's span, their columns)
        now,
        sources,
        *(now, None, "+", user.pk),  # their history rows
        # ``assignments.note_activity``: the move, and its history row
        *(AssignmentState.IN_PROGRESS.value, now, documents, user.pk),
        AssignmentState.ASSIGNED.value,
        *(now, "first save", "+", user.pk),
    ]


def _write(user, rows: list[dict], now) -> None:
    """Run the statement; put the new ids on ``rows`` and their sources."""
    try:
        if connection.in_atomic_block:
            # Inside a caller's transaction a failed statement must not poison it.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(*prepared(_write_sql(), _write_params(user, rows, now)))
                returned = cursor.fetchall()
        else:
            with connection.cursor() as cursor:
                cursor.execute(*prepared(_write_sql(), _write_params(user, rows, now)))
                returned = cursor.fetchall()
    except IntegrityError as exc:
        raise ValidationError(messages.DUPLICATE_ANNOTATION, code="duplicate") from exc
    by_span, by_id = {}, {}
    for row in rows:
        by_span[(row["sentence"], row["start"], row["end"])] = row
    for kind, pk, a, b, c in returned:
        if kind == 0:
            row = by_span[(a, b, c)]
            row["id"] = pk
            by_id[pk] = row
    for row in rows:
        # In ``representation.SOURCE_COLUMNS`` order, the id filled in below.
        row["sources"] = [
            [None, *(source[name] for name in SOURCE_ROW_FIELDS[:-1])] for source in row["sources"]
        ]
    for kind, pk, annotation_id, position, _ in returned:
        if kind == 1:
            by_id[annotation_id]["sources"][position][0] = pk
