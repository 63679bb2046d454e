"""doccano's sequence-labelling export: JSON Lines, or the zip its download gives.

One JSON object per line: ``text`` and ``label`` as ``[start, end, "LABEL"]`` triples, or —
in projects with relations — ``entities`` as ``{"id", "label", "start_offset",
"end_offset"}`` objects. The download is a zip of ``all.jsonl`` (collaborative projects) or
of one ``USERNAME.jsonl`` per member; in the zip, that file name is the annotator.

doccano's browser counts offsets in UTF-16 code units (or in grapheme clusters when the
project counts them as one character), and its export carries no span text to check
against, so the unit is the caller's to choose; UTF-16 is doccano's default.
"""

import io
import json
import zipfile
from pathlib import PurePath

from annotations import messages
from annotations.migration_formats import FormatError, Skip, SourceRecord, SourceSpan
from annotations.migration_formats.offsets import UTF16, OffsetConverter

# An export can hold a whole project; this bounds what one member of a zip may inflate to.
MAX_MEMBER_BYTES = 512 * 1024 * 1024
COLLABORATIVE_FILE = "all"


def read(name: str, data: bytes, *, offsets: str = UTF16) -> list[SourceRecord]:
    records = []
    if zipfile.is_zipfile(io.BytesIO(data)):
        for member, content in _zip_members(data):
            stem = PurePath(member).stem  # USERNAME.jsonl, or all.jsonl for everyone's
            annotator = None if stem == COLLABORATIVE_FILE else stem
            records.extend(_read_jsonl(member, _decode(member, content), annotator, offsets))
    else:
        name = PurePath(name).name
        records.extend(_read_jsonl(name, _decode(name, data), None, offsets))
    if not records:
        raise FormatError(messages.MIGRATION_NO_RECORDS)
    return records


def _zip_members(data: bytes) -> list[tuple[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = sorted(
            (
                info
                for info in archive.infolist()
                if not info.is_dir()
                and info.filename.endswith(".jsonl")
                and not PurePath(info.filename).name.startswith(".")
                and "__MACOSX" not in info.filename
            ),
            key=lambda info: info.filename,
        )
    except zipfile.BadZipFile as exc:
        raise FormatError(str(exc)) from exc
    if not members:
        raise FormatError(messages.MIGRATION_NOT_ZIP_OF_JSONL)
    files = []
    for info in members:
        with archive.open(info) as handle:
            content = handle.read(MAX_MEMBER_BYTES + 1)  # the header's size may lie
        if len(content) > MAX_MEMBER_BYTES:
            raise FormatError(
                messages.MIGRATION_TOO_LARGE.format(name=info.filename, limit=MAX_MEMBER_BYTES)
            )
        files.append((info.filename, content))
    return files


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{name}: {messages.NOT_UTF8}") from exc


def _read_jsonl(name: str, text: str, annotator: str | None, unit: str) -> list[SourceRecord]:
    records = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            detail = messages.MIGRATION_BAD_JSON_LINE.format(error=exc.msg, column=exc.colno)
            records.append(_unreadable(where, detail))
            continue
        if not isinstance(item, dict):
            records.append(_unreadable(where, messages.MIGRATION_NOT_JSONL))
            continue
        if "id" in item:
            where = f"{where} (id {item['id']})"
        records.append(_record(where, item, annotator, unit))
    return records


def _unreadable(where: str, detail: str) -> SourceRecord:
    return SourceRecord(where=where, text=None, skipped=[Skip("malformed_record", detail)])


def _record(where: str, item: dict, annotator: str | None, unit: str) -> SourceRecord:
    text = item.get("text")
    title = item.get("title") if isinstance(item.get("title"), str) else None
    if not isinstance(text, str):
        return SourceRecord(where=where, text=None, skipped=[Skip("no_text", "no 'text'")])
    record = SourceRecord(where=where, text=text, title=title)
    converter = OffsetConverter(text, unit)
    for raw in _raw_spans(item):
        span, problem = _span(raw, converter, annotator)
        if span is not None:
            record.spans.append(span)
        else:
            record.skipped.append(problem)
    return record


def _raw_spans(item: dict) -> list:
    """``label`` as triples (the default export), or ``entities`` (projects with relations)."""
    spans = []
    for key in ("label", "entities"):
        value = item.get(key)
        if isinstance(value, list):
            spans.extend(value)
    return spans


def _span(raw, converter: OffsetConverter, annotator: str | None):
    if isinstance(raw, dict):
        start, end, label = raw.get("start_offset"), raw.get("end_offset"), raw.get("label")
    elif isinstance(raw, list | tuple) and len(raw) == 3:
        start, end, label = raw
    elif isinstance(raw, str):  # a document-level category, as text classification exports
        return None, Skip("not_a_span", f"document label {raw!r}")
    else:
        return None, Skip("bad_span", f"{json.dumps(raw, ensure_ascii=False)[:80]}")
    where = f"span [{start}, {end}, {label!r}]"
    if not isinstance(label, str) or not label.strip():
        return None, Skip("bad_span", f"{where}: no label")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (start, end)):
        return None, Skip("bad_span", f"{where}: offsets are not integers")
    start_cp, end_cp = converter.to_code_points(start), converter.to_code_points(end)
    if start_cp is None or end_cp is None or start_cp >= end_cp:
        return None, Skip("bad_span", where)
    span = SourceSpan(start_cp, end_cp, label.strip(), annotator=annotator, where=where)
    return span, None
