"""The sentence-segmentation gold set and its boundary score.

Gold files hold one sentence per line and a blank line between paragraphs. The text they
stand for joins a paragraph's sentences with one space and paragraphs with one newline, so a
gold file can be checked against the real document it was made from (the demo wire story).
"""

from itertools import pairwise
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).resolve().parent
GOLD_FILES = (DATA / "segmentation_gold.txt", DATA / "segmentation_gold.kcpd.txt")


class Gold(NamedTuple):
    text: str
    spans: list[tuple[int, int, int]]  # (start, end, paragraph)


class Score(NamedTuple):
    precision: float
    recall: float
    f1: float
    errors: list[str]  # readable description of every missed or spurious boundary


def load(path: Path) -> Gold:
    paragraphs = [p.split("\n") for p in path.read_text("utf-8").strip("\n").split("\n\n")]
    spans, position = [], 0
    for number, sentences in enumerate(paragraphs):
        for sentence in sentences:
            spans.append((position, position + len(sentence), number))
            position += len(sentence) + 1  # the joining space, or the newline after the last
    text = "\n".join(" ".join(sentences) for sentences in paragraphs)
    return Gold(text, spans)


def load_all() -> list[Gold]:
    return [load(path) for path in GOLD_FILES]


def boundaries(spans) -> set[int]:
    """End offsets of sentences that are followed by another sentence in the same paragraph.

    Paragraph ends are left out: every segmenter gets them right for free (a line break always
    ends a sentence), and counting them would flatter the score.
    """
    return {end for (_, end, para), (_, _, next_para) in pairwise(spans) if para == next_para}


def score_all(segment, golds: list[Gold] | None = None) -> Score:
    """Micro-averaged boundary score of ``segment(text) -> [(start, end, paragraph), ...]``."""
    hits = found = expected = 0
    errors: list[str] = []
    for gold in golds or load_all():
        predicted, wanted = boundaries(list(segment(gold.text))), boundaries(gold.spans)
        hits += len(predicted & wanted)
        found += len(predicted)
        expected += len(wanted)
        errors += [
            f"{kind}: {gold.text[max(0, at - 40) : at]!r} | {gold.text[at : at + 30]!r}"
            for kind, wrong in (("missed", wanted - predicted), ("spurious", predicted - wanted))
            for at in sorted(wrong)
        ]
    precision = hits / found if found else 1.0
    recall = hits / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return Score(precision, recall, f1, errors)
