"""Convert offsets counted by browsers into Python's code points.

Python indexes strings by code point; JavaScript's ``String.length`` and the DOM's
selection offsets count UTF-16 code units, so a character outside the Basic Multilingual
Plane (most emoji) counts 2 there and 1 here. doccano can also count grapheme clusters
("Count grapheme clusters as one character"), where ``e`` + a combining accent, or a family
emoji joined by zero-width joiners, count 1. Every offset after such a character differs,
so an import must convert before it slices.
"""

from bisect import bisect_left

import regex

CODE_POINTS = "code-points"
UTF16 = "utf-16"
GRAPHEMES = "graphemes"
UNITS = (UTF16, CODE_POINTS, GRAPHEMES)


class OffsetConverter:
    """Maps offsets in ``unit`` into code-point offsets of ``text`` (None: not a boundary)."""

    def __init__(self, text: str, unit: str):
        if unit not in UNITS:
            raise ValueError(f"unknown offset unit {unit!r}")
        self.length = len(text)
        self.utf16_starts = None  # where each code point starts, in UTF-16 code units
        self.grapheme_starts = None  # where each grapheme cluster starts, in code points
        if unit == UTF16 and any(ord(char) > 0xFFFF for char in text):
            self.utf16_starts, position = [], 0
            for char in text:
                self.utf16_starts.append(position)
                position += 2 if ord(char) > 0xFFFF else 1
            self.utf16_starts.append(position)
        elif unit == GRAPHEMES:
            self.grapheme_starts = [match.start() for match in regex.finditer(r"\X", text)]
            self.grapheme_starts.append(len(text))

    def to_code_points(self, offset: int) -> int | None:
        if self.utf16_starts is not None:
            index = bisect_left(self.utf16_starts, offset)
            found = index < len(self.utf16_starts) and self.utf16_starts[index] == offset
            return index if found else None  # not found: inside a surrogate pair, or beyond
        if self.grapheme_starts is not None:
            in_range = 0 <= offset < len(self.grapheme_starts)
            return self.grapheme_starts[offset] if in_range else None
        return offset if 0 <= offset <= self.length else None
