"""Measure API latency on the bench corpus: lists, a document's data, saves, changes (PATCH
with If-Match, a review) and bulk saves.

    .venv/bin/python bench/bench_api.py --project bench-100x1000 [--repeat 30]

Requests go through Django's full request stack in-process (the test ``Client``: URL
routing, middleware, DRF authentication by token, serializers, database) without a
network or WSGI server. Each created annotation is deleted at the end. Prints one JSON
object: per request kind, the median and 95th-percentile milliseconds and the number of
queries one request runs; for the bulk save also annotations per second; and what a
``COUNT(*)`` over the whole project would cost against the list's bounded count.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import setup_django


def measure(name, calls, results, *, expect):
    """Run each call (a zero-argument function returning a response); record latency."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, queries, last = [], [], None
    for call in calls:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = call()
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == expect, (name, response.status_code, response.content)
        queries.append(len(captured))
        last = response
    timings.sort()
    results[name] = {
        "requests": len(timings),
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.95))], 1),
        "queries": max(queries),
    }
    return last


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", required=True)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    setup_django()

    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from annotations.models import Annotation, Project

    project = Project.objects.get(slug=args.project)
    user = get_user_model().objects.get(username="bench-rita")
    token, _ = Token.objects.get_or_create(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_HOST="localhost")
    documents = list(project.documents.order_by("id").values_list("id", flat=True))
    document = documents[len(documents) // 2]
    sentences = list(
        project.documents.get(pk=document)
        .sentences.order_by("index")
        .values_list("id", flat=True)[: args.repeat]
    )
    claim_type = project.claim_types.get(slug="statistic").pk
    api = "/api/v1"
    results = {}
    measure(
        "GET annotations?document= (page of 100)",
        [lambda: client.get(f"{api}/annotations/", {"document": document})] * args.repeat,
        results,
        expect=200,
    )
    measure(
        "GET annotations?project= (page 10)",
        [lambda: client.get(f"{api}/annotations/", {"project": project.pk, "page": 10})]
        * args.repeat,
        results,
        expect=200,
    )
    measure(
        "GET documents?project=",
        # Few repeats: this list counts progress over every annotation of the project.
        [lambda: client.get(f"{api}/documents/", {"project": project.pk})] * min(args.repeat, 5),
        results,
        expect=200,
    )
    measure(
        "GET documents/{id}/ (with sentences)",
        [lambda: client.get(f"{api}/documents/{document}/")] * min(args.repeat, 10),
        results,
        expect=200,
    )

    def page_data():
        """What the workspace and API clients read for one document: both endpoints."""
        client.get(f"{api}/documents/{document}/")
        return client.get(f"{api}/annotations/", {"document": document, "page_size": 1000})

    measure(
        "page data: documents/{id}/ + annotations?document=&page_size=1000",
        [page_data] * args.repeat,
        results,
        expect=200,
    )
    measure_count(project, user, results)
    created = []

    def create(sentence):
        body = {
            "sentence": sentence,
            "claim_type": claim_type,
            "verification_status": "mostly_true",
            "rationale": "Bench.",
            "sources": [{"url": "https://evidence.example/bench", "stance": "supports"}],
        }
        response = client.post(f"{api}/annotations/", body, content_type="application/json")
        if response.status_code == 201:
            created.append(response.json())
        return response

    def create_plain(sentence):
        body = {"sentence": sentence, "claim_type": claim_type, "rationale": "Bench."}
        response = client.post(f"{api}/annotations/", body, content_type="application/json")
        if response.status_code == 201:
            created.append(response.json())
        return response

    Annotation.objects.filter(annotator=user, rationale="Bench.").delete()
    try:
        measure(
            "POST annotations/ (no source)",
            [lambda s=s: create_plain(s) for s in sentences],
            results,
            expect=201,
        )
        Annotation.objects.filter(pk__in=[item["id"] for item in created]).delete()
        created.clear()
        measure(
            "POST annotations/ (with a source)",
            [lambda s=s: create(s) for s in sentences],
            results,
            expect=201,
        )

        def update(item):
            response = client.patch(
                f"{api}/annotations/{item['id']}/",
                {"verification_status": "false", "rationale": "Bench, updated."},
                content_type="application/json",
                HTTP_IF_MATCH=f'"{item["version"]}"',
            )
            item["version"] = response.json()["version"]
            return response

        measure(
            "PATCH annotations/{id}/ (If-Match)",
            [lambda item=item: update(item) for item in created],
            results,
            expect=200,
        )

        def review(item):
            return client.post(
                f"{api}/annotations/{item['id']}/review/",
                {"decision": "approve"},
                content_type="application/json",
                HTTP_IF_MATCH=f'"{item["version"]}"',
            )

        measure(
            "POST annotations/{id}/review/ (If-Match)",
            [lambda item=item: review(item) for item in created],
            results,
            expect=200,
        )
        measure_bulk(client, project, user, claim_type, results, repeat=min(args.repeat, 5))
    finally:
        Annotation.objects.filter(pk__in=[item["id"] for item in created]).delete()
        Annotation.objects.filter(annotator=user, rationale="Bench bulk.").delete()
    print(json.dumps(results))


def measure_bulk(client, project, user, claim_type, results, *, repeat, size=500):
    """POST annotations/bulk/ with ``size`` whole-sentence annotations, on fresh sentences.

    Each round uses sentences the bench user has not annotated, then deletes what it made.
    """
    from annotations.models import Annotation, Sentence

    taken = Annotation.objects.filter(annotator=user).values("sentence")
    free = list(
        Sentence.objects.filter(document__project=project)
        .exclude(pk__in=taken)
        .order_by("document", "index")
        .values_list("id", flat=True)[:size]
    )
    body = {
        "annotations": [
            {"sentence": pk, "claim_type": claim_type, "rationale": "Bench bulk."} for pk in free
        ]
    }

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, queries = [], 0
    for _ in range(repeat):
        Annotation.objects.filter(annotator=user, rationale="Bench bulk.").delete()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(
                "/api/v1/annotations/bulk/", body, content_type="application/json"
            )
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 201, response.content[:500]
        queries = max(queries, len(captured))
    median = statistics.median(timings)
    results[f"POST annotations/bulk/ ({len(free)} annotations)"] = {
        "requests": repeat,
        "median_ms": round(median, 1),
        "p95_ms": round(max(timings), 1),
        "queries": queries,
        "annotations_per_s": round(len(free) / median * 1000),
    }


def measure_count(project, user, results, repeat=5):
    """What the project-wide list would pay per page for an exact count, and what it pays."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annotations.api.pagination import COUNT_LIMIT
    from annotations.models import Annotation

    rows = Annotation.objects.for_user(user).filter(project=project).order_by()
    for name, count in (
        ("COUNT(*) of the project's annotations (not run by the API)", rows.count),
        (
            f"bounded count of the list (at most {COUNT_LIMIT + 1:,} rows)",
            rows.values("pk")[: COUNT_LIMIT + 1].count,
        ),
    ):
        timings = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection):
                started = time.perf_counter()
                value = count()
                timings.append((time.perf_counter() - started) * 1000)
        results[name] = {
            "requests": repeat,
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(max(timings), 1),
            "queries": 1,
            "rows": value,
        }


if __name__ == "__main__":
    main()
