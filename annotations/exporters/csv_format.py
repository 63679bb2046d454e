"""``csv``: one row per annotation, for spreadsheets.

Sources are joined into one cell as ``url (stance)`` separated by `` | ``. Any text cell
that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is prefixed with ``'`` so it shows as text.
"""

import csv
import io
from collections.abc import Iterable, Iterator

from annotations.exporters.base import ExportContext, Exporter
from annotations.selectors import ExportRow

COLUMNS = [
    "annotation_id",
    "project",
    "document_id",
    "document_title",
    "document_url",
    "sentence_index",
    "sentence_text",
    "start",
    "end",
    "start_in_sentence",
    "end_in_sentence",
    "quote",
    "claim_type",
    "claim_type_name",
    "verification_status",
    "rationale",
    "sources",
    "source_count",
    "annotator",
    "review_state",
    "reviewed_by",
    "reviewed_at",
    "review_comment",
    "created_at",
    "updated_at",
    "version",
    "history_versions",
    "created_by",
    "last_changed_by",
    "claim",
]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SOURCE_SEPARATOR = " | "


def safe_cell(value):
    """Neutralise spreadsheet formulas in text; leave numbers and empty cells alone."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return "" if value is None else value


class CsvExporter(Exporter):
    name = "csv"
    media_type = "text/csv"
    schema = {
        "type": "string",
        "description": "RFC 4180 CSV with a header row; the last column is the claim id.",
    }
    file_extension = "csv"

    def render(self, rows: Iterable[ExportRow], context: ExportContext) -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for row in rows:
            document, annotation = row.document, row.annotation
            review, history = annotation["review"], annotation["history"]
            sources = annotation["sources"]
            cells = (
                annotation["id"],
                document["project"]["slug"],
                document["id"],
                document["title"],
                document["url"],
                annotation["sentence_index"],
                row.sentence["text"],
                annotation["start"],
                annotation["end"],
                annotation["start_in_sentence"],
                annotation["end_in_sentence"],
                annotation["quote"],
                annotation["claim_type"]["slug"],
                annotation["claim_type"]["name"],
                annotation["verification_status"],
                annotation["rationale"],
                SOURCE_SEPARATOR.join(f"{s['url']} ({s['stance']})" for s in sources),
                len(sources),
                annotation["annotator"],
                review["state"],
                review["by"],
                review["at"],
                review["comment"],
                annotation["created_at"],
                annotation["updated_at"],
                annotation["version"],
                history["versions"],
                history["created_by"],
                history["last_changed_by"],
                annotation["claim"],
            )
            writer.writerow([safe_cell(cell) for cell in cells])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue()
