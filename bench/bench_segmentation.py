"""Compare sentence segmenters on the news gold set: boundary precision/recall/F1 and speed.

Run from the repository root:  .venv/bin/python bench/bench_segmentation.py [--errors]

Every candidate gets the same paragraphs (one per line, as production does) through
``annotations.segmentation.split``, so the table compares only the libraries' decisions
inside a paragraph. Throughput is measured on the gold texts repeated to about 1 MB, in
CPU time.
"""

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import blingfire  # noqa: E402
import pysbd  # noqa: E402
from syntok import segmenter as syntok  # noqa: E402

from annotations import segmentation  # noqa: E402
from tests.data import segmentation_gold  # noqa: E402

CORPUS_BYTES = 1_000_000
_pysbd = pysbd.Segmenter(language="en", clean=False)


def pysbd_starts(paragraph: str) -> list[int]:
    """pysbd returns strings; find each one in the paragraph to get its offset."""
    starts, cursor = [], 0
    for piece in _pysbd.segment(paragraph):
        found = paragraph.find(piece.strip(), cursor)
        if found >= 0:
            starts.append(found)
            cursor = found + len(piece.strip())
    return starts


def syntok_starts(paragraph: str) -> list[int]:
    return [sentence[0].offset for part in syntok.analyze(paragraph) for sentence in part]


def blingfire_starts(paragraph: str) -> list[int]:
    """The original ctypes wrapper (x86-64 binaries only, imports numpy)."""
    return [start for start, _ in blingfire.text_to_sentences_and_offsets(paragraph)[1]]


def alone(starts):
    return lambda text: segmentation.split(text, starts)


def with_news_rules(starts):
    return lambda text: segmentation.split(
        text, lambda paragraph: segmentation.news_rules(paragraph, starts(paragraph))
    )


CANDIDATES = {
    "pysbd 0.3.4": alone(pysbd_starts),
    "syntok 1.4.4": alone(syntok_starts),
    "blingfire 0.1.8": alone(blingfire_starts),
    "livekit-blingfire 1.2.0": alone(segmentation.blingfire_starts),
    "pysbd + news rules": with_news_rules(pysbd_starts),
    "syntok + news rules": with_news_rules(syntok_starts),
    "**livekit-blingfire + news rules** (production `segment()`)": segmentation.segment,
}


def throughput(segment, corpus: str) -> float:
    """MB of UTF-8 text per CPU second, best of five runs (one when slow).

    CPU time, not wall time: the machine is shared, and CPU time does not count the waits.
    """
    best = float("inf")
    for _ in range(5):
        began = time.process_time()
        segment(corpus)
        best = min(best, time.process_time() - began)
        if best > 2:
            break
    return len(corpus.encode("utf-8")) / 1e6 / best


def main(show_errors: bool) -> None:
    golds = segmentation_gold.load_all()
    sample = "\n".join(gold.text for gold in golds)
    corpus = "\n".join([sample] * (CORPUS_BYTES // len(sample.encode("utf-8")) + 1))
    sentences = sum(len(gold.spans) for gold in golds)
    inside = sum(len(segmentation_gold.boundaries(gold.spans)) for gold in golds)
    print(f"gold: {sentences} sentences, {inside} boundaries inside paragraphs")
    print(f"throughput corpus: {len(corpus.encode('utf-8')) / 1e6:.2f} MB\n")
    print("| segmenter | precision | recall | F1 | F1 wire story | errors | MB/s (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    wire_story = golds[-1:]
    for name, segment in CANDIDATES.items():
        result = segmentation_gold.score_all(segment)
        wire = segmentation_gold.score_all(segment, wire_story)
        speed = throughput(segment, corpus)
        print(
            f"| {name} | {result.precision:.3f} | {result.recall:.3f} | {result.f1:.3f} "
            f"| {wire.f1:.3f} | {len(result.errors)} | {speed:.2f} |"
        )
        if show_errors:
            for error in result.errors:
                print(f"    {error}")
    print()
    story = (ROOT / "annotations" / "demo" / "kcpd-ice-arrest.txt").read_text("utf-8")
    for layout, text in (
        ("one paragraph per line", story),
        ("a single paragraph", story.replace("\n", " ")),
    ):
        document = text * (5_000_000 // len(text.encode("utf-8")))
        began = time.process_time()
        segmentation.segment(document)
        seconds = time.process_time() - began
        print(f"production segment() on a 5 MB document, {layout}: {seconds:.2f} CPU s")


if __name__ == "__main__":
    main(show_errors="--errors" in sys.argv)
