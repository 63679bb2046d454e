"""PostgreSQL's export paths (ids as one array, reads one chunk ahead in a thread) against
the portable one: the same bytes in every format, and the reader thread never outlives
the export, however the export ends."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from annotations import selectors, services
from annotations.api.export import export_stream
from annotations.exporters import EXPORTERS
from annotations.selectors import ExportFilters
from tests.export_corpus import annotated_corpus, link_claims
from tests.factories import make_annotation, make_document

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the paths differ on PostgreSQL only"
)

EXPORTED_AT = re.compile(r'"exported_at":"[^"]*"')


@pytest.fixture
def rich(project, reviewer, annotator):
    """The shared export corpus with its claims, text that needs escaping, a reviewer's
    verdict, and one annotation deleted after ``since`` (a tombstone for json/jsonl)."""
    corpus = annotated_corpus(project, reviewer=reviewer, annotator=annotator)
    link_claims(corpus, project, reviewer=reviewer)
    tricky = make_document(
        project,
        title='Quotes "inside", a back\\slash and ünïcödé 🎉',
        text='He said "we\'re done."\tThen: \\o/ ü 🎉. Another — line\nhere.',
    )
    since = timezone.now() - timedelta(seconds=1)
    make_annotation(
        tricky,
        user=annotator,
        sentence_index=0,
        rationale='Tab\there, "quotes", back\\slash, line\nbreak, \u2028 and é.',
        sources=[{"url": 'https://example.org/ü?q="x"', "title": "Ünïcode 🎉"}],
    )
    gone = make_annotation(tricky, user=reviewer, sentence_index=1)
    services.delete_annotation(user=reviewer, annotation=gone, expected_version=gone.version)
    return since


def export(fmt, *, postgres_paths, chunk_size=2, **filters) -> str:
    _, blocks = export_stream(
        EXPORTERS[fmt](),
        None,
        ExportFilters(**filters),
        chunk_size=chunk_size,
        postgres_paths=postgres_paths,
    )
    return EXPORTED_AT.sub("", "".join(blocks))


@pytest.mark.parametrize("fmt", sorted(EXPORTERS))
def test_postgres_paths_export_the_same_bytes_as_the_portable_path(rich, fmt):
    portable = export(fmt, postgres_paths=False)
    # The tricky document's title or its source's (claimreview exports rated claims only).
    assert "ünïcödé" in portable or "Ünïcode" in portable or fmt == "claimreview"
    assert export(fmt, postgres_paths=True) == portable
    # An incremental pull, with its tombstone, and chunks larger than the export.
    since = {"updated_since": rich}
    assert export(fmt, postgres_paths=True, chunk_size=1000, **since) == export(
        fmt, postgres_paths=False, chunk_size=1000, **since
    )


def readers() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "export-read-ahead"]


def test_leaving_an_export_early_stops_its_reader_and_frees_the_connection(rich, settings):
    settings.FACTCHECK_EXPORT_BLOCK_CHARS = 1
    _, blocks = export_stream(
        EXPORTERS["jsonl"](), None, ExportFilters(), chunk_size=1, postgres_paths=True
    )
    assert next(blocks)
    assert readers()  # waiting to hand over the next chunk
    blocks.close()
    assert not readers()
    with connection.cursor() as cursor:  # the connection is this thread's again
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_failing_read_fails_the_export_and_ends_the_reader(rich, monkeypatch):
    def broken(rows):
        raise RuntimeError("history unavailable")

    monkeypatch.setattr(selectors, "_history_by_annotation", broken)
    _, blocks = export_stream(EXPORTERS["json"](), None, ExportFilters(), postgres_paths=True)
    with pytest.raises(RuntimeError, match="history unavailable"):
        "".join(blocks)
    assert not readers()
