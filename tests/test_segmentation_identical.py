"""The segmenter's speed-ups change nothing: every text gets the sentences, offsets and
paragraph numbers the previous implementation (``tests/segmentation_reference.py``) gave it.

``news_rules`` and ``paragraphs`` are compared on their own as well, with every position of
a paragraph proposed as a sentence start, so each veto is checked where BlingFire would
never propose one too.
"""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations import segmentation
from tests import segmentation_reference as reference
from tests.data import segmentation_gold

DEMO = Path(__file__).resolve().parent.parent / "annotations" / "demo" / "kcpd-ice-arrest.txt"

# What the news rules and the offsets look at: titles in odd cases and positions (the
# characters IGNORECASE folds onto ASCII letters among them), dates and numbers, quotes
# closing a question, attributions, continuations, datelines, runs of spaces, line breaks.
PIECES = st.sampled_from(
    [
        "Mr.", "mR. ", "MRS. ", "Sens. ", "Capt. ", "xSt. ", "(Dr. ", "\u201cRev. ", "'Lt. ",
        "\u017ft. ", "\u212aSt. ", "\u0130", "\u0131", "Ste.", "St.", "Jan. 5", "Sept. 12",
        "No. 3", "nos. 12", "Dec.", '?" ', "!\u201d ", "?' ", "?\u2019 ", "!'", " said",
        "Jane Smith said ", "Dr. Jane Doe asked. ", "The Rev. Al Green replied ", "and ",
        ", ", "; ", ") ", "] ", "} ", "abc1 ", "\u00e9tude ", "e. ", "KANSAS CITY, Mo. (AP) -- ",
        "LONDON \u2014 ", "ST. LOUIS (KCTV/AP) \u2013 ", "WASHINGTON - ", "U.S. ", "a.m. ",
        "He said. ", "She left. ", "Why? ", "Stop! ", "3.5% ", "$2.5 million. ", "kcmo.gov. ",
        "            ", "\t", "\u00a0", "\u200b", "\u3000", " ", ". ", "... ", "\n", "\r\n",
        "\r", "\n\n", " \n \n", "\u2028", "\u2029", "\v", "\f", "\x1c", "\x85", "\U0001d400",
    ]
)  # fmt: skip
TEXTS = st.lists(st.one_of(st.text(max_size=8), PIECES), max_size=60).map("".join)
LINES = TEXTS.map(lambda text: "".join(" " if c in segmentation.BREAKS else c for c in text))


def assert_same_segments(text: str) -> None:
    assert segmentation.segment(text) == reference.segment(text)


@settings(max_examples=1500, deadline=None)
@given(TEXTS)
def test_every_text_gets_the_sentences_it_got_before(text):
    assert_same_segments(text)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_paragraphs_are_the_lines_they_were(text):
    assert list(segmentation.paragraphs(text)) == list(reference.paragraphs(text))


@settings(max_examples=800, deadline=None)
@given(LINES)
def test_news_rules_keep_and_drop_the_starts_they_did_at_every_position(paragraph):
    starts = range(len(paragraph) + 1)
    assert segmentation.news_rules(paragraph, starts) == reference.news_rules(paragraph, starts)


def test_the_gold_set_and_the_demo_story_are_segmented_as_before():
    texts = [gold.text for gold in segmentation_gold.load_all()]
    demo = DEMO.read_text("utf-8")
    for text in [*texts, demo, demo.replace("\n", " "), demo.replace("\n", "\r\n")]:
        assert_same_segments(text)
        paragraph = text.replace("\n", " ")
        starts = range(len(paragraph) + 1)
        assert segmentation.news_rules(paragraph, starts) == reference.news_rules(paragraph, starts)


@pytest.mark.parametrize("separator", ["\n", " ", "\n\n  "])
def test_a_long_document_is_segmented_as_before(separator):
    story = DEMO.read_text("utf-8").replace("\n", separator)
    assert_same_segments(story * 40)
