"""Agreement figures: the coefficients against published values, then hand-made documents.

The reference data is Krippendorff's own example of 4 coders x 12 units with missing values
("Computing Krippendorff's Alpha-Reliability", 2011, p. 8): alpha is 0.743 nominal, 0.815
ordinal and 0.849 interval there.
"""

import math

import numpy as np
import pytest

from annotations import services
from annotations.agreement import (
    VERDICT_SCALE,
    AnnotationRow,
    CodedDocument,
    agreement_for,
    compute_agreement,
    main_annotations,
)
from annotations.agreement.coefficients import (
    cohen_kappa,
    krippendorff_alpha,
    span_f1,
    specific_agreement,
)
from annotations.models import Role
from tests.factories import UserFactory, make_annotation, make_document

NAN = math.nan
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


@pytest.mark.parametrize(
    ("level", "expected"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)]
)
def test_alpha_matches_krippendorffs_published_example(level, expected):
    assert round(krippendorff_alpha(np.array(KRIPPENDORFF_2011), level), 3) == expected


def reference_as_documents():
    """The reference data as annotations: unit j is a one-sentence document j, coded by the
    coders who gave it a value; value v is claim type ``type-v`` and the v-th verdict."""
    coders = ["a", "b", "c", "d"]
    documents, rows = [], []
    for unit in range(12):
        coded = [c for c, values in zip(coders, KRIPPENDORFF_2011, strict=True) if values[unit] > 0]
        documents.append(CodedDocument(unit, (100 + unit,), frozenset(coded)))
        for coder in coded:
            value = int(KRIPPENDORFF_2011[coders.index(coder)][unit])
            rows.append(
                AnnotationRow(
                    id=len(rows) + 1,
                    annotator=coder,
                    document=unit,
                    sentence=100 + unit,
                    start=0,
                    end=10,
                    claim_type=f"type-{value}",
                    verification_status=VERDICT_SCALE[value - 1].value,
                )
            )
    return documents, rows


def test_reference_data_through_the_whole_computation():
    documents, rows = reference_as_documents()

    figures = compute_agreement(documents, rows)

    assert figures["claim_type"]["alpha"] == 0.743
    assert figures["verification_status"]["alpha"] == 0.815
    # Unit 12 has one value only: it cannot be compared.
    assert figures["units"] == 11
    assert figures["verification_status"]["units"] == 11
    assert figures["annotators"] == ["a", "b", "c", "d"]


# Cohen's kappa, Wikipedia "Cohen's kappa", worked example and the two tables of "same
# percentage, different numbers": (yes-yes, yes-no, no-yes, no-no) -> kappa.
@pytest.mark.parametrize(
    ("table", "expected"),
    [((20, 5, 10, 15), 0.4), ((45, 15, 25, 15), 0.1304), ((25, 35, 5, 35), 0.2593)],
)
def test_cohen_kappa_matches_published_worked_examples(table, expected):
    yes_yes, yes_no, no_yes, no_no = table
    a = np.array([1] * (yes_yes + yes_no) + [0] * (no_yes + no_no))
    b = np.array([1] * yes_yes + [0] * yes_no + [1] * no_yes + [0] * no_no)

    assert round(cohen_kappa(a, b), 4) == expected


def test_cohen_kappa_is_undefined_without_units_or_variation():
    assert cohen_kappa(np.array([], dtype=int), np.array([], dtype=int)) is None
    assert cohen_kappa(np.array([3, 3, 3]), np.array([3, 3, 3])) is None


def test_alpha_is_undefined_without_pairs_or_variation():
    assert krippendorff_alpha(np.array([[1.0, 2.0, NAN]]), "nominal") is None  # one coder
    assert krippendorff_alpha(np.array([[1.0, NAN], [NAN, 2.0]]), "nominal") is None
    # Unpaired units do not count as variation.
    assert krippendorff_alpha(np.array([[1.0, 1.0, 2.0], [1.0, 1.0, NAN]]), "nominal") is None
    assert krippendorff_alpha(np.empty((0, 0)), "nominal") is None


def test_specific_agreement_for_two_coders_is_twice_agreements_over_uses():
    # Units x categories: [both chose 0], [0 and 1], [both chose 1], [1 and 2].
    counts = np.array([[2, 0, 0], [1, 1, 0], [0, 2, 0], [0, 1, 1]])

    assert specific_agreement(counts).round(4).tolist() == [
        round(2 * 1 / (2 + 1), 4),  # category 0: one agreement, used 3 times
        round(2 * 1 / (1 + 3), 4),  # category 1: one agreement, used 4 times
        0.0,
    ]


def test_specific_agreement_is_nan_for_an_unused_category():
    assert np.isnan(specific_agreement(np.array([[2, 0]]))[1])


