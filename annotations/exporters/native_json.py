"""``json``: our own versioned format, documents with their sentences and annotations.

Self-contained (each document carries its text and sentences) so ``import_annotations``
can restore it. Streamed document by document: the document header is written when its
first annotation arrives, and the list closed when the next document starts. The
``deleted`` list comes last: tombstones of an incremental pull, empty without one.
"""

from collections.abc import Iterable, Iterator

from annotations.exporters.base import ExportContext, Exporter, dumps
from annotations.selectors import ExportRow

FORMAT_VERSION = "factcheck/v1"


class NativeJsonExporter(Exporter):
    name = "json"
    media_type = "application/json"
    file_extension = "json"
    needs_text = True
    needs_sentences = True
    reports_deletions = True
    schema = {
        "type": "object",
        "required": ["format", "exported_at", "filters", "documents", "deleted"],
        "properties": {
            "format": {"type": "string", "enum": [FORMAT_VERSION]},
            "exported_at": {"type": "string", "format": "date-time"},
            "filters": {"type": "object"},
            "documents": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "annotations"],
                    "properties": {
                        "annotations": {"type": "array", "items": {"type": "object"}},
                        "sentences": {"type": "array", "items": {"type": "object"}},
                    },
                },
            },
            "deleted": {"type": "array", "items": {"type": "object"}},
        },
    }

    def render(self, rows: Iterable[ExportRow], context: ExportContext) -> Iterator[str]:
        header = {
            "format": FORMAT_VERSION,
            "exported_at": context.exported_at_iso,
            "filters": context.filters,
        }
        yield dumps(header)[:-1] + ',"documents":['
        current = None
        for row in rows:
            if row.document is not current:
                if current is not None:
                    yield "]},"
                current = row.document
                # The document object, left open for its annotations.
                yield dumps(current)[:-1] + ',"annotations":['
                yield dumps(row.annotation)
            else:
                yield "," + dumps(row.annotation)
        if current is not None:
            yield "]}"
        yield '],"deleted":['
        for index, deletion in enumerate(context.deletions):
            yield ("," if index else "") + dumps(deletion)
        yield "]}\n"
