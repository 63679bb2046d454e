"""Importing documents: one atomic service behind every way a text comes in."""

import functools
import hashlib
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from annotations import messages
from annotations.models import Document, Project, Sentence
from annotations.segmentation import segment


class DocumentImportError(ValueError):
    """A document could not be imported; the message says why, for the user."""

    def __init__(self, message: str, *, code: str, document: Document | None = None):
        super().__init__(message)
        self.code = code
        self.document = document


@dataclass
class DocumentInput:
    """One document to import, however it arrived (form, API, file, JSON record)."""

    title: str
    text: str
    url: str = ""
    publisher: str = ""
    published_at: datetime | date | None = None
    language: str = "en"
    extra: dict = field(default_factory=dict)


def normalize_text(text: str) -> str:
    """One newline convention and no byte-order mark, so hashes and offsets agree."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def decode_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentImportError(messages.NOT_UTF8, code="not_utf8") from exc


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_size(size_in_bytes: int) -> None:
    limit = settings.FACTCHECK_MAX_DOCUMENT_BYTES
    if size_in_bytes > limit:
        raise DocumentImportError(messages.TOO_LARGE.format(limit=limit), code="too_large")


def import_document(*, project: Project, data: DocumentInput, created_by=None) -> Document:
    """Create a document and all its sentences, or nothing.

    Raises ``DocumentImportError`` for empty, oversized or duplicate text; the duplicate
    error carries the existing document. Duplicates are caught by the unique constraint
    on the project and the text's hash, and only then looked up: a query fewer for every
    import that is new (the same text imported concurrently is caught the same way).
    """
    document = prepare_document(project=project, data=data, created_by=created_by)
    try:
        with transaction.atomic():
            try:
                document.save()
            except IntegrityError as exc:  # its one unique constraint besides the key
                raise _DuplicateText from exc
            _insert_sentences([document])
    except _DuplicateText as exc:
        existing = _existing_documents([document]).get((project.pk, document.content_hash))
        raise _duplicate(existing, title=document.title) from exc.__cause__
    return document


class _DuplicateText(Exception):
    """The document's insert broke the one-text-per-project constraint (rolled back)."""


@dataclass
class BatchImport:
    """What ``import_documents`` did: the documents it created (in the order given) and,
    by position in the batch, the records it skipped as duplicates."""

    created: list[Document]
    duplicates: dict[int, DocumentImportError]


class BatchImportError(ValueError):
    """Some records of a batch are invalid, so none was imported; ``errors`` by position."""

    def __init__(self, errors: dict[int, DocumentImportError]):
        super().__init__(f"{len(errors)} invalid record(s)")
        self.errors = errors


@transaction.atomic
def import_documents(
    *, records: list[tuple[Project, DocumentInput]], created_by=None
) -> BatchImport:
    """Import many documents at once: every valid one, or nothing if any record is invalid.

    Each record passes the checks ``import_document`` makes. A record whose text is already
    in its project (or earlier in the batch) is a duplicate: skipped and reported, so that
    sending the same batch twice is harmless. Any other problem raises ``BatchImportError``
    and stores nothing. Cost: one query for the duplicates, one for the documents and one
    for all their sentences, whatever the batch size.
    """
    errors: dict[int, DocumentImportError] = {}
    prepared: dict[int, Document] = {}
    for index, (project, data) in enumerate(records):
        try:
            prepared[index] = prepare_document(project=project, data=data, created_by=created_by)
        except DocumentImportError as error:
            errors[index] = error
    if errors:
        raise BatchImportError(errors)
    existing = _existing_documents(prepared.values())
    created, duplicates = [], {}
    for index, document in prepared.items():
        key = (document.project_id, document.content_hash)
        if key in existing:
            duplicates[index] = _duplicate(existing[key])
        else:
            existing[key] = document
            created.append(document)
    try:
        with transaction.atomic():
            Document.objects.bulk_create(created)
    except IntegrityError as exc:  # one of the texts imported concurrently
        raise _duplicate(None, title=created[0].title) from exc
    _insert_sentences(created)
    return BatchImport(created=created, duplicates=duplicates)


