"""The agreement figures as people read them: bands in words, one row per document, CSV.

The figures themselves are ``annotations.agreement``'s, the very dict the API answers;
this module only groups them for the agreement page, its CSV and the dashboard.
"""

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from annotations.agreement import agreement_rows, coded_documents, compute_agreement
from annotations.models import Document

# Krippendorff (2004), Content Analysis: An Introduction to Its Methodology, 2nd ed., p. 241:
# rely on variables with alpha >= .800; use those between .667 and .800 only for tentative
# conclusions.
RELIABLE = 0.800
TENTATIVE = 0.667


class Band(StrEnum):
    RELIABLE = "reliable"
    TENTATIVE = "tentative"
    UNRELIABLE = "unreliable"
    UNDEFINED = "undefined"

    @property
    def meaning(self) -> str:
        return BAND_MEANINGS[self]


BAND_MEANINGS = {
    Band.RELIABLE: "Reliable: alpha ≥ .800",
    Band.TENTATIVE: "Tentative conclusions only: .667 ≤ alpha < .800",
    Band.UNRELIABLE: "Unreliable: alpha < .667",
    Band.UNDEFINED: "Cannot be computed: fewer than two coders, or no variation",
}


def band(alpha: float | None) -> Band:
    """Krippendorff's reading of an alpha."""
    if alpha is None:
        return Band.UNDEFINED
    if alpha >= RELIABLE:
        return Band.RELIABLE
    return Band.TENTATIVE if alpha >= TENTATIVE else Band.UNRELIABLE


@dataclass(frozen=True)
class DocumentAgreement:
    """One document's headline figures, from the same computation as the project's."""

    id: int
    title: str
    annotators: list[str]
    units: int
    claim_type_alpha: float | None
    verdict_alpha: float | None
    verdict_units: int
    exact_f1: float | None
    overlap_f1: float | None

    @property
    def band(self) -> Band:
        return band(self.claim_type_alpha)


def agreement_by_document(user, project) -> list[DocumentAgreement]:
    """Agreement per document of ``project`` that two annotators or more coded.

    Four queries whatever the project's size: the rows of ``agreement_rows``, the
    assignments and the titles. Coders are chosen by ``coded_documents``, as for the API.
    Least agreement first (undefined last), so the documents that need a second look lead.
    """
    sentences, rows = agreement_rows(user, project)
    rows_of = defaultdict(list)
    for row in rows:
        rows_of[row.document].append(row)
    coded, _ = coded_documents(project, sentences, rows)
    documents = [d for d in coded if len(d.annotators) >= 2]
    titles = dict(
        Document.objects.filter(pk__in=[d.id for d in documents]).values_list("pk", "title")
    )
    result = []
    for document in documents:
        figures = compute_agreement([document], rows_of[document.id])  # basis unused here
        result.append(
            DocumentAgreement(
                id=document.id,
                title=titles.get(document.id, ""),
                annotators=figures["annotators"],
                units=figures["units"],
                claim_type_alpha=figures["claim_type"]["alpha"],
                verdict_alpha=figures["verification_status"]["alpha"],
                verdict_units=figures["verification_status"]["units"],
                exact_f1=figures["spans"]["exact_f1"],
                overlap_f1=figures["spans"]["overlap_f1"],
            )
        )
    result.sort(key=_least_agreement_first)
    return result


def _least_agreement_first(row: DocumentAgreement):
    alpha = row.claim_type_alpha
    return (alpha is None, alpha if alpha is not None else 0.0, row.title, row.id)


def pairs(figures: dict) -> list[dict]:
    """The claim-type and span figures of each pair of annotators, side by side."""
    spans = {(p["a"], p["b"]): p for p in figures["spans"]["pairwise"]}
    return [
        {**pair, "spans": spans.get((pair["a"], pair["b"]), {})}
        for pair in figures["claim_type"]["pairwise"]
    ]


CSV_COLUMNS = (
    "document_id",
    "document",
    "figure",
    "annotator_a",
    "annotator_b",
    "claim_type",
    "value",
    "units",
)


def csv_rows(figures: dict, documents: list[DocumentAgreement], scope: Document | None = None):
    """The figures as tidy rows (one number each) under ``CSV_COLUMNS``.

    ``scope`` is the document the figures are about (blank cells: the whole project);
    ``documents`` adds one block of rows per document.
    """
    doc_id, title = (scope.pk, scope.title) if scope is not None else ("", "")

    def row(figure, value, units="", a="", b="", claim_type=""):
        return (doc_id, title, figure, a, b, claim_type, "" if value is None else value, units)

    claim, verdict, spans = figures["claim_type"], figures["verification_status"], figures["spans"]
    yield row("claim_type_alpha", claim["alpha"], figures["units"])
    yield row("verdict_alpha", verdict["alpha"], verdict["units"])
    yield row("span_exact_f1", spans["exact_f1"])
    yield row("span_overlap_f1", spans["overlap_f1"])
    for pair in pairs(figures):
        names = {"a": pair["a"], "b": pair["b"]}
        yield row("pair_percent", pair["percent"], pair["units"], **names)
        yield row("pair_kappa", pair["kappa"], pair["units"], **names)
        yield row("pair_span_exact_f1", pair["spans"].get("exact_f1"), **names)
        yield row("pair_span_overlap_f1", pair["spans"].get("overlap_f1"), **names)
    for slug, value in claim["by_claim_type"].items():
        yield row("specific_agreement", value, claim_type=slug)
    yield row("specific_agreement", claim["no_claim"], claim_type="no-claim")
    for document in documents:
        cells = (document.id, document.title)
        yield (
            *cells,
            "claim_type_alpha",
            "",
            "",
            "",
            _blank(document.claim_type_alpha),
            document.units,
        )
        yield (
            *cells,
            "verdict_alpha",
            "",
            "",
            "",
            _blank(document.verdict_alpha),
            document.verdict_units,
        )
        yield (*cells, "span_overlap_f1", "", "", "", _blank(document.overlap_f1), "")


def _blank(value):
    return "" if value is None else value
