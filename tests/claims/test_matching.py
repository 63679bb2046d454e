"""The rule that makes suggestions safe: key facts must agree, or it is another claim."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.claims.matching import MIN_SCORE, conflicts, rank, score
from annotations.claims.normalize import analyze

CLAIM = "The state's unemployment rate fell to 4.2% in March, Gov. Maria Delgado said."


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("The state's unemployment rate fell to 5.1% in March.", "pct"),
        ("The state's unemployment rate fell to 4.2% in June.", "month"),
        ("The state's unemployment rate did not fall to 4.2% in March.", "negation"),
    ],
)
def test_a_different_percentage_month_or_the_negation_is_another_claim(sentence, kind):
    assert conflicts(analyze(sentence), analyze(CLAIM)) == kind
    assert score(sentence, CLAIM) == 0.0


@pytest.mark.parametrize(
    ("claim", "sentence", "kind"),
    [
        (
            "The council approved a $3.5 million contract.",
            "The council approved a $5 million contract.",
            "qty",
        ),
        (
            "Kansas City recorded 182 homicides in 2023.",
            "Kansas City recorded 128 homicides in 2023.",
            "qty",
        ),
        (
            "Kansas City recorded 182 homicides in 2023.",
            "Kansas City recorded 182 homicides in 2020.",
            "qty",
        ),
        ("The trial began on Nov. 8.", "The trial began on Nov. 18.", "date"),
        (
            "Police made 63 arrests on Friday night.",
            "Police made 63 arrests on Sunday night.",
            "weekday",
        ),
        (
            "Kansas City recorded 182 homicides in 2023.",
            "St. Louis recorded 182 homicides in 2023.",
            "name",
        ),
        (
            "Sen. Mark Whitaker voted against the bill.",
            "Sen. Linda Cho voted against the bill.",
            "name",
        ),
        (
            "The mayor's budget cuts parks by $4 million.",
            "The governor's budget cuts parks by $4 million.",
            "role",
        ),
        ("Police made 63 arrests downtown.", "Police made no arrests downtown.", "negation"),
    ],
)
def test_a_different_number_amount_date_place_or_person_is_another_claim(claim, sentence, kind):
    assert conflicts(analyze(sentence), analyze(claim)) == kind
    assert score(sentence, claim) == 0.0


@pytest.mark.parametrize(
    "sentence",
    [
        "The state's unemployment rate fell to 4.2 percent in March.",
        "In March, the state's jobless rate dropped to 4.2%.",
        "Economists say the state's unemployment rate fell to 4.2% in March, down from 4.5% in "
        "February, but wages did not rise.",
    ],
)
def test_the_same_facts_written_differently_agree(sentence):
    assert conflicts(analyze(sentence), analyze(CLAIM)) is None
    assert score(sentence, CLAIM) > 0.6


def test_a_figure_without_its_unit_does_not_count_as_the_percentage():
    assert score("Crime fell 12 points.", "Crime fell 12%.") < score(
        "Crime fell 12%.", "Crime fell 12%."
    )


def test_a_fact_the_sentence_leaves_out_lowers_the_score_without_ruling_it_out():
    full = score("The state's unemployment rate fell to 4.2% in March.", CLAIM)
    shorter = score("The state's unemployment rate fell to 4.2%.", CLAIM)
    assert 0 < shorter < full


def test_rank_orders_best_first_and_leaves_out_noise():
    candidates = [
        ("near", "The state's unemployment rate fell to 4.5% in February."),
        ("claim", CLAIM),
        ("other", "The zoo welcomed 1.2 million visitors in 2024, a record."),
    ]
    ranked = rank("In March the jobless rate dropped to 4.2%.", candidates)
    assert [key for key, _ in ranked] == ["claim"]
    assert ranked[0][1] >= MIN_SCORE
    assert rank("", candidates) == []


@given(st.text(max_size=300), st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_scores_between_0_and_1_and_a_claim_matches_itself(sentence, claim):
    assert 0.0 <= score(sentence, claim) <= 1.0
    assert score(claim, claim) == (1.0 if analyze(claim).tokens else 0.0)