def test_span_f1_exact_and_overlap():
    # Per sentence id: (start, end) spans.
    a = {1: {(0, 10), (20, 30)}, 2: {(0, 5)}}
    b = {1: {(0, 10), (25, 40)}, 3: {(0, 5)}}

    exact, overlap = span_f1(a, b)

    assert exact == pytest.approx(2 * 1 / 6)
    # a: 2 of 3 spans overlap one of b's; b: 2 of 3. Same start and end in another
    # sentence is no match; touching spans (10 and 10) do not overlap.
    assert overlap == pytest.approx(2 / 3)
    assert span_f1({1: {(0, 10)}}, {1: {(10, 20)}}) == (0.0, 0.0)
    assert span_f1({}, {}) == (None, None)
    assert span_f1(a, {}) == (0.0, 0.0)


def row(pk, *, sentence=1, start=0, end=10, claim_type="statistic"):
    return AnnotationRow(pk, "anna", 1, sentence, start, end, claim_type, "unverified")


def test_main_annotation_is_the_longest_then_the_earliest():
    rows = [
        row(1, start=0, end=5, claim_type="statistic"),
        row(2, start=0, end=30, claim_type="quote"),
        row(3, start=10, end=40, claim_type="causal"),  # as long as 2, made later
        row(4, sentence=2, claim_type="event"),
    ]

    chosen = main_annotations(reversed(rows))

    assert chosen["anna", 1].claim_type == "quote"
    assert chosen["anna", 2].claim_type == "event"


# --- hand-made documents, through real rows ------------------------------------------------


@pytest.fixture
def alex(project):
    user = UserFactory(username="alex")
    services.add_member(project=project, user=user, role=Role.ANNOTATOR)
    return user


def annotate(document, user, index, slug, *, status="unverified", shrink=0):
    """Annotate sentence ``index``; ``shrink`` cuts characters off the start of the span."""
    sentence = document.sentences.get(index=index)
    return make_annotation(
        document,
        user=user,
        sentence_index=index,
        claim_type=document.project.claim_types.get(slug=slug),
        start=sentence.start + shrink,
        end=sentence.end,
        verification_status=status,
    )


def test_two_annotators_agreeing_fully(owner, document, annotator, alex):
    for user in (annotator, alex):
        annotate(document, user, 0, "statistic", status="true")
        annotate(document, user, 1, "quote", status="false")

    figures = agreement_for(owner, document.project, document)

    assert figures["basis"] == "all_annotators"
    assert figures["annotators"] == ["alex", "anna"]
    assert figures["units"] == 4
    assert figures["claim_type"]["alpha"] == 1.0
    assert figures["claim_type"]["pairwise"] == [
        {"a": "alex", "b": "anna", "units": 4, "percent": 100.0, "kappa": 1.0}
    ]
    assert figures["claim_type"]["by_claim_type"] == {"quote": 1.0, "statistic": 1.0}
    assert figures["claim_type"]["no_claim"] == 1.0
    assert figures["verification_status"]["alpha"] == 1.0
    assert figures["verification_status"]["units"] == 2
    assert figures["spans"]["exact_f1"] == 1.0
    assert figures["spans"]["overlap_f1"] == 1.0


def test_two_annotators_disagreeing(owner, document, annotator, alex):
    # anna: statistic, quote, -, quote;  alex: statistic, statistic, -, -.
    annotate(document, annotator, 0, "statistic", status="true")
    annotate(document, annotator, 1, "quote", status="false")
    annotate(document, annotator, 3, "quote", status="misleading")
    annotate(document, alex, 0, "statistic", status="mostly_true", shrink=5)
    annotate(document, alex, 1, "statistic", status="false")

    figures = agreement_for(owner, document.project, document)

    claim = figures["claim_type"]
    # Coincidences: 4 of 8 pairable values disagree; expected disagreement 42/56.
    assert claim["alpha"] == round(1 - 0.5 / 0.75, 3) == 0.333
    # p_o = 2/4; p_e = 1/4 * 2/4 (statistic) + 1/4 * 2/4 (no claim) = 1/4.
    assert claim["pairwise"] == [
        {"a": "alex", "b": "anna", "units": 4, "percent": 50.0, "kappa": 0.333}
    ]
    assert claim["by_claim_type"] == {"quote": 0.0, "statistic": 0.667}
    assert claim["no_claim"] == 0.667
    # Verdicts on sentences 0 (true vs mostly true) and 1 (false, false); misleading is
    # off the scale, so sentence 3 has one verdict at most.
    assert figures["verification_status"]["units"] == 2
    # Ordinal distances with marginals false 2, mostly true 1, true 1: observed 2 * 1 / 4,
    # expected 2 * (2 * 2.25 + 2 * 6.25 + 1 * 1) / 12.
    assert figures["verification_status"]["alpha"] == round(1 - 0.5 / 3, 3) == 0.833
    spans = figures["spans"]
    # anna's 3 spans against alex's 2: sentence 1 matches exactly, sentence 0 overlaps.
    assert spans["pairwise"] == [
        {"a": "alex", "b": "anna", "a_spans": 2, "b_spans": 3, "exact_f1": 0.4, "overlap_f1": 0.8}
    ]
    assert spans["exact_f1"] == 0.4


