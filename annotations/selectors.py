"""Reads that feed the export: annotations with everything they are shown with, in chunks.

The export must run in constant memory and a fixed number of queries per chunk, however
many rows it covers. So ``export_rows`` reads the annotations (ordered by document, span
start, id) as tuples through one server-side cursor and, for each chunk of them, fetches
their sources, history, documents and sentences with one query each. Rows come out as
plain dicts and strings, ready for ``dumps``: no model instances per row; timestamps
arrive as text, formatted by the database.
``deletions_for_export`` reads the deletions an incremental pull reports, in one query.
"""

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from django.contrib.postgres.expressions import ArraySubquery
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import BooleanField, CharField, Exists, F, Func, OuterRef, Q
from django.db.models.expressions import RawSQL

from annotations.models import Annotation, Claim, Document, Project, Sentence, Source
from annotations.querysets import visible_annotations
from factcheck.postgresql.base import id_array

DEFAULT_CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ExportFilters:
    """What to export; every field is optional and they combine with AND."""

    project: Project | None = None
    document: Document | None = None
    sentence: int | None = None
    claim_type: int | None = None
    claim_type_slug: str | None = None
    verification_status: tuple[str, ...] = ()
    review_state: tuple[str, ...] = ()
    annotator: int | None = None
    updated_since: datetime | None = None

    def describe(self) -> dict:
        """The filters as written into an export's header, in plain JSON types."""
        described = {
            "project": self.project.slug if self.project else None,
            "document": self.document.pk if self.document else None,
            "sentence": self.sentence,
            "claim_type": self.claim_type,
            "claim_type_slug": self.claim_type_slug,
            "verification_status": list(self.verification_status) or None,
            "review_state": list(self.review_state) or None,
            "annotator": self.annotator,
            "updated_since": isoformat(self.updated_since),
        }
        return {name: value for name, value in described.items() if value is not None}


def annotations_for_export(user, filters: ExportFilters, *, statuses=None, by_claim=False):
    """The annotations ``user`` may export that match ``filters``.

    ``user=None`` means every annotation (the command line, acting as the operator).
    ``statuses`` further restricts verification statuses (e.g. ClaimReview's verdicts);
    with ``by_claim``, an annotation linked to a claim is judged by its claim's verdict
    instead of its own (ClaimReview publishes the claim's).
    """
    queryset = Annotation.objects.all() if user is None else Annotation.objects.for_user(user)
    lookups = {
        "project": filters.project,
        "document": filters.document,
        "sentence_id": filters.sentence,
        "claim_type_id": filters.claim_type,
        "claim_type__slug": filters.claim_type_slug,
        "annotator_id": filters.annotator,
        "updated_at__gte": filters.updated_since,
    }
    queryset = queryset.filter(**{k: v for k, v in lookups.items() if v is not None})
    if filters.verification_status:
        queryset = queryset.filter(verification_status__in=filters.verification_status)
    if filters.review_state:
        queryset = queryset.filter(review_state__in=filters.review_state)
    if statuses is not None and by_claim:
        queryset = queryset.filter(
            Q(claim__isnull=True, verification_status__in=statuses)
            | Q(claim__verification_status__in=statuses)
        )
    elif statuses is not None:
        queryset = queryset.filter(verification_status__in=statuses)
    if filters.project is not None and filters.document is None:
        # Walking the project's documents lets PostgreSQL read each one's annotations from
        # the (document, start, id) index, in export order; filtering on project_id alone
        # made it scan every project's annotations (1 s for 10k of 1.1M; 0.15 s this way).
        documents = Document.objects.filter(project=filters.project).order_by().values("id")
        if connection.vendor == "postgresql":
            # As an array, not a semi-join: one index scan that visits the documents in
            # order, so no sort of the whole export before its first row, however stale
            # the statistics (right after a bulk load they had it sort on disk).
            queryset = queryset.filter(_AnyOf(F("document_id"), ArraySubquery(documents)))
        else:
            queryset = queryset.filter(document_id__in=documents)
    return queryset


