"""Turn files (uploaded or on disk) into ``services.DocumentInput`` records.

Reading is separate from importing: the admin form, the API upload and the
``import_documents`` command all read a file here and then call
``services.import_document`` once per record, so every entry point applies the same rules.

A file-level problem (unsupported type, too large, not UTF-8, unparseable .json) raises
``DocumentImportError``. In .json lists and .jsonl files each record stands alone:
``read_records`` reports a bad record next to the good ones, ``read_file`` refuses the
whole file at the first bad one.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

from django.core.exceptions import ValidationError

from annotations import messages, strict_json
from annotations.models import http_url_validator
from annotations.services import DocumentImportError, DocumentInput, check_size, decode_text

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")

# A first line longer than this is the opening paragraph, not a title.
MAX_TITLE_LINE = 200

OPTIONAL_STRING_FIELDS = ("url", "publisher", "language")
RECORD_FIELDS = ("title", "text", "published_at", *OPTIONAL_STRING_FIELDS)


@dataclass
class Record:
    """One document read from a file, or why it could not be read."""

    where: str
    document: DocumentInput | None = None
    error: DocumentImportError | None = None


def suffix_of(name: str) -> str:
    return PurePath(name).suffix.lower()


def is_supported(name: str) -> bool:
    return suffix_of(name) in SUPPORTED_SUFFIXES


def read_file(name: str, data: bytes) -> list[DocumentInput]:
    """All documents in the file, or ``DocumentImportError`` for the first problem."""
    documents = []
    for record in read_records(name, data):
        if record.error is not None:
            raise record.error
        documents.append(record.document)
    return documents


def read_upload(uploaded_file) -> list[DocumentInput]:
    """``read_file`` for a Django ``UploadedFile``; refuses an oversized one before reading."""
    if uploaded_file.size is not None:
        check_size(uploaded_file.size)
    return read_file(uploaded_file.name, uploaded_file.read())


def read_records(name: str, data: bytes) -> list[Record]:
    """Every record in the file, each with its document or its own error."""
    suffix = suffix_of(name)
    reader = _READERS.get(suffix)
    if reader is None:
        raise DocumentImportError(
            messages.UNSUPPORTED_TYPE.format(suffix=suffix or name), code="unsupported_type"
        )
    check_size(len(data))
    text = decode_text(data).lstrip("\ufeff")
    if "\x00" in text:
        raise DocumentImportError(messages.NUL_CHARACTER, code="nul_character")
    records = reader(name, text)
    if not records:
        raise DocumentImportError(messages.NO_RECORDS, code="no_records")
    return records


# --- plain text and Markdown --------------------------------------------------------------


def _read_text(name: str, text: str) -> list[Record]:
    """Title from the first non-empty line (a Markdown heading loses its ``#``s)."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = first_line.lstrip("#").strip()
    if not title or len(title) > MAX_TITLE_LINE:
        title = PurePath(name).stem
    return [Record(where=name, document=DocumentInput(title=title, text=text))]


# --- HTML ---------------------------------------------------------------------------------


def _read_html(name: str, text: str) -> list[Record]:
    """The article's main text and metadata, extracted by trafilatura (never fetches)."""
    import trafilatura  # slow to import; only HTML needs it

    extracted = trafilatura.bare_extraction(
        text, with_metadata=True, include_comments=False, include_tables=False
    )
    body = (extracted.text or "") if extracted is not None else ""
    # One paragraph per line from trafilatura; blank lines keep sentences in paragraphs.
    paragraphs = [line.strip() for line in body.splitlines() if line.strip()]
    if not paragraphs:
        raise DocumentImportError(messages.HTML_NO_ARTICLE, code="empty")
    url = extracted.url or ""
    if url and not _is_http_url(url):
        url = ""
    document = DocumentInput(
        title=(extracted.title or "").strip() or PurePath(name).stem,
        text="\n\n".join(paragraphs),
        url=url,
        publisher=(extracted.sitename or "").strip()[:200],
        published_at=_parse_date_or_none(extracted.date),
        language=(extracted.language or "en")[:20],
    )
    return [Record(where=name, document=document)]


# --- JSON and JSON Lines ------------------------------------------------------------------


def _read_json(name: str, text: str) -> list[Record]:
    try:
        parsed = strict_json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentImportError(
            messages.MALFORMED_JSON.format(error=exc.msg, line=exc.lineno, column=exc.colno),
            code="malformed_json",
        ) from exc
    except strict_json.InvalidJSON as exc:
        raise DocumentImportError(
            messages.UNREADABLE_JSON.format(error=exc), code="malformed_json"
        ) from exc
    if isinstance(parsed, dict):
        return [_record("The record", parsed)]
    if isinstance(parsed, list):
        return [_record(f"Record {number}", item) for number, item in enumerate(parsed, 1)]
    raise DocumentImportError(messages.JSON_NOT_RECORDS, code="malformed_json")


def _read_jsonl(name: str, text: str) -> list[Record]:
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"Line {number}"
        try:
            parsed = strict_json.loads(line)
        except json.JSONDecodeError as exc:
            error = DocumentImportError(
                messages.MALFORMED_JSON_LINE.format(line=number, error=exc.msg, column=exc.colno),
                code="malformed_json",
            )
            records.append(Record(where=where, error=error))
            continue
        except strict_json.InvalidJSON as exc:
            error = DocumentImportError(
                messages.UNREADABLE_JSON_LINE.format(line=number, error=exc), code="malformed_json"
            )
            records.append(Record(where=where, error=error))
            continue
        records.append(_record(where, parsed))
    return records


def _record(where: str, item) -> Record:
    try:
        return Record(where=where, document=parse_record(item, where=where))
    except DocumentImportError as error:
        return Record(where=where, error=error)


def parse_record(item, *, where: str = "The record") -> DocumentInput:
    """Check one JSON object and make it a ``DocumentInput``; unknown keys go to ``extra``."""
    if not isinstance(item, dict):
        raise DocumentImportError(
            messages.RECORD_NOT_OBJECT.format(where=where), code="invalid_record"
        )
    for field in ("title", "text"):
        if field not in item or item[field] is None:
            raise DocumentImportError(
                messages.RECORD_MISSING_FIELD.format(where=where, field=field),
                code="invalid_record",
            )
    for field in ("title", "text", *OPTIONAL_STRING_FIELDS):
        if item.get(field) is not None and not isinstance(item[field], str):
            raise DocumentImportError(
                messages.RECORD_WRONG_TYPE.format(where=where, field=field),
                code="invalid_record",
            )
    url = (item.get("url") or "").strip()
    if url and not _is_http_url(url):
        raise DocumentImportError(
            messages.RECORD_BAD_URL.format(where=where, value=url), code="invalid_record"
        )
    if any("\x00" in (item.get(field) or "") for field in ("title", "text", "publisher")):
        raise DocumentImportError(messages.NUL_CHARACTER, code="nul_character")
    return DocumentInput(
        title=item["title"],
        text=item["text"],
        url=url,
        publisher=(item.get("publisher") or "").strip(),
        published_at=_parse_date(item.get("published_at"), where=where),
        language=(item.get("language") or "").strip() or "en",
        extra={key: value for key, value in item.items() if key not in RECORD_FIELDS},
    )


def _parse_date(value, *, where: str) -> datetime | date | None:
    if value is None or value == "":
        return None
    parsed = _parse_date_or_none(value) if isinstance(value, str) else None
    if parsed is None:
        raise DocumentImportError(
            messages.RECORD_BAD_DATE.format(where=where, value=value), code="invalid_date"
        )
    return parsed


def _parse_date_or_none(value: str | None) -> datetime | date | None:
    """An ISO 8601 date (``2019-07-24``) or date-time (``2019-07-24T15:30:00Z``)."""
    if not value:
        return None
    value = value.strip()
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        return None


def _is_http_url(url: str) -> bool:
    try:
        http_url_validator(url)
    except ValidationError:
        return False
    return True


_READERS = {
    ".txt": _read_text,
    ".md": _read_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".json": _read_json,
    ".jsonl": _read_jsonl,
}
