"""The one JSON shape of an annotation, built from plain rows instead of serializer fields.

The API's list, detail, create, update and 412 responses and the workspace's initial data
all render annotations here, so they cannot drift apart. Lists read two flat queries (the
annotations with the names they show, then their sources); a saved instance is rendered
from what the service already holds, without reading it back. ``AnnotationSerializer``
only describes this shape for the OpenAPI schema; a test checks that both agree.
"""

import copy
import re
from collections import defaultdict
from datetime import datetime

import orjson
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    F,
    Func,
    OuterRef,
    Q,
    Subquery,
    TextField,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from annotations.models import (
    MAX_ID,
    VERIFIED_STATUSES,
    Annotation,
    Document,
    ReviewState,
    Sentence,
    Source,
)
from factcheck.postgresql.base import prepared

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


def document_detail(user, pk) -> dict | None:
    """``GET /documents/{id}/``: the document with its progress counts, text and sentences
    in reading order, if it is in one of ``user``'s projects (None otherwise); three plain
    queries, or one on PostgreSQL (``json_in_sql``), which writes the sentences' JSON.

    The counts are those of ``DocumentQuerySet.with_progress()``, aggregated for this one
    document (building that queryset costs more than running it). Only annotations
    ``user`` may see are counted.
    """
    if json_in_sql():
        return _document_detail_in_sql(user, pk)
    row = Document.objects.for_user(user).filter(pk=pk).values(*DOCUMENT_COLUMNS, "text").first()
    if row is None:
        return None
    zone = timezone.get_current_timezone()
    row["published_at"] = api_datetime(row["published_at"], zone)
    row["created_at"] = api_datetime(row["created_at"], zone)
    sentences = (
        Sentence.objects.filter(document_id=pk).order_by("index").values_list(*SENTENCE_COLUMNS)
    )
    sentences = [dict(zip(SENTENCE_COLUMNS, values, strict=True)) for values in sentences]
    counts = Annotation.objects.filter(document_id=pk).visible_to(user).aggregate(**DOCUMENT_COUNTS)
    text = row.pop("text")
    return {**row, "sentence_count": len(sentences), **counts, "text": text, "sentences": sentences}


# The counts of ``document_detail`` (of the annotations the caller may see).
DOCUMENT_COUNTS = {
    "annotation_count": Count("pk"),
    "annotated_sentence_count": Count("sentence", distinct=True),
    "verified_count": Count("pk", filter=Q(verification_status__in=VERIFIED_STATUSES)),
    "approved_count": Count("pk", filter=Q(review_state=ReviewState.APPROVED)),
}
_DETAIL_DATES = ("published_at", "created_at")


def _document_detail_queryset(user, pk):
    """``document_detail`` as one query: the row, its sentences as JSON text, their count
    and the annotation counts as a JSON object (NULL when nothing is annotated)."""
    sentences = Sentence.objects.filter(document=OuterRef("pk")).order_by().values("document")
    counts = (
        Annotation.objects.visible_to(user)
        .filter(document=OuterRef("pk"))
        .order_by()
        .values("document")
        .annotate(counts=JsonText(**DOCUMENT_COUNTS))
    )
    return (
        Document.objects.for_user(user)
        .filter(pk=pk)
        .order_by()
        .values(
            *(name for name in DOCUMENT_COLUMNS if name not in _DETAIL_DATES),
            "text",
            **{f"{name}__utc": UtcIsoText(name) for name in _DETAIL_DATES},
            sentence_count=Subquery(sentences.annotate(n=Count("pk")).values("n")),
            counts=Subquery(counts.values("counts")),
            sentences_json=RowsJson(
                F("id"), model=Sentence, key="document", columns=SENTENCE_COLUMNS, order=("index",)
            ),
        )
    )


def _document_detail_in_sql(user, pk) -> dict | None:
    row = first_row_compiled(_document_detail_queryset, user, pk)
    if row is None:
        return None
    for name in _DETAIL_DATES:
        row[name] = _utc_text(row[f"{name}__utc"])
    counts = orjson.loads(row["counts"]) if row["counts"] else dict.fromkeys(DOCUMENT_COUNTS, 0)
    return {
        **{name: row[name] for name in DOCUMENT_COLUMNS},
        "sentence_count": row["sentence_count"] or 0,
        **counts,
        "text": row["text"],
        "sentences": orjson.Fragment(row["sentences_json"]),
    }


