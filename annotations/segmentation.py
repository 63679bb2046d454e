"""Split text into sentences with exact character offsets.

Wire copy has one paragraph per line, so every line break ends a paragraph and a sentence
never crosses one (a blank line is not a paragraph). Inside a paragraph, BlingFire (the
``livekit-blingfire`` build: native wheels for every major platform) proposes the
boundaries and ``news_rules`` vetoes the ones that news style makes wrong. Offsets index the
given text: ``text[s.start:s.end]`` is the sentence without surrounding whitespace, and every
non-whitespace character belongs to exactly one sentence. Measurements: ``bench/README.md``.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from livekit import blingfire

# The line breaks of str.splitlines() (and \r\n, which counts as one).
BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")

# "KANSAS CITY, Mo. (KCTV/AP) --", "ST. LOUIS (AP) —", "LONDON —": never a sentence of its own.
DATELINE = re.compile(
    r"[A-Z][A-Z.'\u2019]+(?: [A-Z][A-Z.'\u2019]+)*(?:, [A-Z][\w.]*(?: [A-Z][\w.]*)*)?"
    r"(?: \([^()]{1,40}\))? ?(?:--|\u2014|\u2013|-) "
)
# Titles and place prefixes come before a name: "Sen. Josh Hawley", "Lt. Gov.", "ST. LOUIS".
TITLE = re.compile(
    r"(?<![^\s(\"\u201c\u2018'])"  # not inside a word, e-mail or host name ("kcmo.gov.")
    r"(?:Mr|Mrs|Ms|Dr|Sen|Sens|Rep|Reps|Gov|Lt|Gen|Col|Maj|Capt|Sgt|Cpl|Adm|Cmdr|Det|"
    r"Supt|Atty|Prof|Rev|Msgr|Fr|Hon|St|Ste|Ft|Mt)\.$",
    re.IGNORECASE,
)
# AP style abbreviates a month only before a day, and "No." only before a number.
BEFORE_NUMBER = re.compile(r"\b(?:Jan|Feb|Aug|Sept?|Oct|Nov|Dec|No|Nos)\.$", re.IGNORECASE)
# The next words continue the sentence: 'fell... and was caught', '"Why?" she asked'.
CONTINUATION = re.compile(r"[a-z]+\b|[,;:)\]}]")
# '"Is this how we treat families?" Cleaver asked.' is one sentence.
ATTRIBUTION = re.compile(
    r"(?:[A-Z][\w.'\u2019-]* ){1,4}(?:said|says|asked|asks|added|adds|told|wrote|shouted|replied)\b"
)
# ... after a question or exclamation closed by a quote: ``?"``, ``!\u201d``, ``?'``.
CLOSING_QUOTES = frozenset("\"\u201d\u2019'")
# The characters CONTINUATION can start with (``news_rules`` skips it on any other).
CONTINUATION_FIRST = frozenset("abcdefghijklmnopqrstuvwxyz,;:)]}")


class SentenceSpan(NamedTuple):
    start: int
    end: int
    paragraph: int


_span = tuple.__new__  # a NamedTuple's own __new__ is a Python call; same object


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each non-blank line, without its surrounding whitespace.

    ``str.splitlines`` runs in C: scanning a 50 KB paragraph for line breaks with a regular
    expression took longer than the rest of this function.
    """
    position = 0
    for line in text.splitlines(keepends=True):
        length = len(line)
        # Every line but perhaps the last ends with its break; the break is the last
        # character (two for \r\n), since splitlines cuts at each one.
        body = line[:-2] if line.endswith("\r\n") else line[:-1] if line[-1] in BREAKS else line
        stripped = body.strip()
        if stripped:
            first = position + body.index(stripped[0])  # all before it is whitespace
            yield first, first + len(stripped)
        position += length


def split(text: str, sentence_starts: Callable[[str], Iterable[int]]) -> list[SentenceSpan]:
    """Cut each paragraph where ``sentence_starts(paragraph)`` says a sentence begins.

    A library's offsets are only used as cut points, so its quirks can move a boundary but
    never lose or duplicate text.
    """
    spans = []
    append = spans.append
    for number, (start, end) in enumerate(paragraphs(text)):
        paragraph = text[start:end]
        length = end - start
        cuts = sorted({cut for cut in sentence_starts(paragraph) if 0 < cut < length})
        for piece_start, piece_end in zip([0, *cuts], [*cuts, length], strict=True):
            piece = paragraph[piece_start:piece_end]
            stripped = piece.strip()
            if stripped:
                lead = start + piece_start + piece.index(stripped[0])  # whitespace before it
                append(_span(SentenceSpan, (lead, lead + len(stripped), number)))
    return spans


def blingfire_starts(paragraph: str) -> list[int]:
    return [start for start, _ in blingfire.text_to_sentences_with_offsets(paragraph)[1]]


def news_rules(paragraph: str, starts: Iterable[int]) -> list[int]:
    """Drop the proposed sentence starts that news style shows to be wrong.

    Each pattern is tried only where its first or last character can match: most starts
    follow a full stop and begin a capitalised word, so most need one search (``TITLE``).
    """
    dateline = DATELINE.match(paragraph)
    dateline_end = dateline.end() if dateline is not None else -1
    kept = []
    for start in starts:
        if start <= dateline_end:
            continue
        before = paragraph[max(0, start - 12) : start].rstrip()  # bounded: long paragraphs
        after = paragraph[start : start + 80]
        last = before[-1:]
        if last == ".":
            # A TITLE match ends the text: four letters at most, the full stop and the
            # character the look-behind reads are all in the last six.
            if TITLE.search(before[-6:]) or (after[:1].isdigit() and BEFORE_NUMBER.search(before)):
                continue
        elif last in CLOSING_QUOTES and before[-2:-1] in ("?", "!") and ATTRIBUTION.match(after):
            continue
        if after[:1] in CONTINUATION_FIRST and CONTINUATION.match(after):
            continue
        kept.append(start)
    return kept


def segment(text: str) -> list[SentenceSpan]:
    return split(text, lambda paragraph: news_rules(paragraph, blingfire_starts(paragraph)))
