"""The canonical form: one way to write a number, a date, an amount, and no attribution."""

import pytest

from annotations.claims.normalize import analyze, canonical_text, strip_attribution


def facts(text):
    return analyze(text).facts


@pytest.mark.parametrize(
    "text",
    [
        "Unemployment fell to 4.2% in March.",
        "Unemployment fell to 4.2 percent in March.",
        "Unemployment fell to 4.2 per cent in March.",
    ],
)
def test_percentages_are_written_one_way(text):
    assert ("pct", "4.2") in facts(text)


@pytest.mark.parametrize(
    "text",
    [
        "The council approved $3.5 million for cameras.",
        "The council approved 3.5m dollars for cameras.",
        "The council approved $3,500,000 for cameras.",
        "The council approved 3.5 million dollars for cameras.",
    ],
)
def test_amounts_are_written_one_way(text):
    assert ("qty", "3500000") in facts(text)
    assert "$3500000" in canonical_text(text).split()


@pytest.mark.parametrize(
    "text",
    [
        "The law took effect Jan. 1.",
        "The law took effect January 1st.",
        "The law took effect 1 Jan.",
    ],
)
def test_dates_are_written_one_way(text):
    assert {("date", "01-01"), ("month", "1")} <= facts(text)


def test_numbers_in_words_are_read():
    assert ("qty", "240") in facts("The hospital laid off two hundred forty employees.")
    assert ("qty", "63") in facts("Police made sixty-three arrests.")
    assert ("qty", "10000") in facts("The mayor promised ten thousand trees.")


def test_a_year_is_a_quantity_and_a_day_of_the_month_is_not():
    assert facts("The voters approved the bond on April 4, 2024.") == {
        ("month", "4"),
        ("date", "04-04"),
        ("qty", "2024"),
    }


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Crime fell 12% last year, Mayor Alan Brooks said.", "Crime fell 12% last year"),
        ("Crime fell 12% last year, said Mayor Alan Brooks.", "Crime fell 12% last year"),
        (
            "Mayor Alan Brooks claimed on Tuesday that crime fell 12% last year.",
            "crime fell 12% last year.",
        ),
        ("According to police, crime fell 12% last year.", "crime fell 12% last year."),
        ("Crime, the mayor said, fell 12% last year.", "Crime  fell 12% last year."),
    ],
)
def test_attribution_is_stripped_wherever_it_stands(text, claim):
    assert strip_attribution(text) == claim


def test_newsroom_paraphrase_maps_onto_one_word():
    assert canonical_text("The jobless rate dropped.") == canonical_text(
        "The unemployment rate fell."
    )
    assert canonical_text("Prices went up.") == canonical_text("Prices rose.")


def test_names_are_facts_but_titles_and_sentence_words_around_them_are_not():
    names = {value for kind, value in facts("Sen. Linda Cho visited St. Joseph.") if kind == "name"}
    assert names == {"linda", "cho", "saint", "joseph"}


def test_negation_is_kept_per_clause():
    clauses = analyze(
        "Flooding caused $75 million in damage, and fields will not be planted."
    ).clauses
    assert [negated for _, negated in clauses] == [False, True]
