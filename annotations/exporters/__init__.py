"""Export formats, one module each. Adding a format: write a module, add one line here."""

from annotations.exporters.base import ExportContext, Exporter, buffered
from annotations.exporters.claimreview import ClaimReviewExporter
from annotations.exporters.csv_format import CsvExporter
from annotations.exporters.jsonl import JsonLinesExporter
from annotations.exporters.native_json import NativeJsonExporter
from annotations.exporters.w3c import W3CExporter

EXPORTERS: dict[str, type[Exporter]] = {
    exporter.name: exporter
    for exporter in (
        NativeJsonExporter,
        JsonLinesExporter,
        CsvExporter,
        ClaimReviewExporter,
        W3CExporter,
    )
}
DEFAULT_FORMAT = NativeJsonExporter.name

__all__ = ["DEFAULT_FORMAT", "EXPORTERS", "ExportContext", "Exporter", "buffered"]
