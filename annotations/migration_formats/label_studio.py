"""Label Studio's JSON export: a list of tasks with their annotations.

A task is ``{"id", "data": {"text": ...}, "annotations": [...]}`` (``completions`` before
1.0); each annotation has ``result`` regions, ``was_cancelled`` and ``completed_by`` (an
object with ``email`` in the export, a bare user id in some versions). Text spans are
regions of type ``labels`` with ``value.start``, ``value.end``, ``value.labels`` and
``value.text``.

Label Studio's browser counted UTF-16 code units in versions from before 2022 and counts code
points since; the export does not say which. Each region carries its text, so a span is taken in
code points when that gives its text, else in UTF-16 code units when that does, and is
reported otherwise.
"""

import json

from annotations import messages
from annotations.migration_formats import FormatError, Skip, SourceRecord, SourceSpan
from annotations.migration_formats.offsets import UTF16, OffsetConverter

SPAN_TYPE = "labels"


def read(name: str, data: bytes, *, text_key: str = "text") -> list[SourceRecord]:
    try:
        tasks = json.loads(data.decode("utf-8").lstrip("\ufeff"))
    except UnicodeDecodeError as exc:
        raise FormatError(messages.NOT_UTF8) from exc
    except json.JSONDecodeError as exc:
        raise FormatError(
            messages.MALFORMED_JSON.format(error=exc.msg, line=exc.lineno, column=exc.colno)
        ) from exc
    if isinstance(tasks, dict) and "data" in tasks:
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise FormatError(messages.MIGRATION_NOT_TASK_LIST)
    if not tasks:
        raise FormatError(messages.MIGRATION_NO_RECORDS)
    return [_record(number, task, text_key) for number, task in enumerate(tasks, 1)]


def _record(number: int, task, text_key: str) -> SourceRecord:
    where = f"task {number}"
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        return SourceRecord(
            where=where, text=None, skipped=[Skip("malformed_record", "not a task with 'data'")]
        )
    if "id" in task:
        where = f"task {number} (id {task['id']})"
    data = task["data"]
    text = data.get(text_key)
    if not isinstance(text, str):
        keys = ", ".join(sorted(map(str, data))) or "none"
        detail = f"no data.{text_key} (data keys: {keys}); pass --text-key"
        return SourceRecord(where=where, text=None, skipped=[Skip("no_text", detail)])
    title = data.get("title") if isinstance(data.get("title"), str) else None
    record = SourceRecord(where=where, text=text, title=title)
    locator = _Locator(text)
    annotations = task.get("annotations", task.get("completions")) or []
    for position, annotation in enumerate(annotations if isinstance(annotations, list) else []):
        if not isinstance(annotation, dict):
            record.skipped.append(Skip("malformed_record", f"annotation {position + 1}"))
            continue
        label = f"annotation {annotation.get('id', position + 1)}"
        results = annotation.get("result") if isinstance(annotation.get("result"), list) else []
        if annotation.get("was_cancelled"):
            record.skipped.append(Skip("cancelled", f"{label} ({len(results)} region(s))"))
            continue
        annotator = _annotator(annotation.get("completed_by"))
        for region in results:
            _add_region(record, locator, label, region, annotator)
    return record


def _annotator(completed_by) -> str | None:
    """The e-mail or username that names the user; a bare numeric id names no one here."""
    if isinstance(completed_by, dict):
        completed_by = completed_by.get("email") or completed_by.get("username")
    if isinstance(completed_by, str) and completed_by.strip():
        return completed_by.strip()
    return None


def _add_region(record: SourceRecord, locator, label: str, region, annotator) -> None:
    if not isinstance(region, dict):
        record.skipped.append(Skip("malformed_record", f"{label}: a region is not an object"))
        return
    kind = region.get("type")
    if kind != SPAN_TYPE:
        record.skipped.append(Skip("not_a_span", f"{label}: region of type {kind!r}"))
        return
    value = region.get("value") if isinstance(region.get("value"), dict) else {}
    start, end, labels = value.get("start"), value.get("end"), value.get("labels")
    where = f"{label} span [{start}, {end}, {labels!r}]"
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (start, end)):
        record.skipped.append(Skip("bad_span", f"{where}: offsets are not integers"))
        return
    if not isinstance(labels, list) or not labels or not all(isinstance(n, str) for n in labels):
        record.skipped.append(Skip("bad_span", f"{where}: no labels"))
        return
    quoted = value.get("text") if isinstance(value.get("text"), str) else None
    located = locator.locate(start, end, quoted)
    if located is None:
        reason = "bad_span" if quoted is None else "text_mismatch"
        record.skipped.append(Skip(reason, f"{where}, text {quoted!r}" if quoted else where))
        return
    names = [name.strip() for name in labels if name.strip()]
    if not names:
        record.skipped.append(Skip("bad_span", f"{where}: no labels"))
        return
    record.spans.append(SourceSpan(*located, label=names[0], annotator=annotator, where=where))
    for name in names[1:]:  # an annotation has one claim type; a span one annotation per user
        record.skipped.append(Skip("extra_label", f"{where}: label {name!r}"))


class _Locator:
    """Code-point offsets for a region, trying code points first, then UTF-16 code units."""

    def __init__(self, text: str):
        self.text = text
        self.utf16 = None

    def locate(self, start: int, end: int, quoted: str | None) -> tuple[int, int] | None:
        if 0 <= start < end <= len(self.text) and (
            quoted is None or self.text[start:end] == quoted
        ):
            return start, end
        if quoted is None:
            return None
        if self.utf16 is None:
            self.utf16 = OffsetConverter(self.text, UTF16)
        start_cp, end_cp = self.utf16.to_code_points(start), self.utf16.to_code_points(end)
        if start_cp is not None and end_cp is not None and self.text[start_cp:end_cp] == quoted:
            return start_cp, end_cp
        return None
