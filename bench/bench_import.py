"""Measure document import: one POST per document, and the same documents as one batch.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fc_bench \
        .venv/bin/python bench/bench_import.py [--documents 20] [--sentences 500] [--runs 3] \
        [--peers ../shared/peers/workload.py]

The corpus has the shape of the side-by-side benchmark's (``../shared/peers/``): 20
documents of 500 sentences, ~1 MB; ``--peers`` takes that benchmark's own texts
(``make_corpus`` of its ``workload.py``, same seed). Requests go through Django's whole
stack in-process (the test ``Client``: routing, middleware, token auth, DRF, the
database; ``DEBUG`` off), with ``POST /api/v1/documents/`` exactly as ``workload.py``
sends it: one JSON body per document, then one JSON list of all of them into a second
project. Each run imports
into fresh projects (deleted afterwards). Prints one JSON object: the best and median
of ``--runs`` runs, the median milliseconds per document, the CPU seconds of this
process (the web worker's share; the database's is not counted), and the queries one
import and one batch run (Django's count: savepoints and the token lookup included).
"""

import argparse
import importlib.util
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import sentence, setup_django


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def corpus(documents: int, sentences: int, peers: str | None = None) -> list[str]:
    """One paragraph of ``sentences`` sentences per document, as the peers corpus has."""
    if peers:
        spec = importlib.util.spec_from_file_location("peers_workload", peers)
        workload = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(workload)
        return [doc["text"] for doc in workload.make_corpus(documents, sentences, 20240601)]
    rng = random.Random(20240601)
    return [" ".join(sentence(rng) for _ in range(sentences)) for _ in range(documents)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--sentences", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peers", help="the side-by-side benchmark's workload.py: its texts")
    args = parser.parse_args()
    setup_django()

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from annotations import services
    from annotations.models import Project

    owner, _ = get_user_model().objects.get_or_create(username="bench-importer")
    token, _ = Token.objects.get_or_create(user=owner)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_HOST="localhost")
    client.get("/api/v1/projects/")  # the first request of a process imports the views
    texts = corpus(args.documents, args.sentences, args.peers)
    megabytes = sum(len(text.encode()) for text in texts) / 1e6

    def fresh_project(name: str):
        Project.objects.filter(slug=name).delete()
        return services.create_project(name=name, slug=name, owner=owner)

    def post(body):
        response = client.post("/api/v1/documents/", body, content_type="application/json")
        assert response.status_code == 201, response.content[:300]
        return response

    def queries(body) -> int:
        with CaptureQueriesContext(connection) as captured:
            post(body)
        return len(captured)

    single, per_document, batch, cpu_single, cpu_batch = [], [], [], [], []
    for run in range(args.runs):
        project = fresh_project(f"bench-import-{run}")
        bodies = [
            json.dumps({"project": project.pk, "title": f"doc-{n:04d}", "text": text})
            for n, text in enumerate(texts)
        ]
        started, cpu = time.perf_counter(), cpu_seconds()
        for body in bodies:
            began = time.perf_counter()
            post(body)
            per_document.append(time.perf_counter() - began)
        single.append(time.perf_counter() - started)
        cpu_single.append(cpu_seconds() - cpu)

        target = fresh_project(f"bench-import-batch-{run}")
        body = json.dumps(
            [
                {"project": target.pk, "title": f"doc-{n:04d}", "text": t}
                for n, t in enumerate(texts)
            ]
        )
        started, cpu = time.perf_counter(), cpu_seconds()
        created = post(body).json()["created"]
        batch.append(time.perf_counter() - started)
        cpu_batch.append(cpu_seconds() - cpu)
        assert len(created) == args.documents
        assert {d["sentence_count"] for d in created} == {args.sentences}
        if run == 0:  # counted once, outside the timings
            counted = fresh_project("bench-import-queries")
            one, *rest = [
                {"project": counted.pk, "title": f"q-{n}", "text": t} for n, t in enumerate(texts)
            ]
            single_queries = queries(json.dumps(one))
            batch_queries = queries(json.dumps(rest))
            counted.delete()
        project.delete()
        target.delete()

    print(
        json.dumps(
            {
                "documents": args.documents,
                "sentences_per_document": args.sentences,
                "megabytes": round(megabytes, 2),
                "runs": args.runs,
                "one_post_per_document_s": {
                    "best": round(min(single), 3),
                    "median": round(statistics.median(single), 3),
                    "per_document_median_ms": round(statistics.median(per_document) * 1000, 1),
                    "cpu_s_median": round(statistics.median(cpu_single), 3),
                    "queries_per_document": single_queries,
                },
                "batch_post_s": {
                    "best": round(min(batch), 3),
                    "median": round(statistics.median(batch), 3),
                    "cpu_s_median": round(statistics.median(cpu_batch), 3),
                    "queries": batch_queries,
                },
                "corpus": "peers workload.py" if args.peers else "bench/corpus.py sentences",
            }
        )
    )


if __name__ == "__main__":
    main()
