"""The segmenter as it was before its speed-ups (commit 97272bf), kept as the oracle that
``tests/test_segmentation_identical.py`` holds ``annotations.segmentation`` to: the same
boundaries, offsets and paragraph numbers for every text. Do not change it."""

import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from livekit import blingfire

# The line breaks of str.splitlines(): \r\n, \n, \r, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029.
LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
NOT_SPACE = re.compile(r"\S")

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
QUESTION_OR_EXCLAMATION_QUOTE = re.compile(r"[?!][\"\u201d\u2019']$")


class SentenceSpan(NamedTuple):
    start: int
    end: int
    paragraph: int


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of each non-blank line, without its surrounding whitespace."""
    position = 0
    for match in [*LINE_BREAK.finditer(text), None]:
        line_end = match.start() if match else len(text)
        first = NOT_SPACE.search(text, position, line_end)
        if first:
            yield first.start(), position + len(text[position:line_end].rstrip())
        position = match.end() if match else line_end


def split(text: str, sentence_starts: Callable[[str], Iterable[int]]) -> list[SentenceSpan]:
    """Cut each paragraph where ``sentence_starts(paragraph)`` says a sentence begins.

    A library's offsets are only used as cut points, so its quirks can move a boundary but
    never lose or duplicate text.
    """
    spans = []
    for number, (start, end) in enumerate(paragraphs(text)):
        cuts = sorted({cut for cut in sentence_starts(text[start:end]) if 0 < cut < end - start})
        for piece_start, piece_end in zip([0, *cuts], [*cuts, end - start], strict=True):
            piece = text[start + piece_start : start + piece_end]
            stripped = piece.strip()
            if stripped:
                lead = start + piece_start + len(piece) - len(piece.lstrip())
                spans.append(SentenceSpan(lead, lead + len(stripped), number))
    return spans


def blingfire_starts(paragraph: str) -> list[int]:
    return [start for start, _ in blingfire.text_to_sentences_with_offsets(paragraph)[1]]


def news_rules(paragraph: str, starts: Iterable[int]) -> list[int]:
    """Drop the proposed sentence starts that news style shows to be wrong."""
    dateline = DATELINE.match(paragraph)
    kept = []
    for start in starts:
        before = paragraph[max(0, start - 12) : start].rstrip()  # bounded: long paragraphs
        after = paragraph[start : start + 80]
        vetoed = (
            (dateline is not None and start <= dateline.end())
            or TITLE.search(before)
            or (BEFORE_NUMBER.search(before) and after[:1].isdigit())
            or CONTINUATION.match(after)
            or (QUESTION_OR_EXCLAMATION_QUOTE.search(before) and ATTRIBUTION.match(after))
        )
        if not vetoed:
            kept.append(start)
    return kept


def segment(text: str) -> list[SentenceSpan]:
    return split(text, lambda paragraph: news_rules(paragraph, blingfire_starts(paragraph)))
