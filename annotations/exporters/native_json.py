"""``json``: our own versioned format, documents with their sentences and annotations.

Self-contained (each document carries its text and sentences) so ``import_annotations``
can restore it. Streamed document by document: the document header is written when its
first annotation arrives, and the list closed when the next document starts. The
``claims`` the exported annotations link to follow the documents (collected on the way, by
id: a claim's appearances may be in any document), then the ``deleted`` list: tombstones
of an incremental pull, empty without one.
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
    needs_claims = True
    reports_deletions = True
    schema = {
        "type": "object",
        "required": ["format", "exported_at", "filters", "documents", "claims", "deleted"],
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
                        "annotations": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "claim"],
                                "properties": {"claim": {"type": "integer", "nullable": True}},
                            },
                        },
                        "sentences": {"type": "array", "items": {"type": "object"}},
                    },
                },
            },
            "claims": {
                "type": "array",
                "description": "The claims the exported annotations link to, by id.",
                "items": {
                    "type": "object",
                    "required": ["id", "text", "verification_status", "rating_explanation"],
                    "properties": {
                        "id": {"type": "integer"},
                        "text": {"type": "string"},
                        "verification_status": {"type": "string"},
                        "rating_explanation": {"type": "string"},
                        "reviewed_by": {"type": "string", "nullable": True},
                        "reviewed_at": {"type": "string", "format": "date-time", "nullable": True},
                        "created_at": {"type": "string", "format": "date-time"},
                        "updated_at": {"type": "string", "format": "date-time"},
                        "version": {"type": "integer"},
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
        claims: dict[int, dict] = {}
        for row in rows:
            if row.claim is not None:
                claims[row.claim["id"]] = row.claim
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
        yield '],"claims":['
        yield ",".join(dumps(claims[pk]) for pk in sorted(claims))
        yield '],"deleted":['
        for index, deletion in enumerate(context.deletions):
            yield ("," if index else "") + dumps(deletion)
        yield "]}\n"
