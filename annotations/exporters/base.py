"""The interface every export format implements.

An exporter is pure: it takes ``ExportRow``s from ``annotations.selectors.export_rows``
(ordered by document, then span start), and from its context the deletions of an
incremental pull (``deletions_for_export``), and yields text. It never queries the database, so
the selector alone decides how many queries an export costs.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import orjson
from django.conf import settings
from django.utils import timezone

from annotations.selectors import ExportRow, isoformat


@dataclass(frozen=True)
class ExportContext:
    """What an export needs besides its rows: when it ran, what was asked, who publishes,
    and (for formats that report them) the annotations deleted since ``updated_since``."""

    exported_at: datetime = field(default_factory=timezone.now)
    filters: dict = field(default_factory=dict)
    deletions: Iterable[dict] = ()
    public_url: str = ""
    organization_name: str = ""
    organization_url: str = ""

    @classmethod
    def from_settings(
        cls, *, filters: dict | None = None, deletions: Iterable[dict] = ()
    ) -> "ExportContext":
        return cls(
            filters=filters or {},
            deletions=deletions,
            public_url=settings.FACTCHECK_PUBLIC_URL.rstrip("/"),
            organization_name=settings.FACTCHECK_ORGANIZATION_NAME,
            organization_url=settings.FACTCHECK_ORGANIZATION_URL,
        )

    @property
    def exported_at_iso(self) -> str:
        return isoformat(self.exported_at)

    def document_url(self, document: dict) -> str:
        """Our page of a document (its annotate page), where the offsets are valid."""
        return f"{self.public_url}/documents/{document['id']}/annotate/"

    def annotation_url(self, document: dict, annotation: dict) -> str:
        return f"{self.document_url(document)}#a-{annotation['id']}"

    def claim_url(self, claim: dict) -> str:
        """Our page of a claim: its verdict and every appearance."""
        return f"{self.public_url}/claims/{claim['id']}/"


class Exporter:
    """One export format. Subclass, set the attributes, implement ``render``."""

    #: The ``format`` parameter value that selects this exporter.
    name: str = ""
    media_type: str = "application/json"
    file_extension: str = "json"
    #: Ask the selector for each document's full text / its sentences.
    needs_text: bool = False
    needs_sentences: bool = False
    #: Ask the selector for each annotation's claim (``ExportRow.claim``).
    needs_claims: bool = False
    #: Export only annotations with these verification statuses (None: all).
    verification_statuses: frozenset[str] | None = None
    #: Judge an annotation linked to a claim by the claim's status instead of its own.
    statuses_by_claim: bool = False
    #: Render ``context.deletions`` (tombstones for incremental pulls).
    reports_deletions: bool = False
    #: The JSON Schema of the whole download, for the OpenAPI description of the export.
    schema: dict = {"type": "string"}

    def render(self, rows: Iterable[ExportRow], context: ExportContext) -> Iterator[str]:
        raise NotImplementedError

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8"


def dumps(value) -> str:
    """Compact JSON that keeps non-ASCII text readable.

    The same text as ``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``
    (a test holds them equal), fifteen times faster.
    """
    return orjson.dumps(value).decode()


def buffered(chunks: Iterable[str], size: int = 64 * 1024) -> Iterator[str]:
    """Join small pieces into blocks of about ``size`` characters before they hit the wire."""
    pending: list[str] = []
    length = 0
    for chunk in chunks:
        pending.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(pending)
            pending.clear()
            length = 0
    if pending:
        yield "".join(pending)