# Stand-in ids no row has: ``compiled`` compiles a query for them once.
_USER_STAND_IN = -7_340_170_001
_ID_STAND_IN = -7_340_170_002
_compiled: dict = {}


def _compile(build, user):
    stand_in = copy.copy(user)
    stand_in.pk = _USER_STAND_IN
    try:
        sql, params = build(stand_in, _ID_STAND_IN).query.sql_with_params()
    except EmptyResultSet:  # ``for_user`` of an anonymous or inactive user: no rows
        return None
    # Only parameters that are exactly a stand-in are swapped: one written into the SQL or
    # held in a list would stay, and the query would run for nobody (or, worse, exclude
    # nothing). Fail loudly instead.
    hidden = [value for value in params if not isinstance(value, int)]
    digits = (str(-_USER_STAND_IN), str(-_ID_STAND_IN))
    if _ID_STAND_IN not in params or any(d in sql or d in repr(hidden) for d in digits):
        raise ValueError("A stand-in id is not a parameter of its own: build the query anew")
    return sql, tuple(params)


def compiled(build, user, pk) -> tuple[str, list] | None:
    """The SQL and parameters of ``build(user, pk)`` (a queryset), without building it.

    Building and compiling the document detail's queryset took ten times as long as
    running it. The SQL is compiled once per shape, for a stand-in user and id that no
    row has, and on every call the parameters equal to those stand-ins are swapped for
    ``user.pk`` and ``pk``. The shape is what ``for_user`` and ``visible_to`` branch on;
    ``build`` must not branch on anything else. None when the queryset is empty by
    construction (``for_user`` of an inactive user) or ``pk`` is beyond any id.
    """
    if not -MAX_ID <= pk <= MAX_ID:
        return None  # no row has it, and a prepared statement's bigint would not take it
    shape = (build, user.is_authenticated, user.is_active, user.is_superuser)
    if shape not in _compiled:
        _compiled[shape] = _compile(build, user)
    if _compiled[shape] is None:
        return None
    sql, params = _compiled[shape]
    values = [
        user.pk if value == _USER_STAND_IN else pk if value == _ID_STAND_IN else value
        for value in params
    ]
    return sql, values


def first_row_compiled(build, user, pk) -> dict | None:
    """The first row of ``compiled(build, user, pk)`` as a dict, or None. No column
    converters run: the columns must be plain (numbers, text, JSON as text)."""
    query = compiled(build, user, pk)
    if query is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(*prepared(*query))
        row = cursor.fetchone()
        names = [column.name for column in cursor.description]
    return None if row is None else dict(zip(names, row, strict=True))


class CompiledRows:
    """The one-column rows of ``compiled(build, user, pk)``, sliced as a paginator slices
    a queryset: a page runs the SQL with ``LIMIT``/``OFFSET``. ``order_by()`` (the bounded
    count, only when there is a next page) builds the queryset after all."""

    def __init__(self, build, user, pk):
        self.build, self.user, self.pk = build, user, pk

    def __getitem__(self, window: slice) -> list:
        query = compiled(self.build, self.user, self.pk)
        if query is None:
            return []
        sql, values = query
        if window.stop is not None:
            sql, values = f"{sql} LIMIT %s", [*values, window.stop - (window.start or 0)]
        if window.start:
            sql, values = f"{sql} OFFSET %s", [*values, window.start]
        with connection.cursor() as cursor:
            cursor.execute(*prepared(sql, values))
            return [row[0] for row in cursor.fetchall()]

    def __iter__(self):
        return iter(self[:])

    def order_by(self, *names):
        return self.build(self.user, self.pk).order_by(*names)


# --- the same JSON, written by PostgreSQL ----------------------------------------------------
#
# A page of 500 annotations spent most of its time turning rows into Python values, dicts
# and back into JSON. On PostgreSQL the database writes each annotation's JSON (sources
# included) and the response splices that text in as ``orjson.Fragment``: one query, no
# per-row work in Python. ``tests/api/test_representation.py`` proves both paths agree.


def json_in_sql() -> bool:
    """Whether PostgreSQL writes the JSON: only there, and only while dates are shown in UTC
    (``UtcIsoJson`` writes UTC); SQLite and other time zones take the Python path."""
    return connection.vendor == "postgresql" and timezone.get_current_timezone_name() == "UTC"


