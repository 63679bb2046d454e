"""Split text into sentences with exact character offsets.

A sentence never crosses a paragraph break (a blank line). Offsets index the given text:
``text[s.start:s.end]`` is the sentence without leading or trailing whitespace.
"""

import re
from typing import NamedTuple

import pysbd

PARAGRAPH_BREAK = re.compile(r"\n[ \t\f\v\u00a0]*\n\s*")


class SentenceSpan(NamedTuple):
    start: int
    end: int
    paragraph: int


_segmenter = pysbd.Segmenter(language="en", clean=False)


def paragraphs(text: str):
    """Yield (start, end) of each paragraph, split at blank lines."""
    position = 0
    for match in PARAGRAPH_BREAK.finditer(text):
        yield position, match.start()
        position = match.end()
    yield position, len(text)


def segment(text: str) -> list[SentenceSpan]:
    spans: list[SentenceSpan] = []
    paragraph_number = 0
    for para_start, para_end in paragraphs(text):
        chunk = text[para_start:para_end]
        if not chunk.strip():
            continue
        cursor = 0
        for piece in _segmenter.segment(chunk):
            stripped = piece.strip()
            if not stripped:
                continue
            found = chunk.find(stripped, cursor)
            if found < 0:
                continue
            spans.append(
                SentenceSpan(
                    para_start + found, para_start + found + len(stripped), paragraph_number
                )
            )
            cursor = found + len(stripped)
        paragraph_number += 1
    return spans
