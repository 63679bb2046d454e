"""Time and memory of the agreement figures on synthetic projects (no database).

Each document is coded by every annotator; each annotator claims about 40 % of the
sentences, agreeing with the first annotator's claim type most of the time, and gives a
verdict to most claims. Prints, per size, the CPU seconds of ``compute_agreement`` (best
of three) and the peak memory it allocated (tracemalloc, which numpy reports to).

    .venv/bin/python bench/bench_agreement.py
"""

import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

import django

django.setup()

from annotations.agreement import (  # noqa: E402
    VERDICT_SCALE,
    AnnotationRow,
    compute_agreement,
    with_all_annotators,
)

SLUGS = ["statistic", "quote", "causal", "comparison", "prediction", "law-policy", "event"]
SIZES = [(10, 100, 2), (100, 100, 3), (100, 1000, 2), (100, 1000, 5)]


def synthetic(documents: int, sentences: int, annotators: int, seed: int = 1):
    rng = random.Random(seed)
    pairs, rows = [], []
    for d in range(documents):
        for s in range(sentences):
            sentence = d * sentences + s
            pairs.append((sentence, d))
            if rng.random() > 0.4:
                continue
            slug = rng.choice(SLUGS)
            for a in range(annotators):
                if rng.random() < 0.1:
                    continue  # this annotator saw no claim
                chosen = slug if rng.random() < 0.8 else rng.choice(SLUGS)
                status = rng.choice([*VERDICT_SCALE, "unverified", "misleading"])
                start = 0 if rng.random() < 0.7 else rng.randrange(1, 20)
                rows.append(
                    AnnotationRow(
                        len(rows) + 1, f"user{a}", d, sentence, start, 80, chosen, str(status)
                    )
                )
    return pairs, rows


def measure(documents, sentences, annotators):
    pairs, rows = synthetic(documents, sentences, annotators)
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        figures = compute_agreement(with_all_annotators(pairs, rows), rows)
        best = min(best, time.process_time() - started)
    tracemalloc.start()
    compute_agreement(with_all_annotators(pairs, rows), rows)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return len(rows), figures, best, peak


def main():
    columns = ["documents x sentences x annotators", "annotations", "alpha (claim type)"]
    print("| " + " | ".join([*columns, "CPU s", "peak MB"]) + " |")
    print("|---|---:|---:|---:|---:|")
    for size in SIZES:
        count, figures, seconds, peak = measure(*size)
        alpha = figures["claim_type"]["alpha"]
        label = " x ".join(f"{n:,}" for n in size)
        print(f"| {label} | {count:,} | {alpha} | {seconds:.3f} | {peak / 1e6:.1f} |")


if __name__ == "__main__":
    main()