_JSON_KEY = re.compile(r"[a-z_]+\Z")
# How a column becomes a JSON value: numbers as their text, text and dates by ``to_json``
# (which writes dates as ISO 8601 whatever the session's DateStyle), NULL as ``null``.
_JSON_NUMBERS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
}
_JSON_STRINGS = {"CharField", "DateField", "SlugField", "TextField", "URLField"}


def _json_value(sql: str, field=None) -> str:
    """SQL for one value's JSON text: of a column of ``field``'s type, or (without a
    field) of an expression that already is JSON text."""
    if field is None:
        return f"COALESCE({sql}, 'null')"
    kind = field.get_internal_type()
    if kind in _JSON_NUMBERS:
        return f"COALESCE(({sql})::text, 'null')"
    if kind in _JSON_STRINGS:
        return f"COALESCE(to_json({sql})::text, 'null')"
    raise TypeError(f"No JSON form for a {kind}")


def _json_object(values: dict[str, str]) -> str:
    """SQL for an object's JSON text from its values' JSON texts, keys in this order.

    One ``concat()`` rather than ``json_build_object``, which looks up every argument's
    type on every row (twice the time for a page of annotations), or a chain of ``||``,
    which copies the growing text at every step (for the plain fields of 1,000
    annotations, 9 ms of PostgreSQL's time against 5); ``jsonb`` would sort the keys.
    No value is NULL (``_json_value``), which ``concat`` would drop.
    """
    if not all(_JSON_KEY.match(key) for key in values):  # keys are written into the SQL
        raise ValueError(f"Unsafe JSON key in {list(values)}")
    parts = []
    for n, (key, sql) in enumerate(values.items()):
        opening = "," if n else "{"
        parts.append(f"'{opening}\"{key}\":'")
        parts.append(sql)
    return "concat(" + ", ".join(parts) + ", '}')"


class JsonText(Func):
    """An object's JSON as text, written by PostgreSQL: ``JsonText(id=F("id"), …)``.

    Values are columns or other JSON-text expressions (``is_json``); psycopg hands the
    text over as ``str``, ready to be spliced into a response.
    """

    output_field = TextField()
    is_json = True

    def __init__(self, **fields):
        self.keys = tuple(fields)
        super().__init__(*fields.values())

    def as_sql(self, compiler, connection, **extra_context):
        values, params = {}, []
        for key, expression in zip(self.keys, self.get_source_expressions(), strict=True):
            sql, more = compiler.compile(expression)
            field = None if getattr(expression, "is_json", False) else expression.output_field
            values[key] = _json_value(sql, field)
            params.extend(more)
        return _json_object(values), params


