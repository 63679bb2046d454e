"""From plain annotation rows to the agreement figures of the API, with no database.

The units are sentences. Each document names the annotators who coded it (the *basis*:
its done assignees when it has assignments, else every annotator who annotated it), and
every one of them gives every sentence of it a value: the claim type of their annotation
of that sentence, or "no claim" when they made none. Sentences of documents that fewer
than two annotators coded cannot be compared and are left out.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations

import numpy as np

from annotations.agreement import coefficients
from annotations.models import VerificationStatus

# The ordinal verdict scale, from false to true. ``misleading`` is not on it: a misleading
# claim may be literally true or false, so it is no degree of truth and counts as missing,
# like the statuses that carry no verdict (unverified, in_progress, unverifiable).
VERDICT_SCALE = (
    VerificationStatus.FALSE,
    VerificationStatus.MOSTLY_FALSE,
    VerificationStatus.MIXED,
    VerificationStatus.MOSTLY_TRUE,
    VerificationStatus.TRUE,
)
_VERDICT_RANK = {status.value: rank for rank, status in enumerate(VERDICT_SCALE)}

COEFFICIENT_DIGITS = 3  # as Krippendorff reports alpha
PERCENT_DIGITS = 1


class Basis(StrEnum):
    """Whose annotations count, as the response states it."""

    ALL_ANNOTATORS = "all_annotators"  # every annotator who annotated the document
    DONE_ASSIGNEES = "done_assignees"  # the assignees whose assignment of it is done
    MIXED = "mixed"  # some documents of the project one way, some the other

    @classmethod
    def of(cls, bases: Collection["Basis"]) -> "Basis":
        """The basis of figures over documents whose own bases are ``bases``."""
        distinct = set(bases)
        if len(distinct) > 1:
            return cls.MIXED
        return distinct.pop() if distinct else cls.ALL_ANNOTATORS


@dataclass(frozen=True)
class AnnotationRow:
    """One annotation, as far as agreement needs it."""

    id: int
    annotator: str
    document: int
    sentence: int
    start: int
    end: int
    claim_type: str
    verification_status: str


@dataclass(frozen=True)
class CodedDocument:
    """A document's sentence ids in reading order, and the annotators who coded all of them."""

    id: int
    sentences: tuple[int, ...]
    annotators: frozenset[str]


def with_all_annotators(
    sentences: Iterable[tuple[int, int]], annotations: Iterable[AnnotationRow]
) -> list[CodedDocument]:
    """Documents coded by everyone who annotated them (``Basis.ALL_ANNOTATORS``).

    ``sentences`` are ``(sentence id, document id)`` pairs in reading order.
    """
    annotators = defaultdict(set)
    for row in annotations:
        annotators[row.document].add(row.annotator)
    return with_annotators(sentences, annotators)


def with_annotators(
    sentences: Iterable[tuple[int, int]], annotators: dict[int, Collection[str]]
) -> list[CodedDocument]:
    """Documents coded by the given annotators per document id (e.g. its done assignees)."""
    by_document = defaultdict(list)
    for sentence, document in sentences:
        by_document[document].append(sentence)
    return [
        CodedDocument(document, tuple(ids), frozenset(annotators.get(document, ())))
        for document, ids in by_document.items()
    ]


def main_annotations(annotations: Iterable[AnnotationRow]) -> dict[tuple[str, int], AnnotationRow]:
    """Each annotator's annotation of each sentence that stands for their value of it.

    When they annotated a sentence several times, the one covering the most characters
    (the claim the sentence is about, rather than a detail of it); of equally long ones,
    the earliest made (lowest id), so the choice never depends on row order.
    """
    chosen: dict[tuple[str, int], AnnotationRow] = {}
    for row in annotations:
        key = (row.annotator, row.sentence)
        current = chosen.get(key)
        if current is None or _rank(row) < _rank(current):
            chosen[key] = row
    return chosen


def _rank(row: AnnotationRow) -> tuple[int, int]:
    return (row.start - row.end, row.id)


