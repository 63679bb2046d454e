"""Importing documents: one atomic service behind every way a text comes in."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
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


@transaction.atomic
def import_document(*, project: Project, data: DocumentInput, created_by=None) -> Document:
    """Create a document and all its sentences, or nothing.

    Raises ``DocumentImportError`` for empty, oversized or duplicate text; the duplicate
    error carries the existing document.
    """
    text = normalize_text(data.text)
    check_size(len(text.encode("utf-8")))
    if not text.strip():
        raise DocumentImportError(messages.EMPTY_TEXT, code="empty")
    title = (data.title or "").strip()
    if not title:
        raise DocumentImportError(messages.MISSING_TITLE, code="missing_title")
    digest = content_hash(text)
    existing = Document.objects.filter(project=project, content_hash=digest).first()
    if existing is not None:
        raise DocumentImportError(
            messages.DUPLICATE_DOCUMENT.format(id=existing.pk, title=existing.title),
            code="duplicate",
            document=existing,
        )
    published_at = data.published_at
    if isinstance(published_at, date) and not isinstance(published_at, datetime):
        published_at = datetime(published_at.year, published_at.month, published_at.day)
    if isinstance(published_at, datetime) and timezone.is_naive(published_at):
        published_at = timezone.make_aware(published_at, timezone.get_current_timezone())
    document = Document(
        project=project,
        title=title[:500],
        text=text,
        content_hash=digest,
        url=data.url or "",
        publisher=data.publisher or "",
        published_at=published_at,
        language=data.language or "en",
        created_by=created_by,
    )
    document.full_clean(exclude=["content_hash"])
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:  # the same text imported concurrently
        raise DocumentImportError(
            messages.DUPLICATE_DOCUMENT.format(id="?", title=title), code="duplicate"
        ) from exc
    Sentence.objects.bulk_create(
        (
            Sentence(
                document=document,
                index=index,
                start=span.start,
                end=span.end,
                paragraph=span.paragraph,
                text=text[span.start : span.end],
            )
            for index, span in enumerate(segment(text))
        ),
        batch_size=1000,
    )
    return document