class JsonUnlessNull(Func):
    """``value`` (JSON text), or null where ``test`` is null (an annotation nobody reviewed)."""

    output_field = TextField()
    is_json = True

    def __init__(self, test, value):
        super().__init__(test, value)

    def as_sql(self, compiler, connection, **extra_context):
        (test, test_params), (value, value_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return f"CASE WHEN {test} IS NULL THEN NULL ELSE {value} END", [*test_params, *value_params]


class UtcIsoJson(UtcIsoText):
    """``UtcIsoText`` as a JSON string, without a zero fraction (as ``api_datetime``)."""

    template = f"('\"' || replace({UtcIsoText.template}, '.000000Z', 'Z') || '\"')"
    is_json = True


class RowsJson(Func):
    """The rows of ``model`` whose ``key`` equals the expression (an outer column), as the
    JSON text of an array of objects of ``columns`` in ``order``, ``[]`` for none: one
    correlated subquery.

    ``sparse``: most keys have no rows (most annotations have no source). An ``EXISTS``
    probe of the key's index then comes first, a third of what starting the aggregate
    costs. Not for keys with many rows (a document's sentences): PostgreSQL expects the
    probe to meet a row at once and reads the table in order, all of it for a document
    stored last.
    """

    output_field = TextField()
    is_json = True

    def __init__(self, expression, *, model, key: str, columns, order, sparse=False):
        self.model, self.key, self.columns, self.order = model, key, columns, order
        self.sparse = sparse
        super().__init__(expression)

    def as_sql(self, compiler, connection, **extra_context):
        outer, params = compiler.compile(self.get_source_expressions()[0])
        quote, meta = connection.ops.quote_name, self.model._meta

        def column(name):
            return f"json_row.{quote(meta.get_field(name).column)}"

        item = _json_object(
            {name: _json_value(column(name), meta.get_field(name)) for name in self.columns}
        )
        order = ", ".join(column(name) for name in self.order)
        # Only names from the model and keys checked by ``_json_object`` are interpolated.
        rows = f"FROM {quote(meta.db_table)} json_row WHERE {column(self.key)} = {outer}"
        array = f"(SELECT '[' || string_agg({item}, ',' ORDER BY {order}) || ']' {rows})"
        if not self.sparse:
            return f"COALESCE({array}, '[]')", params
        # ``OFFSET 0`` keeps the probe a probe: without it PostgreSQL may hash the keys of
        # the whole table once a query (31,701 sources for a page of 1,054 annotations).
        sql = f"CASE WHEN EXISTS (SELECT 1 {rows} OFFSET 0) THEN {array} ELSE '[]' END"
        return sql, params + params


def _user_json(field: str) -> JsonText:
    return JsonText(id=F(field), username=F(f"{field}__username"))


def _sentence_index() -> Subquery:
    """The annotation's sentence's index, looked up by its key: joined instead, PostgreSQL
    hashed every sentence of the database for a page of one document (20,000 for 1,054)."""
    return Subquery(Sentence.objects.filter(pk=OuterRef("sentence")).order_by().values("index"))


def annotation_json() -> JsonText:
    """The expression of one annotation's JSON: the shape ``_annotation_dict`` builds."""
    sources = RowsJson(
        F("id"),
        model=Source,
        key="annotation",
        columns=SOURCE_COLUMNS,
        order=("position", "id"),
        sparse=True,
    )
    return JsonText(
        id=F("id"),
        project=F("project"),
        document=F("document"),
        sentence=F("sentence"),
        sentence_index=_sentence_index(),
        start=F("start"),
        end=F("end"),
        quote=F("quote"),
        claim_type=F("claim_type"),
        claim_type_slug=F("claim_type__slug"),
        claim_type_name=F("claim_type__name"),
        verification_status=F("verification_status"),
        rationale=F("rationale"),
        sources=sources,
        claim=F("claim"),
        annotator=_user_json("annotator"),
        review_state=F("review_state"),
        reviewed_by=JsonUnlessNull(F("reviewed_by"), _user_json("reviewed_by")),
        reviewed_at=UtcIsoJson("reviewed_at"),
        review_comment=F("review_comment"),
        created_at=UtcIsoJson("created_at"),
        updated_at=UtcIsoJson("updated_at"),
        version=F("version"),
    )


def json_array(texts) -> orjson.Fragment:
    """JSON texts as one array, spliced into a response without being parsed."""
    return orjson.Fragment("[" + ",".join(texts) + "]")


def annotation_list(queryset, page=list):
    """The annotations of ``queryset`` (scoped, filtered and ordered by the caller) as the
    API lists them, through ``page`` (a paginator's ``paginate_queryset``, or all).

    On PostgreSQL (``json_in_sql``) one query, whose rows are each annotation's JSON text,
    returned as one ``orjson.Fragment``; elsewhere the rows and their sources (two queries)
    represented in Python. Both render the same JSON.
    """
    if json_in_sql():
        return json_array(page(queryset.values_list(annotation_json(), flat=True)))
    return represent_rows(page(annotation_values(queryset)))


def _document_annotations_queryset(user, pk):
    return Annotation.objects.for_user(user).filter(document_id=pk).order_by("start", "id")


def _document_annotations_json(user, pk):
    return _document_annotations_queryset(user, pk).values_list(annotation_json(), flat=True)


def document_annotations(user, document_id: int, page=list):
    """``annotation_list`` of the document's annotations ``user`` may see, by position: the
    workspace's data and the API list's ``?document=`` (the same order as its default).

    On PostgreSQL from SQL compiled once (``CompiledRows``): building the queryset cost
    more than PostgreSQL writing the JSON of 500 annotations.
    """
    if json_in_sql():
        return json_array(page(CompiledRows(_document_annotations_json, user, document_id)))
    return annotation_list(_document_annotations_queryset(user, document_id), page)