class _AnyOf(Func):
    """``expression = ANY(ARRAY(subquery))``: true if it is one of the subquery's values."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def deletions_for_export(user, filters: ExportFilters) -> Iterator[dict]:
    """Annotations deleted at or after ``filters.updated_since``, oldest first: tombstones.

    Read from the history's deletion records, in one query run when first iterated (after
    the annotations, so one deleted mid-export is reported too). Scoped to ``user``'s
    projects and to the project and document filters only: a deletion is reported even if
    the annotation's last state no longer matched the other filters. Ids that exist again
    are left out, and an id deleted twice is reported once, at its last deletion.
    Without ``updated_since`` there is nothing to report and no query runs.
    """
    if filters.updated_since is None:
        return
    deletions = Annotation.history.filter(history_type="-", history_date__gte=filters.updated_since)
    if user is not None:
        deletions = deletions.filter(project_id__in=Project.objects.for_user(user).values("pk"))
        deletions = deletions.filter(visible_annotations(user))  # others' blind work too
    if filters.project is not None:
        deletions = deletions.filter(project_id=filters.project.pk)
    if filters.document is not None:
        deletions = deletions.filter(document_id=filters.document.pk)
    later = Annotation.history.filter(
        id=OuterRef("id"), history_type="-", history_id__gt=OuterRef("history_id")
    )
    deletions = deletions.filter(
        ~Exists(Annotation.objects.filter(pk=OuterRef("id"))), ~Exists(later)
    )
    rows = deletions.order_by("history_date", "history_id").values_list(
        "id", "document_id", "project_id", "history_date", "history_user__username"
    )
    for pk, document_id, project_id, deleted_at, deleted_by in rows.iterator():
        yield {
            "id": pk,
            "document": document_id,
            "project": project_id,
            "deleted_at": isoformat(deleted_at),
            "deleted_by": deleted_by,
        }


def isoformat(value) -> str | None:
    """ISO 8601 like the REST API writes it: UTC as ``Z``."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class IsoTimestamp(Func):
    """A timestamp as ``isoformat()`` writes it in UTC with ``Z``, formatted by the database.

    Parsing 20,000 timestamps into ``datetime`` objects only to format them again was a
    fifth of an export's time. Same text as ``isoformat`` above: no fraction when the
    microseconds are zero, six digits otherwise.
    """

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = (
            "REPLACE(TO_CHAR(%(expressions)s AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '.000000Z', 'Z')"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores UTC as "YYYY-MM-DD HH:MM:SS[.ffffff]", which is isoformat but for "T".
        template = "(REPLACE(%(expressions)s, ' ', 'T') || 'Z')"
        return self.as_sql(compiler, connection, template=template, **extra_context)


_SENTENCE_COLUMNS = ("sentence__index", "sentence__start", "sentence__end", "sentence__text")
_ANNOTATION_COLUMNS = (
    "id",
    "document_id",
    "start",
    "end",
    *_SENTENCE_COLUMNS,
    "quote",
    "claim_type__slug",
    "claim_type__name",
    "verification_status",
    "rationale",
    "annotator__username",
    "review_state",
    "reviewed_by__username",
    IsoTimestamp(F("reviewed_at")),
    "review_comment",
    IsoTimestamp(F("created_at")),
    IsoTimestamp(F("updated_at")),
    "version",
    "claim_id",
)
# With the documents' sentences loaded anyway (``with_sentences``), an annotation's comes
# from them by id: joining the sentence to each annotation was a third of the query's time.
_ANNOTATION_COLUMNS_BY_SENTENCE_ID = (
    *_ANNOTATION_COLUMNS[:4],
    "sentence_id",
    *_ANNOTATION_COLUMNS[4 + len(_SENTENCE_COLUMNS) :],
)


@dataclass
class ExportRow:
    """One exported annotation with its document and sentence (shared dicts, not copies)."""

    document: dict
    sentence: dict
    annotation: dict
    #: The annotation's claim (``with_claims``), shared by all its appearances; else None.
    claim: dict | None = None


@dataclass
class _Walk:
    with_text: bool
    with_sentences: bool
    with_claims: bool = False
    documents: dict = field(default_factory=dict)
    #: ``with_sentences``: each held document's sentences by id (document id → id → dict).
    sentences: dict = field(default_factory=dict)
    claims: dict = field(default_factory=dict)
    #: One ``claim_type`` dict per (slug, name), shared by the annotations of that type.
    claim_types: dict = field(default_factory=dict)


def export_rows(
    queryset,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    with_text: bool = False,
    with_sentences: bool = False,
    with_claims: bool = False,
    postgres_paths: bool | None = None,
) -> Iterator[ExportRow]:
    """Yield ``ExportRow``s for ``queryset``, ordered by document, span start and id.

    One query reads the annotations, through a server-side cursor ``chunk_size`` rows at a
    time (SQLite reads its cursor step by step too). Per chunk, one query fetches their
    sources, one their history and, when the chunk reaches documents not seen before, one
    those documents and (``with_sentences``) one their sentences; with ``with_claims``,
    when the chunk links to claims not seen before, one query reads those claims. Only the
    current chunk and the current document are held in memory, and the claims seen (one
    small dict each, however many appearances they have).

    The walk runs in a transaction: outside one, PostgreSQL would compute and store the
    whole result before handing over the first row (a cursor ``WITH HOLD``). Re-querying
    chunk by chunk (keyset pagination) cost a plan per chunk, and a worse plan as the
    table grew: 90 ms a chunk at a million annotations.

    On PostgreSQL a chunk's ids are one array parameter (``_AmongIds``) and the reads run
    one chunk ahead in a second thread (``_ahead``), so up to three chunks are held instead
    of one. ``postgres_paths=False`` takes the portable path instead (tests compare them).
    """
    walk = _Walk(with_text, with_sentences, with_claims)
    if postgres_paths is None:
        postgres_paths = connection.vendor == "postgresql"
    chunks = _read_chunks(walk, queryset, chunk_size, as_array=postgres_paths)
    for chunk, related in _ahead(chunks) if postgres_paths else chunks:
        yield from _chunk_rows(walk, chunk, related)


def _read_chunks(walk: _Walk, queryset, chunk_size: int, *, as_array: bool) -> Iterator:
    """Every read of the walk: each chunk of annotation rows with what its rows show."""
    ordered = queryset.order_by("document_id", "start", "id")
    before = Q()
    with transaction.atomic():
        columns = _ANNOTATION_COLUMNS_BY_SENTENCE_ID if walk.with_sentences else _ANNOTATION_COLUMNS
        rows = ordered.values_list(*columns).iterator(chunk_size=chunk_size)
        try:
            while chunk := list(islice(rows, chunk_size)):
                last = chunk[-1][1], chunk[-1][2], chunk[-1][0]
                if as_array:
                    ids = [row[0] for row in chunk]
                else:
                    # The chunk's ids as a subquery bounded by its first and last keys: a
                    # list of thousands of ids is thousands of placeholders to bind and plan.
                    ids = queryset.filter(before, _up_to(last)).order_by().values("id")
                    before = _after(last)
                yield chunk, _read_related(walk, chunk, ids)
        finally:
            # Close the cursor inside its transaction: left to the garbage collector after
            # an export stopped early, closing it failed (the transaction had gone with it).
            rows.close()


_DONE = object()


def _ahead(chunks: Iterator, alias: str = DEFAULT_DB_ALIAS) -> Iterator:
    """``chunks``, read one chunk ahead by a thread on this thread's database connection.

    Reading waits on PostgreSQL for half the time; building and rendering the rows is
    Python's work. Done in turn, the export took their sum; here the database computes the
    next chunk while this thread renders the last one. The connection is lent, not
    copied (same transaction, same query log), and this thread does not touch it until
    the reader has finished: leaving early (a client gone) stops the reader and waits
    for it, which ends its transaction.
    """
    wrapper = connections[alias]
    wrapper.inc_thread_sharing()
    handed = queue.Queue(maxsize=1)
    stop = threading.Event()

    def hand(item) -> bool:
        while not stop.is_set():
            try:
                handed.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def read():
        connections[alias] = wrapper
        try:
            for item in chunks:
                if not hand(item):
                    return
            hand(_DONE)
        except BaseException as error:  # re-raised in the export's thread
            hand(error)
        finally:
            chunks.close()

    reader = threading.Thread(target=read, name="export-read-ahead", daemon=True)
    reader.start()
    try:
        while (item := handed.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()
        wrapper.dec_thread_sharing()


def _after(key) -> Q:
    """Rows after ``(document_id, start, id)`` in export order."""
    document_id, start, pk = key
    later = (
        Q(document_id__gt=document_id)
        | Q(document_id=document_id, start__gt=start)
        | Q(document_id=document_id, start=start, id__gt=pk)
    )
    # The plain range lets the planner walk the (document, start) index.
    return later & Q(document_id__gte=document_id)


def _up_to(key) -> Q:
    """Rows up to and including ``(document_id, start, id)`` in export order."""
    document_id, start, pk = key
    earlier = (
        Q(document_id__lt=document_id)
        | Q(document_id=document_id, start__lt=start)
        | Q(document_id=document_id, start=start, id__lte=pk)
    )
    return earlier & Q(document_id__lte=document_id)


class _AmongIds:
    """A chunk's related rows: ``queryset`` filtered on ``column`` being one of the chunk's ids.

    On PostgreSQL the ids are one array parameter and the SQL is compiled once (it names
    tables and columns only), so each chunk only binds its ids. Bounded by the chunk's
    first and last keys instead, the subquery re-ran the export's filters for each chunk
    (3 to 4 times the lookup's own time) and the ORM built it again each time. Elsewhere
    ``ids`` is that subquery.

    The ids go as one array literal written here (psycopg's list dumper took 3 ms of CPU a
    chunk), behind a sub-select: a constant array made the planner estimate each of its
    2,000 elements, 6 to 9 ms of planning a query. ``among`` says how the column meets
    them: ``= ANY`` of the array is one ordered index scan (history: every id has rows);
    ``IN (SELECT unnest …)`` lets a small table be hashed against the ids instead of
    comparing each row with every id in turn (sources: most ids have none).
    """

    ANY = "{column} = ANY(CAST((SELECT %s::bigint[]) AS bigint[]))"
    UNNEST = "{column} IN (SELECT unnest(CAST((SELECT %s::bigint[]) AS bigint[])))"

    def __init__(self, queryset, column: str, among: str = ANY):
        self.queryset = queryset
        self.column = column
        self.among = among
        self.compiled = None  # (sql, params, the params' stand-in for the ids), set once

    def __call__(self, ids) -> list[tuple]:
        if not isinstance(ids, list):  # the portable path's subquery
            return list(self.queryset.filter(**{f"{self.column}__in": ids}))
        if self.compiled is None:
            self.compiled = self._compile()  # one assignment: threads may race to it
        sql, params, marker = self.compiled
        literal = id_array(ids)
        with connection.cursor() as cursor:
            cursor.execute(sql, [literal if param is marker else param for param in params])
            return cursor.fetchall()

    def _compile(self) -> tuple:
        table = self.queryset.model._meta.db_table
        marker = []
        among = RawSQL(  # noqa: S611 (names only; the ids are a parameter)
            self.among.format(column=f'"{table}"."{self.column}"'),
            (marker,),
            output_field=BooleanField(),
        )
        sql, params = self.queryset.filter(among).query.sql_with_params()
        return sql, params, marker


def _read_related(walk: _Walk, rows: list[tuple], ids) -> tuple:
    """The chunk's sources and history by annotation, and the documents (and sentences)
    its rows are in: copies of the walk's small maps, which the next chunk's reads prune."""
    sources = _sources_by_annotation(_SOURCES(ids))
    history = _history_by_annotation(_HISTORY(ids))
    _load_documents(walk, {row[1] for row in rows})
    if walk.with_claims:
        _load_claims(walk, {row[-1] for row in rows} - {None})
    return sources, history, dict(walk.documents), dict(walk.sentences)


def _chunk_rows(walk: _Walk, rows: list[tuple], related: tuple) -> Iterator[ExportRow]:
    sources, history, documents, sentences = related
    by_id = walk.with_sentences  # the sentence by its id, from the document's sentences
    tail = 5 if by_id else 8  # where the columns after the sentence's start
    claim_types = walk.claim_types
    sentence = sentence_key = None
    for row in rows:
        pk, document_id, start, end = row[:4]
        document = documents[document_id]
        if by_id:
            sentence = sentences[document_id][row[4]]
        elif sentence_key != (document_id, row[4]):
            sentence_key = (document_id, row[4])
            sentence = {"index": row[4], "start": row[5], "end": row[6], "text": row[7]}
        (
            quote,
            claim_type_slug,
            claim_type_name,
            verification_status,
            rationale,
            annotator,
            review_state,
            reviewed_by,
            reviewed_at,
            review_comment,
            created_at,
            updated_at,
            version,
            claim_id,
        ) = row[tail:]
        claim_type = claim_types.get((claim_type_slug, claim_type_name))
        if claim_type is None:
            claim_type = {"slug": claim_type_slug, "name": claim_type_name}
            claim_types[claim_type_slug, claim_type_name] = claim_type
        sentence_start = sentence["start"]
        annotation = {
            "id": pk,
            "sentence_index": sentence["index"],
            "start": start,
            "end": end,
            "start_in_sentence": start - sentence_start,
            "end_in_sentence": end - sentence_start,
            "quote": quote,
            "claim_type": claim_type,
            "verification_status": verification_status,
            "rationale": rationale,
            "sources": sources.get(pk, []),
            "annotator": annotator,
            "review": {
                "state": review_state,
                "by": reviewed_by,
                "at": reviewed_at,
                "comment": review_comment,
            },
            "history": history.get(pk) or _EMPTY_HISTORY,
            "created_at": created_at,
            "updated_at": updated_at,
            "version": version,
            "claim": claim_id,
        }
        claim = walk.claims[claim_id] if walk.with_claims and claim_id else None
        yield ExportRow(document, sentence, annotation, claim)


_EMPTY_HISTORY = {"versions": 0, "created_by": None, "last_changed_by": None, "changes": 0}


_SOURCES = _AmongIds(
    Source.objects.order_by("annotation_id", "position", "id").values_list(
        "annotation_id", "url", "title", "publisher", "stance", "excerpt", "accessed_at"
    ),
    "annotation_id",
    _AmongIds.UNNEST,
)


def _sources_by_annotation(rows) -> dict[int, list[dict]]:
    sources: dict[int, list[dict]] = {}
    for annotation_id, url, title, publisher, stance, excerpt, accessed_at in rows:
        sources.setdefault(annotation_id, []).append(
            {
                "url": url,
                "title": title,
                "publisher": publisher,
                "stance": stance,
                "excerpt": excerpt,
                "accessed_at": accessed_at.isoformat() if accessed_at else None,
            }
        )
    return sources


_HISTORY = _AmongIds(
    Annotation.history.order_by("id", "history_date", "history_id").values_list(
        "id", "history_type", "history_user__username"
    ),
    "id",
)


def _history_by_annotation(rows) -> dict[int, dict]:
    """How many versions history holds, who created it, who changed it last, edits since."""
    summaries: dict[int, dict] = {}
    summary = None
    current = None
    for pk, history_type, username in rows:
        if pk != current:
            current = pk
            summary = summaries[pk] = {
                "versions": 0,
                "created_by": None,
                "last_changed_by": None,
                "changes": 0,
            }
        summary["versions"] += 1
        if history_type == "+":
            summary["created_by"] = username
        elif history_type == "~":
            summary["changes"] += 1
        summary["last_changed_by"] = username
    return summaries


_DOCUMENT_COLUMNS = (
    "id",
    "title",
    "url",
    "publisher",
    "published_at",
    "language",
    "content_hash",
    "project_id",
    "project__slug",
    "project__name",
)


def _load_documents(walk: _Walk, document_ids: set[int]) -> None:
    """Fetch the chunk's new documents; forget the ones already passed (rows are ordered)."""
    new_ids = document_ids - walk.documents.keys()
    if not new_ids:
        return
    current = max(walk.documents) if walk.documents else None
    walk.documents = {current: walk.documents[current]} if current in document_ids else {}
    walk.sentences = {current: walk.sentences[current]} if current in walk.sentences else {}
    columns = _DOCUMENT_COLUMNS + (("text",) if walk.with_text else ())
    for row in Document.objects.filter(id__in=new_ids).order_by("id").values(*columns):
        document = {
            "id": row["id"],
            "title": row["title"],
            "url": row["url"],
            "publisher": row["publisher"],
            "published_at": isoformat(row["published_at"]),
            "language": row["language"],
            "content_hash": row["content_hash"],
            "project": {
                "id": row["project_id"],
                "slug": row["project__slug"],
                "name": row["project__name"],
            },
        }
        if walk.with_text:
            document["text"] = row["text"]
        if walk.with_sentences:
            document["sentences"] = []
            walk.sentences[row["id"]] = {}
        walk.documents[row["id"]] = document
    if walk.with_sentences:
        sentences = (
            Sentence.objects.filter(document_id__in=new_ids)
            .order_by("document_id", "index")
            .values_list("document_id", "id", "index", "start", "end", "text")
        )
        for document_id, pk, index, start, end, text in sentences:
            sentence = {"index": index, "start": start, "end": end, "text": text}
            walk.documents[document_id]["sentences"].append(sentence)
            walk.sentences[document_id][pk] = sentence


_CLAIM_COLUMNS = (
    "id",
    "text",
    "verification_status",
    "rating_explanation",
    "reviewed_by__username",
    IsoTimestamp(F("reviewed_at")),
    IsoTimestamp(F("created_at")),
    IsoTimestamp(F("updated_at")),
    "version",
)
_CLAIM_KEYS = (
    "id",
    "text",
    "verification_status",
    "rating_explanation",
    "reviewed_by",
    "reviewed_at",
    "created_at",
    "updated_at",
    "version",
)


def _load_claims(walk: _Walk, claim_ids: set[int]) -> None:
    """Fetch the claims the chunk links to that no earlier chunk did, in one query.

    Kept for the whole walk: the ``json`` format lists them after the documents, and a
    claim's appearances may be in any document.
    """
    new_ids = claim_ids - walk.claims.keys()
    if not new_ids:
        return
    rows = Claim.objects.filter(id__in=new_ids).order_by("id").values_list(*_CLAIM_COLUMNS)
    for row in rows:
        walk.claims[row[0]] = dict(zip(_CLAIM_KEYS, row, strict=True))
