"""Measure one export: throughput and the process's peak memory. One run per process.

    .venv/bin/python bench/bench_export.py --project bench-100x1000 --format json \
        [--documents K] [--chunk-size N] [--portable] [--http]

Runs the same pipeline as ``GET /api/v1/export/annotations`` (selector → exporter →
64 KiB blocks), encodes every block to UTF-8 as the response would, and throws it away.
Prints one JSON object. Peak memory is ``ru_maxrss`` of this process, so each measurement
needs its own process (``bench/run.py`` does that); ``--documents K`` exports only the
project's first K documents, to compare peaks at different sizes.
"""

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import setup_django


def cpu_seconds() -> float:
    """CPU time of this process (the web worker's share; the database's is not counted)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", required=True)
    parser.add_argument("--format", default="json")
    parser.add_argument("--documents", type=int, help="Only the first K documents.")
    parser.add_argument("--chunk-size", type=int)
    parser.add_argument(
        "--portable",
        action="store_true",
        help="Read through the portable path on PostgreSQL too (no id arrays, no read-ahead).",
    )
    parser.add_argument(
        "--http",
        action="store_true",
        help="Go through GET /api/v1/export/annotations (whole project; token auth).",
    )
    args = parser.parse_args()
    setup_django()

    from annotations.api.export import DEFAULT_BLOCK_CHARS, export_chunk_size
    from annotations.exporters import EXPORTERS, ExportContext, buffered
    from annotations.models import Project
    from annotations.selectors import ExportFilters, annotations_for_export, export_rows

    project = Project.objects.get(slug=args.project)
    exporter = EXPORTERS[args.format]()
    filters = ExportFilters(project=project)
    queryset = annotations_for_export(None, filters, statuses=exporter.verification_statuses)
    if args.documents:
        first = project.documents.order_by("id").values_list("id", flat=True)[: args.documents]
        queryset = queryset.filter(document_id__in=list(first))
    baseline = peak_rss_mb()

    if args.http:
        return report(args, *through_http(project, args.format), baseline)

    counted = 0

    def counting(rows):
        nonlocal counted
        for row in rows:
            counted += 1
            yield row

    started, cpu_started = time.perf_counter(), cpu_seconds()
    rows = export_rows(
        queryset,
        chunk_size=args.chunk_size or export_chunk_size(),
        with_text=exporter.needs_text,
        with_sentences=exporter.needs_sentences,
        with_claims=exporter.needs_claims,
        postgres_paths=False if args.portable else None,
    )
    context = ExportContext.from_settings(filters=filters.describe())
    size = 0
    for block in buffered(exporter.render(counting(rows), context), DEFAULT_BLOCK_CHARS):
        size += len(block.encode("utf-8"))
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_started
    report(args, counted, size, seconds, cpu, baseline)


def through_http(project, fmt: str):
    """The whole request: routing, middleware, token auth, the view, the streamed body."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from annotations.exporters import EXPORTERS
    from annotations.selectors import ExportFilters, annotations_for_export

    user = get_user_model().objects.get(username="bench-owner")
    token, _ = Token.objects.get_or_create(user=user)
    statuses = EXPORTERS[fmt].verification_statuses
    count = annotations_for_export(user, ExportFilters(project=project), statuses=statuses)
    count = count.count()
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_HOST="localhost")
    started, cpu_started = time.perf_counter(), cpu_seconds()
    response = client.get("/api/v1/export/annotations", {"format": fmt, "project": project.pk})
    assert response.status_code == 200, response.content
    size = sum(len(block) for block in response.streaming_content)
    return count, size, time.perf_counter() - started, cpu_seconds() - cpu_started


def report(args, counted, size, seconds, cpu, baseline):
    print(
        json.dumps(
            {
                "format": args.format,
                "via": "http" if args.http else "pipeline",
                "path": "portable" if args.portable else "default",
                "documents": args.documents,
                "annotations": counted,
                "seconds": round(seconds, 3),
                "per_second": round(counted / seconds) if seconds else None,
                "cpu_seconds": round(cpu, 3),
                "per_cpu_second": round(counted / cpu) if cpu else None,
                "megabytes": round(size / 1e6, 1),
                "rss_before_mb": round(baseline, 1),
                "rss_peak_mb": round(peak_rss_mb(), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
