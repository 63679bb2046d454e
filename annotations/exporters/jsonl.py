"""``jsonl``: one self-contained annotation per line, for pipelines.

Each line has a ``type`` to dispatch on: ``annotation`` lines first, then (in an
incremental pull) one ``deletion`` line per annotation deleted since ``updated_since``.
"""

from collections.abc import Iterable, Iterator

from orjson import Fragment

from annotations.exporters.base import ExportContext, Exporter, dumps
from annotations.selectors import ExportRow


class JsonLinesExporter(Exporter):
    name = "jsonl"
    media_type = "application/x-ndjson"
    schema = {
        "type": "string",
        "description": "One JSON object per line; annotation lines carry their claim id or null.",
    }
    file_extension = "jsonl"
    reports_deletions = True

    def render(self, rows: Iterable[ExportRow], context: ExportContext) -> Iterator[str]:
        current = document_json = None
        for row in rows:
            if row.document is not current:
                current = row.document
                # Serialized once per document, not once per line.
                document_json = Fragment(
                    dumps(
                        {
                            "id": current["id"],
                            "title": current["title"],
                            "url": current["url"],
                            "publisher": current["publisher"],
                            "published_at": current["published_at"],
                            "language": current["language"],
                            "project": current["project"],
                        }
                    )
                )
            line = {
                "type": "annotation",
                **row.annotation,
                "document": document_json,
                "sentence": row.sentence,
            }
            yield dumps(line) + "\n"
        for deletion in context.deletions:
            yield dumps({"type": "deletion", **deletion}) + "\n"
