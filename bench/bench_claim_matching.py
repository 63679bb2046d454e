"""Time "Seen before" lookups (``similar_claims``) in a project with many claims.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fc_claim_matching \
        .venv/bin/python bench/bench_claim_matching.py --claims 20000 --annotations 100000
    DATABASE_URL=sqlite:///bench/bench.sqlite3 \
        .venv/bin/python bench/bench_claim_matching.py --claims 10000 --annotations 50000

Builds (once; a second run with the same shape reuses it) a project with ``--claims``
claims from the evaluation set's beat templates — thousands of near-misses that differ in
a number, a place or a date, the hard case for retrieval — and ``--annotations``
annotations linked to them, all with bulk inserts. Then it looks up ``--lookups``
sentences, each a rewritten repeat of a random claim (attribution added or moved, numbers
respelled, embedded in a longer sentence), and prints p50/p95/max milliseconds, the
queries per lookup and how often the repeated claim came first. "cold" clears the
in-process cache of analysed texts before every lookup; "warm" keeps it, as a long-running
server process would.
"""

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import setup_django  # noqa: E402

SENTENCES_PER_DOCUMENT = 500


CITIES = """Abilene Akron Albany Amarillo Ames Anchorage Asheville Athens Atlanta Augusta Austin
Bakersfield Baltimore Billings Birmingham Bismarck Boise Boston Boulder Buffalo Burlington
Camden Casper Charleston Charlotte Cheyenne Chicago Cincinnati Cleveland Columbus Dallas
Dayton Denver Detroit Dubuque Duluth Durham Eugene Evansville Fargo Flint Fresno Gary
Greenville Hartford Helena Houston Independence Indianapolis Jackson Joplin Knoxville Laredo
Lawrence Lexington Lincoln Louisville Lubbock Madison Memphis Miami Milwaukee Minneapolis
Mobile Nashville Newark Norfolk Oakland Ogden Olathe Omaha Orlando Peoria Phoenix Pittsburgh
Portland Providence Provo Raleigh Reno Richmond Rochester Sacramento Salem Salina Savannah
Scranton Seattle Sedalia Spokane Springfield Stockton Syracuse Tacoma Tampa Toledo Topeka
Trenton Tucson Tulsa Wichita Yonkers""".split()  # noqa: SIM905
STATES = """Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida
Georgia Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Michigan
Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania
Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming""".split()  # noqa: SIM905
FIRST = """Ana Ben Carla Dev Elena Farid Gwen Hugo Iris Jonas Keiko Luis Mara Nils Olga
Pete""".split()  # noqa: SIM905
LAST = """Abbott Bauer Chen Diaz Eriksen Fofana Gupta Hale Ivanov Jensen Kowalski Lopez
Moreau""".split()  # noqa: SIM905
MONTHS = """January February March April May June July August September October
November""".split()  # noqa: SIM905


def claim_texts(count: int, seed: int = 9) -> list[str]:
    """Distinct claims from the evaluation set's templates, with a newsroom's spread of
    places and people: the pool's seven cities and five people would make every claim
    share its names with thousands of others, which no real project does."""
    from tests.claim_matching_set import fill

    rng = random.Random(seed)
    people = [f"{first} {last}" for first in FIRST for last in LAST]
    texts: set[str] = set()
    while len(texts) < count:
        texts.add(fill(rng, states=STATES, cities=CITIES, months=MONTHS, people=people))
    return sorted(texts)


def build(claims: int, annotations: int) -> "object":
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from annotations import services
    from annotations.claims.normalize import canonical_text
    from annotations.models import Annotation, Claim, Project

    slug = f"bench-claims-v3-{claims}x{annotations}"
    project = Project.objects.filter(slug=slug).first()
    if project and project.claims.count() == claims and project.annotations.count() == annotations:
        return project
    if project:
        Annotation.objects.filter(project=project).delete()
        project.delete()
    owner, _ = get_user_model().objects.get_or_create(username="bench-claims-owner")
    project = services.create_project(name=f"Bench claims {claims}", slug=slug, owner=owner)
    claim_type = project.claim_types.first()
    texts = claim_texts(claims)
    started = time.perf_counter()
    with transaction.atomic():
        rows = Claim.objects.bulk_create(
            (Claim(project=project, text=t, normalized_text=canonical_text(t)) for t in texts),
            batch_size=2000,
        )
    documents = -(-annotations // SENTENCES_PER_DOCUMENT)
    made = 0
    for number in range(documents):
        n = min(SENTENCES_PER_DOCUMENT, annotations - made)
        picks = [rows[(made + k) % len(rows)] for k in range(n)]
        text = "\n".join([f"Claims story number {number}."] + [claim.text for claim in picks])
        with transaction.atomic():
            document = services.import_document(
                project=project,
                data=services.DocumentInput(title=f"Claims story {number}", text=text),
                created_by=owner,
            )
            sentences = list(document.sentences.all())[1:]
            Annotation.objects.bulk_create(
                (
                    Annotation(
                        project=project,
                        document=document,
                        sentence=s,
                        start=s.start,
                        end=s.end,
                        quote=s.text,
                        claim_type=claim_type,
                        annotator=owner,
                        claim=claim,
                    )
                    for s, claim in zip(sentences, picks, strict=False)
                ),
                batch_size=2000,
            )
        made += n
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"built {slug} in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return project


def rewrite(text: str, rng: random.Random) -> str:
    """A repeat as another outlet would print it."""
    body = text.rstrip(".")
    choice = rng.randrange(4)
    if choice == 0:
        return f"{body}, {rng.choice(['officials', 'a spokeswoman', 'the report'])} said."
    if choice == 1:
        return f"Officials said on Tuesday that {body[0].lower()}{body[1:]}."
    if choice == 2:
        return f"{body}, a figure critics on the council have disputed for months."
    return body.replace("%", " percent").replace(" million", "m dollars").replace("$", "") + "."


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20000)
    parser.add_argument("--annotations", type=int, default=100000)
    parser.add_argument("--lookups", type=int, default=300)
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from annotations.claims.normalize import analyze
    from annotations.claims.search import similar_claims
    from annotations.models import Claim

    project = build(args.claims, args.annotations)
    rng = random.Random(5)
    claims = list(Claim.objects.filter(project=project).values_list("pk", "text"))
    sample = [rng.choice(claims) for _ in range(args.lookups)]
    queries = [(pk, rewrite(text, rng)) for pk, text in sample]
    results = {"database": connection.vendor, "claims": len(claims), "lookups": len(queries)}
    results["annotations"] = project.annotations.count()
    for mode in ("cold", "warm"):
        for _, text in queries[:20]:  # connection and planner warm-up
            similar_claims(project, text)
        timings, counts, first = [], [], 0
        for pk, text in queries:
            if mode == "cold":
                analyze.cache_clear()
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                found = similar_claims(project, text)
                timings.append((time.perf_counter() - started) * 1000)
            counts.append(len(captured))
            first += bool(found) and found[0][0].pk == pk
        timings.sort()
        results[mode] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
            "max_ms": round(timings[-1], 1),
            "queries": max(counts),
            "repeat_first": round(first / len(queries), 3),
        }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
