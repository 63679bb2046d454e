"""``jsonl``: one self-contained annotation per line, for pipelines.

Each line has a ``type`` to dispatch on: ``annotation`` lines first, then (in an
incremental pull) one ``deletion`` line per annotation deleted since ``updated_since``.
"""

from collections.abc import Iterable, Iterator

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
        for row in rows:
            document = row.document
            line = {
                "type": "annotation",
                **row.annotation,
                "document": {
                    "id": document["id"],
                    "title": document["title"],
                    "url": document["url"],
                    "publisher": document["publisher"],
                    "published_at": document["published_at"],
                    "language": document["language"],
                    "project": document["project"],
                },
                "sentence": row.sentence,
            }
            yield dumps(line) + "\n"
        for deletion in context.deletions:
            yield dumps({"type": "deletion", **deletion}) + "\n"