def compute_agreement(
    documents: Sequence[CodedDocument],
    annotations: Iterable[AnnotationRow],
    *,
    basis: Basis = Basis.ALL_ANNOTATORS,
) -> dict:
    """Every agreement figure of the API for ``documents``, as a JSON-ready dict.

    Annotations by someone who is not among their document's annotators are ignored (an
    assignee who is not done yet), and so are those of sentences outside ``documents``.
    """
    annotators = sorted(set().union(*(document.annotators for document in documents)))
    compared = [document for document in documents if len(document.annotators) >= 2]
    units = [(document, sentence) for document in compared for sentence in document.sentences]
    unit_index = {sentence: i for i, (_, sentence) in enumerate(units)}
    coders = {document.id: document.annotators for document in compared}
    rows = [
        row
        for row in annotations
        if row.sentence in unit_index and row.annotator in coders.get(row.document, ())
    ]
    coder_index = {name: i for i, name in enumerate(annotators)}

    # Claim types: code 0 is "no claim", the value of every coder of the document unless
    # they annotated the sentence; codes 1.. are the claim type slugs, sorted. Verdicts are
    # ranks on VERDICT_SCALE. nan: not coded (another document's annotators).
    chosen = main_annotations(rows)
    slugs = sorted({row.claim_type for row in chosen.values()})
    slug_code = {slug: code for code, slug in enumerate(slugs, start=1)}
    claim = np.full((len(annotators), len(units)), np.nan)
    verdict = np.full_like(claim, np.nan)
    first = 0
    for document in compared:  # its units are consecutive
        last = first + len(document.sentences)
        for name in document.annotators:
            claim[coder_index[name], first:last] = 0
        first = last
    for (name, sentence), row in chosen.items():
        cell = coder_index[name], unit_index[sentence]
        claim[cell] = slug_code[row.claim_type]
        verdict[cell] = _VERDICT_RANK.get(row.verification_status, np.nan)

    pairs = _pairs(annotators, compared)
    return {
        "basis": str(basis),
        "annotators": annotators,
        "documents": len(compared),
        "units": len(units),
        "claim_type": _claim_type_figures(claim, slugs, pairs, coder_index),
        "verification_status": {
            "alpha": _round(coefficients.krippendorff_alpha(verdict, "ordinal")),
            "units": int(((~np.isnan(verdict)).sum(axis=0) >= 2).sum()),
            "scale": [status.value for status in VERDICT_SCALE],
        },
        "spans": _span_figures(rows, pairs),
    }


def _pairs(annotators: list[str], documents: list[CodedDocument]) -> list[tuple[str, str, set]]:
    """Pairs of annotators who coded at least one document together, with those documents."""
    shared = defaultdict(set)
    for document in documents:
        for a, b in combinations(sorted(document.annotators), 2):
            shared[a, b].add(document.id)
    return [(a, b, shared[a, b]) for a, b in combinations(annotators, 2) if (a, b) in shared]


def _claim_type_figures(claim: np.ndarray, slugs: list[str], pairs, coder_index) -> dict:
    pairwise = []
    for a, b, _ in pairs:
        row_a, row_b = claim[coder_index[a]], claim[coder_index[b]]
        both = ~np.isnan(row_a) & ~np.isnan(row_b)
        values_a, values_b = row_a[both].astype(int), row_b[both].astype(int)
        percent = 100 * float(np.mean(values_a == values_b)) if both.any() else None
        pairwise.append(
            {
                "a": a,
                "b": b,
                "units": int(both.sum()),
                "percent": _round(percent, PERCENT_DIGITS),
                "kappa": _round(coefficients.cohen_kappa(values_a, values_b)),
            }
        )
    counts = np.stack([(claim == code).sum(axis=0) for code in range(len(slugs) + 1)], axis=1)
    specific = coefficients.specific_agreement(counts)
    return {
        "alpha": _round(coefficients.krippendorff_alpha(claim, "nominal")),
        "pairwise": pairwise,
        "by_claim_type": {
            slug: _round(value)
            for slug, value in zip(slugs, specific[1:], strict=True)
            if not np.isnan(value)
        },
        "no_claim": _round(None if np.isnan(specific[0]) else specific[0]),
    }


def _span_figures(rows: list[AnnotationRow], pairs) -> dict:
    # annotator -> document -> sentence -> spans
    spans = defaultdict(lambda: defaultdict(lambda: defaultdict(set)))
    for row in rows:
        spans[row.annotator][row.document][row.sentence].add((row.start, row.end))
    pairwise, exact_values, overlap_values = [], [], []
    for a, b, documents in pairs:
        spans_a = _by_sentence(spans[a], documents)
        spans_b = _by_sentence(spans[b], documents)
        exact, overlap = coefficients.span_f1(spans_a, spans_b)
        exact_values.append(exact)
        overlap_values.append(overlap)
        pairwise.append(
            {
                "a": a,
                "b": b,
                "a_spans": sum(map(len, spans_a.values())),
                "b_spans": sum(map(len, spans_b.values())),
                "exact_f1": _round(exact),
                "overlap_f1": _round(overlap),
            }
        )
    return {
        "measure": "pairwise_f1",
        "exact_f1": _round(coefficients.mean(exact_values)),
        "overlap_f1": _round(coefficients.mean(overlap_values)),
        "pairwise": pairwise,
    }


def _by_sentence(spans_by_document: dict, documents: set[int]) -> dict[int, set]:
    """One annotator's spans per sentence, in ``documents`` only (sentence ids are unique)."""
    merged = {}
    for document in documents:
        merged.update(spans_by_document.get(document, {}))
    return merged


def _round(value: float | None, digits: int = COEFFICIENT_DIGITS) -> float | None:
    return None if value is None else round(float(value), digits)