def test_misleading_and_unchecked_verdicts_are_missing(owner, document, annotator, alex):
    annotate(document, annotator, 0, "statistic", status="misleading")
    annotate(document, alex, 0, "statistic", status="true")
    annotate(document, annotator, 1, "statistic", status="unverifiable")
    annotate(document, alex, 1, "statistic", status="false")
    for user, status in ((annotator, "true"), (alex, "mostly_true")):
        annotate(document, user, 2, "statistic", status=status)
        annotate(document, user, 3, "statistic", status="false")

    figures = agreement_for(owner, document.project, document)

    assert figures["verification_status"]["units"] == 2
    assert figures["verification_status"]["alpha"] == 0.833  # as above: the same verdicts


def test_one_annotator_gives_no_coefficient(owner, document, annotator):
    annotate(document, annotator, 0, "statistic", status="true")

    figures = agreement_for(owner, document.project, document)

    assert figures["annotators"] == ["anna"]
    assert figures["units"] == 0
    assert figures["claim_type"] == {
        "alpha": None,
        "pairwise": [],
        "by_claim_type": {},
        "no_claim": None,
    }
    assert figures["verification_status"]["alpha"] is None
    assert figures["spans"]["exact_f1"] is None


def test_agreeing_on_a_single_value_leaves_alpha_and_kappa_undefined(
    owner, document, annotator, alex
):
    for user in (annotator, alex):
        for index in range(4):
            annotate(document, user, index, "event", status="true")

    figures = agreement_for(owner, document.project, document)

    assert figures["claim_type"]["alpha"] is None
    assert figures["claim_type"]["pairwise"][0]["percent"] == 100.0
    assert figures["claim_type"]["pairwise"][0]["kappa"] is None
    assert figures["claim_type"]["by_claim_type"] == {"event": 1.0}
    assert figures["verification_status"] == {
        "alpha": None,
        "units": 4,
        "scale": ["false", "mostly_false", "mixed", "mostly_true", "true"],
    }


def test_several_annotations_of_a_sentence_count_as_the_longest(owner, document, annotator, alex):
    annotate(document, annotator, 0, "statistic", shrink=20)
    annotate(document, annotator, 0, "quote")  # the whole sentence: this one counts
    annotate(document, annotator, 1, "causal")
    annotate(document, alex, 0, "quote")
    annotate(document, alex, 1, "causal")

    figures = agreement_for(owner, document.project, document)

    assert figures["claim_type"]["alpha"] == 1.0
    assert figures["claim_type"]["by_claim_type"] == {"causal": 1.0, "quote": 1.0}
    # Spans count every annotation: anna's short one has no exact partner.
    assert figures["spans"]["pairwise"][0]["exact_f1"] == round(2 * 2 / 5, 3)
    assert figures["spans"]["pairwise"][0]["overlap_f1"] == 1.0


def test_project_compares_each_document_among_its_own_annotators(
    owner, project, document, annotator, alex, reviewer
):
    # Document 1: anna and alex agree. Document 2: alex and rita disagree; anna never
    # opened it, so its sentences are no "no claim" of hers.
    second = make_document(project, text="One claim here. Another one there.")
    annotate(document, annotator, 0, "statistic")
    annotate(document, alex, 0, "statistic")
    annotate(second, alex, 0, "statistic")
    annotate(second, reviewer, 1, "statistic")

    figures = agreement_for(owner, project)

    assert figures["annotators"] == ["alex", "anna", "rita"]
    assert figures["documents"] == 2
    assert figures["units"] == 4 + 2
    pairs = {(p["a"], p["b"]): p for p in figures["claim_type"]["pairwise"]}
    assert set(pairs) == {("alex", "anna"), ("alex", "rita")}
    assert pairs["alex", "anna"]["units"] == 4
    assert pairs["alex", "anna"]["percent"] == 100.0
    assert pairs["alex", "rita"]["units"] == 2
    assert pairs["alex", "rita"]["percent"] == 0.0


def test_other_projects_annotations_never_count(
    owner, document, annotator, alex, other_project, outsider
):
    annotate(document, annotator, 0, "statistic")
    annotate(document, alex, 0, "statistic")
    make_annotation(make_document(other_project, title="Elsewhere"), user=outsider)

    figures = agreement_for(owner, document.project)

    assert figures["annotators"] == ["alex", "anna"]
    assert figures["documents"] == 1


@pytest.mark.parametrize("documents", [1, 4])
def test_rows_are_read_in_three_queries(owner, project, alex, documents, django_assert_num_queries):
    for n in range(documents):
        document = make_document(project, text=f"Claim {n} one. Claim {n} two.")
        annotate(document, alex, 0, "statistic")
        annotate(document, owner, 1, "event")

    with django_assert_num_queries(3):  # sentences, annotations, assignments
        figures = agreement_for(owner, project)

    assert figures["units"] == 2 * documents
