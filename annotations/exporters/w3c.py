"""``w3c``: W3C Web Annotation JSON-LD, for interoperability.

One ``AnnotationCollection`` whose ``first`` page holds every annotation, streamed; its
``total`` is written after the items (JSON objects are unordered), which spares a count
query. Targets point at our copy of the document, where the offsets are valid, with both
a ``TextQuoteSelector`` and a ``TextPositionSelector``.
"""

from collections.abc import Iterable, Iterator

from annotations.exporters.base import ExportContext, Exporter, dumps
from annotations.models import VERIFIED_STATUSES, VerificationStatus
from annotations.selectors import ExportRow

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_CHARS = 32  # prefix and suffix length of the TextQuoteSelector
LABELS = {status.value: status.label for status in VerificationStatus}


class W3CExporter(Exporter):
    name = "w3c"
    media_type = "application/ld+json"
    file_extension = "jsonld"
    needs_text = True
    schema = {
        "type": "object",
        "description": "A W3C Web Annotation AnnotationCollection with its first page.",
        "required": ["@context", "id", "type", "first", "total"],
        "properties": {
            "type": {"type": "string", "enum": ["AnnotationCollection"]},
            "total": {"type": "integer", "minimum": 0},
            "first": {
                "type": "object",
                "required": ["type", "items"],
                "properties": {"items": {"type": "array", "items": {"type": "object"}}},
            },
        },
    }

    def render(self, rows: Iterable[ExportRow], context: ExportContext) -> Iterator[str]:
        base = f"{context.public_url}/api/v1/export/annotations?format=w3c"
        collection = {
            "@context": CONTEXT,
            "id": base,
            "type": "AnnotationCollection",
            "label": "Factcheck annotations",
        }
        page = {"id": base + "&page=1", "type": "AnnotationPage", "startIndex": 0}
        yield dumps(collection)[:-1] + ',"first":' + dumps(page)[:-1] + ',"items":['
        total = 0
        for row in rows:
            yield ("," if total else "") + dumps(self.annotation(row, context))
            total += 1
        yield f'],"partOf":{dumps(base)}}},"total":{total}}}\n'

    def annotation(self, row: ExportRow, context: ExportContext) -> dict:
        document, annotation = row.document, row.annotation
        text, start, end = document["text"], annotation["start"], annotation["end"]
        status = annotation["verification_status"]
        body = [
            {
                "type": "TextualBody",
                "purpose": "classifying",
                "value": annotation["claim_type"]["name"],
            },
            {"type": "TextualBody", "purpose": "assessing", "value": LABELS[status]},
        ]
        if annotation["rationale"]:
            body.append(
                {"type": "TextualBody", "purpose": "commenting", "value": annotation["rationale"]}
            )
        for source in annotation["sources"]:
            linked = {
                "type": "SpecificResource",
                "purpose": "linking",
                "source": source["url"],
                "stance": source["stance"],
            }
            if source["title"]:
                linked["label"] = source["title"]
            body.append(linked)
        target = {
            "source": context.document_url(document),
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": text[start:end],
                    "prefix": text[max(0, start - CONTEXT_CHARS) : start],
                    "suffix": text[end : end + CONTEXT_CHARS],
                },
                {"type": "TextPositionSelector", "start": start, "end": end},
            ],
        }
        if document["url"]:
            target["scope"] = document["url"]
        return {
            "id": context.annotation_url(document, annotation),
            "type": "Annotation",
            "motivation": "assessing" if status in VERIFIED_STATUSES else "highlighting",
            "created": annotation["created_at"],
            "modified": annotation["updated_at"],
            "creator": {"type": "Person", "nickname": annotation["annotator"]},
            "body": body,
            "target": target,
        }
