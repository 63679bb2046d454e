import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.segmentation import SentenceSpan, segment
from tests.data import segmentation_gold

DEMO = Path(__file__).resolve().parent.parent / "annotations" / "demo" / "kcpd-ice-arrest.txt"

# Pieces that stress the segmenter and the offsets: every kind of line break, blank lines,
# odd spaces, zero-width and astral characters, and the news punctuation the rules look at.
PIECES = st.sampled_from(
    [
        "\r\n", "\r", "\n", "\n\n", " \n \n", "\u2028", "\u2029", "\v", "\f", "\x85",
        "\t", "\u00a0", "\u200b", "\u3000", " ", "😀", "\U0001d400", ". ", "? ", "! ",
        '." ', '?" ', "... ", "U.S. ", "Sen. ", "Jan. 5", "$2.5 million", "3.5%",
        "help@kcmo.gov. ", "WASHINGTON (AP) — ", "He said. ", "she asked.", "Mr.", "a.m.",
    ]
)  # fmt: skip
TEXTS = st.lists(st.one_of(st.text(), PIECES), max_size=30).map("".join)


def paragraph_of_each_character(text: str) -> list[int | None]:
    """Paragraph number of each character, computed independently: non-blank lines from 0."""
    numbers: list[int | None] = []
    paragraph = 0
    for line in text.splitlines(keepends=True):
        blank = not line.strip()
        numbers += [None if blank else paragraph] * len(line)
        paragraph += 0 if blank else 1
    return numbers


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_sentences_are_exact_stripped_ordered_slices_that_lose_nothing(text):
    spans = segment(text)
    paragraph_of = paragraph_of_each_character(text)
    covered = [0] * len(text)
    previous_end = 0
    for span in spans:
        sentence = text[span.start : span.end]
        assert isinstance(span, SentenceSpan)
        assert previous_end <= span.start < span.end <= len(text)
        assert sentence == sentence.strip()
        assert len(sentence.splitlines()) == 1, "a sentence crossed a paragraph break"
        assert {paragraph_of[i] for i in range(span.start, span.end)} == {span.paragraph}
        for i in range(span.start, span.end):
            covered[i] += 1
        previous_end = span.end
    assert [i for i, char in enumerate(text) if not char.isspace() and covered[i] != 1] == []


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_line_ending_convention_does_not_change_the_sentences(text):
    unix = text.replace("\r\n", "\n").replace("\r", "\n")
    windows = unix.replace("\n", "\r\n")
    as_text = [[t[s.start : s.end] for s in segment(t)] for t in (unix, windows)]
    assert as_text[0] == as_text[1]


def test_gold_set_reaches_boundary_f1_of_at_least_98_percent():
    score = segmentation_gold.score_all(segment)
    assert score.f1 >= 0.98, "\n".join(score.errors)


def test_wire_story_gold_is_the_demo_document_with_every_boundary_right():
    wire_story = segmentation_gold.load(segmentation_gold.GOLD_FILES[-1])
    assert wire_story.text + "\n" == DEMO.read_text("utf-8")
    assert [tuple(span) for span in segment(wire_story.text)] == wire_story.spans


def sentences(text: str) -> list[str]:
    return [text[span.start : span.end] for span in segment(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "KANSAS CITY, MO (KCTV/AP) -- Police say they are looking. The arrest drew fire.",
            ["KANSAS CITY, MO (KCTV/AP) -- Police say they are looking.", "The arrest drew fire."],
        ),
        (
            "ST. LOUIS (AP) — Gov. Mike Parson signed it. He had opposed it.",
            ["ST. LOUIS (AP) — Gov. Mike Parson signed it.", "He had opposed it."],
        ),
        (
            "WASHINGTON (AP) — Sen. Claire Dawson, D-Mo., voted no.",
            ["WASHINGTON (AP) — Sen. Claire Dawson, D-Mo., voted no."],
        ),
    ],
)
def test_dateline_stays_in_the_first_sentence(text, expected):
    assert sentences(text) == expected


def test_us_abbreviation_does_not_end_a_sentence():
    text = "Millan-Vazquez, who is in the U.S. illegally, asked to see a warrant. He was refused."
    assert sentences(text) == [
        "Millan-Vazquez, who is in the U.S. illegally, asked to see a warrant.",
        "He was refused.",
    ]


def test_money_decimals_and_percentages_do_not_end_a_sentence():
    text = "The bill would cost $2.5 million, or 3.5% of the budget. Gas was $1.99 a gallon."
    assert sentences(text) == [
        "The bill would cost $2.5 million, or 3.5% of the budget.",
        "Gas was $1.99 a gallon.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Rep. Emanuel Cleaver condemned the arrest.",
        "The hearing is Sept. 14 at 10 a.m. in Jefferson City.",
        "Lodge No. 99 issued a statement.",
        '"Is this how we treat families?" Cleaver asked.',
        '"Where were the police?" one neighbor asked.',
        "The suspect fled on foot... and was caught two blocks away.",
        "Author J.R.R. Tolkien met President John F. Kennedy at St. Luke's Hospital.",
    ],
)
def test_news_abbreviations_initials_and_attributions_stay_in_one_sentence(text):
    assert sentences(text) == [text]


def test_an_email_address_ending_in_gov_still_ends_the_sentence():
    text = "Email help@kcmo.gov. The city will hold a meeting."
    assert sentences(text) == ["Email help@kcmo.gov.", "The city will hold a meeting."]


@pytest.mark.parametrize("line_break", ["\n", "\r\n", "\r", "\u2028", "\u2029"])
def test_every_line_break_ends_a_sentence_and_starts_a_paragraph(line_break):
    text = f"Here is Smith's full statement:{line_break}There has been much debate"
    assert segment(text) == [
        SentenceSpan(0, 31, 0),
        SentenceSpan(31 + len(line_break), len(text), 1),
    ]


def test_blank_lines_and_whitespace_are_not_paragraphs():
    text = "  First paragraph.  \n\n \t\r\n\u3000\nSecond paragraph.\n\n"
    assert segment(text) == [SentenceSpan(2, 18, 0), SentenceSpan(28, 45, 1)]
    assert segment("") == segment(" \n\r\n\t ") == []


@pytest.mark.parametrize("separator", ["\n", " "], ids=["many paragraphs", "one paragraph"])
def test_a_five_megabyte_document_segments_in_a_few_seconds(separator):
    story = DEMO.read_text("utf-8").replace("\n", separator)
    text = story * (5_000_000 // len(story.encode("utf-8")))
    began = time.perf_counter()
    spans = segment(text)
    assert time.perf_counter() - began < 5
    assert len(spans) > 40_000
