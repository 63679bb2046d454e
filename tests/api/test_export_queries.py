"""The export streams: fixed queries per chunk, output before everything is fetched.

The annotations are read through one server-side cursor inside a transaction; in a test
that transaction is a savepoint of the test's own, which adds two queries to each count
(``SAVEPOINT`` and ``RELEASE SAVEPOINT``; ``BEGIN`` and ``COMMIT`` are not logged).
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import services
from annotations.models import Annotation, Claim
from tests.factories import make_annotation, make_document

URL = "/api/v1/export/annotations"
FORMATS = ["json", "jsonl", "csv", "claimreview", "w3c"]
SAVEPOINT = 2


def long_document(project, sentences: int):
    text = " ".join(f"Claim number {n} says {n * 7} people agreed." for n in range(sentences))
    return make_document(project, text=text, title=f"{sentences} sentences")


def annotate(document, user, count: int, *, offset: int = 0):
    for index in range(offset, offset + count):
        make_annotation(
            document,
            user=user,
            sentence_index=index,
            verification_status="false",
            sources=[{"url": f"https://example.org/{index}", "stance": "refutes"}],
        )


def grow(project, small, user):
    """20 more annotations in ``small`` (30 sentences, 3 annotated) and 12 in a new document."""
    annotate(small, user, 20, offset=3)
    annotate(long_document(project, 12), user, 12)


@pytest.fixture(autouse=True)
def _throttle_outside_the_database(settings):
    """Count the export's own queries: the throttle's counter goes to a cache that is not
    the database here, as with Redis in production (the tests' default is the database's)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def count_export_queries(client, fmt: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"format": fmt})
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
    assert body
    return len(queries)


@pytest.mark.parametrize("fmt", FORMATS)
def test_query_count_does_not_grow_with_rows_within_a_chunk(
    project, annotator, client_for, fmt, django_assert_num_queries
):
    client = client_for(annotator)
    small = long_document(project, 30)
    annotate(small, annotator, 3)
    few = count_export_queries(client, fmt)
    grow(project, small, annotator)
    with django_assert_num_queries(few):
        response = client.get(URL, {"format": fmt})
        b"".join(response.streaming_content)
    # annotations, sources, history, documents (+ sentences for json): one query each.
    assert few == SAVEPOINT + (5 if fmt == "json" else 4)


@pytest.mark.parametrize("fmt", FORMATS)
def test_query_count_grows_only_by_two_per_extra_chunk(
    project, annotator, client_for, settings, fmt
):
    settings.FACTCHECK_EXPORT_CHUNK_SIZE = 4
    client = client_for(annotator)
    document = long_document(project, 18)
    annotate(document, annotator, 6)  # chunks of 4 + 2
    few = count_export_queries(client, fmt)
    annotate(document, annotator, 12, offset=6)  # chunks of 4 + 4 + 4 + 4 + 2
    many = count_export_queries(client, fmt)
    # Later chunks of the same document: their sources and their history.
    assert many - few == 2 * (5 - 2)


def test_first_bytes_leave_before_the_rest_is_fetched(project, annotator, client_for, settings):
    settings.FACTCHECK_EXPORT_CHUNK_SIZE = 4
    settings.FACTCHECK_EXPORT_BLOCK_CHARS = 1  # hand every piece to the response at once
    document = long_document(project, 20)
    annotate(document, annotator, 20)
    response = client_for(annotator).get(URL, {"format": "jsonl"})
    blocks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        first = json.loads(next(blocks))
    # Only the first chunk's queries ran: annotations, sources, history, documents.
    assert len(queries) == 1 + 4
    assert first["sentence_index"] == 0
    with CaptureQueriesContext(connection) as queries:
        rest = b"".join(blocks)
    assert len(rest.splitlines()) == 19
    assert len(queries) == 4 * 2 + 1  # sources and history of four more chunks; RELEASE


def test_chunks_do_not_skip_or_repeat_annotations_that_share_a_start(
    project, annotator, reviewer, client_for, settings
):
    """Keyset pagination on (document, start, id): equal starts must not fall between chunks."""
    settings.FACTCHECK_EXPORT_CHUNK_SIZE = 2
    document = long_document(project, 4)
    for user in (annotator, reviewer):
        annotate(document, user, 3)
    response = client_for(annotator).get(URL, {"format": "jsonl"})
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert len(lines) == 6
    assert len({line["id"] for line in lines}) == 6
    keys = [(line["start"], line["id"]) for line in lines]
    assert keys == sorted(keys)


def link_to_claims(project, user, count: int):
    """Link every annotation of ``project``, round robin, to ``count`` claims with a verdict."""
    claims = [
        services.create_claim(user=user, project=project, text=f"Repeated claim {n}.")
        for n in range(count)
    ]
    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(verification_status="false")
    for index, pk in enumerate(project.annotations.order_by("id").values_list("id", flat=True)):
        Annotation.objects.filter(pk=pk).update(claim=claims[index % count])


@pytest.mark.parametrize("fmt", FORMATS)
def test_claims_cost_one_query_however_many_claims_and_appearances(
    project, annotator, client_for, fmt, django_assert_num_queries
):
    client = client_for(annotator)
    small = long_document(project, 30)
    annotate(small, annotator, 3)
    link_to_claims(project, annotator, 2)
    few = count_export_queries(client, fmt)
    grow(project, small, annotator)
    link_to_claims(project, annotator, 9)
    with django_assert_num_queries(few):
        response = client.get(URL, {"format": fmt})
        body = b"".join(response.streaming_content)
    reads_claims = fmt in ("json", "claimreview")
    assert few == SAVEPOINT + (5 if fmt == "json" else 4) + reads_claims
    if fmt == "claimreview":  # one review per claim, listing the two articles it is in
        reviews = json.loads(body)
        assert len(reviews) == 9
        assert {len(r["itemReviewed"]["appearance"]) for r in reviews} == {2}


def test_claims_cost_one_query_per_chunk_that_reaches_new_claims(
    project, annotator, client_for, settings
):
    settings.FACTCHECK_EXPORT_CHUNK_SIZE = 4
    client = client_for(annotator)
    document = long_document(project, 18)
    annotate(document, annotator, 12)  # chunks of 4 + 4 + 4
    without = count_export_queries(client, "json")
    link_to_claims(project, annotator, 1)  # every chunk links to the one claim
    assert count_export_queries(client, "json") == without + 1
    link_to_claims(project, annotator, 12)  # every chunk brings new claims
    assert count_export_queries(client, "json") == without + 3