def prepare_document(*, project: Project, data: DocumentInput, created_by=None) -> Document:
    """The checked, unsaved document for ``data``, with its ``spans`` segmented.

    Raises ``DocumentImportError`` for empty, oversized or untitled text and for invalid
    fields. Does not look for duplicates (that takes a query; callers do it in bulk).
    """
    text = normalize_text(data.text)
    check_size(len(text.encode("utf-8")))
    if not text.strip():
        raise DocumentImportError(messages.EMPTY_TEXT, code="empty")
    title = (data.title or "").strip()
    if not title:
        raise DocumentImportError(messages.MISSING_TITLE, code="missing_title")
    published_at = data.published_at
    if isinstance(published_at, date) and not isinstance(published_at, datetime):
        published_at = datetime(published_at.year, published_at.month, published_at.day)
    if isinstance(published_at, datetime) and timezone.is_naive(published_at):
        published_at = timezone.make_aware(published_at, timezone.get_current_timezone())
    document = Document(
        project=project,
        title=title[:500],
        text=text,
        content_hash=content_hash(text),
        url=data.url or "",
        publisher=data.publisher or "",
        published_at=published_at,
        language=data.language or "en",
        created_by=created_by,
    )
    # The project and the user are rows we hold; checking that they exist costs two queries.
    document.full_clean(exclude=["content_hash", "project", "created_by"], validate_unique=False)
    document.spans = segment(text)
    return document


def _existing_documents(documents) -> dict[tuple[int, str], Document]:
    """The documents already stored with the same text in the same project, in one query."""
    documents = list(documents)
    if not documents:
        return {}
    found = Document.objects.filter(
        project_id__in={d.project_id for d in documents},
        content_hash__in={d.content_hash for d in documents},
    ).only("id", "title", "project_id", "content_hash")
    return {(d.project_id, d.content_hash): d for d in found}


def _duplicate(existing: Document | None, *, title: str = "") -> DocumentImportError:
    return DocumentImportError(
        messages.DUPLICATE_DOCUMENT.format(
            id=existing.pk if existing else "?", title=existing.title if existing else title
        ),
        code="duplicate",
        document=existing,
    )


SENTENCE_COLUMNS = ("document_id", "index", "start", "end", "paragraph", "text")


def _insert_sentences(documents: list[Document]) -> None:
    """Store the sentences of saved ``documents`` (their ``spans``) in one statement.

    ``bulk_create`` spent more time building 500 model instances and their SQL than
    segmenting the text. On PostgreSQL this is a binary ``COPY`` (the server parses no
    text, the client formats none), elsewhere one ``executemany``; either way Django's
    query log (and so every query-count test) sees one query.
    """
    rows = [
        (
            document.pk,
            index,
            span.start,
            span.end,
            span.paragraph,
            document.text[span.start : span.end],
        )
        for document in documents
        for index, span in enumerate(document.spans)
    ]
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy_sentence_rows(cursor, rows)
        else:
            _insert_sentence_rows(cursor, rows)


def _sentence_table_and_columns() -> tuple[str, str]:
    quote = connection.ops.quote_name
    return quote(Sentence._meta.db_table), ", ".join(quote(c) for c in SENTENCE_COLUMNS)


def _insert_sentence_rows(cursor, rows: list[tuple]) -> None:
    """The portable path: one ``executemany``."""
    table, columns = _sentence_table_and_columns()
    placeholders = ", ".join(["%s"] * len(SENTENCE_COLUMNS))
    insert = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model
    cursor.executemany(insert, rows)


def _copy_sentence_rows(cursor, rows: list[tuple]) -> None:
    """PostgreSQL's path: a binary ``COPY``, logged by Django as one query."""
    table, columns = _sentence_table_and_columns()
    sql = f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)"
    logged = getattr(cursor, "debug_sql", None)  # present when Django logs queries
    with (
        logged(sql) if logged else nullcontext(),
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        copy.set_types(_sentence_column_types())
        for row in rows:
            copy.write_row(row)


@functools.cache
def _sentence_column_types() -> tuple[str, ...]:
    """The PostgreSQL types of ``SENTENCE_COLUMNS``, as a binary ``COPY`` must name them."""
    fields = {field.column: field for field in Sentence._meta.concrete_fields}
    return tuple(fields[column].db_type(connection) for column in SENTENCE_COLUMNS)
