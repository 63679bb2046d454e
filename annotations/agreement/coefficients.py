"""The coefficients themselves, on numpy arrays; ``None`` wherever one is undefined.

Krippendorff's alpha comes from the ``krippendorff`` package. Cohen's kappa, specific
agreement and span F1 are a few lines of arithmetic on counts, written out here because
the libraries that have them (scikit-learn, statsmodels) would bring scipy and more along
for one formula each; ``tests/test_agreement.py`` checks kappa against published worked
examples and the others on cases computed by hand.

Arrays of reliability data are coders x units, holding a value code per cell and ``nan``
where the coder gave no value for the unit.
"""

from collections.abc import Collection, Mapping, Sequence

import krippendorff
import numpy as np

Span = tuple[int, int]  # (start, end)


def krippendorff_alpha(data: np.ndarray, level: str) -> float | None:
    """Alpha at ``level`` ("nominal", "ordinal", …), or None when it is undefined.

    Undefined: no unit has values from two coders, or the paired values are all the same
    (alpha is then 0/0: no disagreement observed, none expected). Units with one value
    cannot be paired and are dropped first, so that they cannot widen the value domain.
    """
    if data.size == 0:
        return None
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    data = data[:, pairable]
    values = data[~np.isnan(data)]
    if np.unique(values).size < 2:
        return None
    value = float(krippendorff.alpha(reliability_data=data, level_of_measurement=level))
    return value if np.isfinite(value) else None


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float | None:
    """Cohen's kappa of two coders' value codes over the same units (1-d int arrays).

    ``(p_o - p_e) / (1 - p_e)``, with ``p_e`` from each coder's own marginal
    distribution; None without units or when both used one and the same value
    (``p_e = 1``).
    """
    n = a.size
    if n == 0:
        return None
    categories, codes = np.unique(np.concatenate([a, b]), return_inverse=True)
    size = categories.size
    p_a = np.bincount(codes[:n], minlength=size) / n
    p_b = np.bincount(codes[n:], minlength=size) / n
    expected = float(p_a @ p_b)
    if np.isclose(expected, 1.0):
        return None
    observed = float(np.mean(a == b))
    return (observed - expected) / (1.0 - expected)


def specific_agreement(counts: np.ndarray) -> np.ndarray:
    """Per category, how often a coder who chose it was joined by another: one value each.

    ``counts`` is units x categories, how many coders gave each category to each unit.
    Uebersax's (1982) generalisation of specific (positive) agreement to many coders:
    ``sum_i n_ik (n_ik - 1) / sum_i n_ik (n_i - 1)``, i.e. among all ordered pairs of
    coders of a unit where the first chose k, the share where the second chose k too. For
    two coders it is ``2 * both / (n_a + n_b)``. ``nan`` for a category no pairable unit
    received.
    """
    per_unit = counts.sum(axis=1, keepdims=True)
    agreeing = (counts * (counts - 1)).sum(axis=0)
    possible = (counts * (per_unit - 1)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(possible > 0, agreeing / np.maximum(possible, 1), np.nan)


def span_f1(
    a: Mapping[int, Collection[Span]], b: Mapping[int, Collection[Span]]
) -> tuple[float | None, float | None]:
    """(exact, overlap) F1 of two coders' spans, given per sentence id as (start, end).

    Exact: a span matches only a span with the same start and end; F1 is then
    ``2 * matches / (n_a + n_b)``. Overlap: a span matches any span of the other coder in
    the same sentence that shares at least one character; recall is the share of a's spans
    matched, precision the share of b's, F1 their harmonic mean. Either coder may be the
    reference: both are symmetric in a and b. None when neither coder has a span.
    """
    n_a = sum(len(spans) for spans in a.values())
    n_b = sum(len(spans) for spans in b.values())
    if not n_a + n_b:
        return None, None
    exact = matched_a = matched_b = 0
    for sentence, spans_a in a.items():
        spans_b = b.get(sentence)
        if not spans_b:
            continue
        exact += len(set(spans_a) & set(spans_b))
        matched_a += sum(any(overlaps(x, y) for y in spans_b) for x in spans_a)
        matched_b += sum(any(overlaps(y, x) for x in spans_a) for y in spans_b)
    recall = matched_a / n_a if n_a else 0.0
    precision = matched_b / n_b if n_b else 0.0
    overlap = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return 2 * exact / (n_a + n_b), overlap


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def mean(values: Sequence[float | None]) -> float | None:
    """The mean of the defined values; None when there are none."""
    defined = [value for value in values if value is not None]
    return sum(defined) / len(defined) if defined else None
