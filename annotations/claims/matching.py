"""How much a sentence repeats a claim: ``score(query, candidate)`` in 0..1, and ``rank``.

The score is a weighted overlap of canonical tokens (``normalize.analyze``) — mostly how
much of the claim the sentence contains, so that a claim embedded in a longer sentence
still scores high — plus RapidFuzz's token-sort ratio for small edits. The rule that makes
it safe for fact-checkers comes first: if a key fact of the claim (a quantity, percentage,
date, month, weekday, name or office holder) is absent from the sentence *and* the sentence
has another fact of that kind instead, or one of them is negated and the other is not, the
two are different claims and the score is 0. A verdict on 4.2% says nothing about 5.1%.
"""

from collections.abc import Iterable

from rapidfuzz import fuzz

from annotations.claims.normalize import Analysis, analyze

MIN_SCORE = 0.35  # below this a suggestion is noise, not a possible repeat
MISSING_FACT_PENALTY = 0.85  # per key fact of the claim the sentence does not mention
FACT_KINDS = ("qty", "pct", "date", "month", "weekday", "role")


def _weight(token: str) -> float:
    if token[0] in "$@" or token[0].isdigit() or token.endswith("%"):
        return 2.0
    return 1.0


def _total(tokens: Iterable[str]) -> float:
    return sum(_weight(t) for t in tokens)


def _of_kind(analysis: Analysis, kind: str) -> set[str]:
    return {value for k, value in analysis.facts if k == kind}


def _negation_disagrees(query: Analysis, claim: Analysis) -> bool:
    """Only the clauses of the sentence that state (part of) the claim count: "…, and many
    fields will not be planted" does not negate "flooding caused $75 million in damage"."""
    relevant = [
        negated
        for tokens, negated in query.clauses
        if len(tokens & claim.tokens) >= max(1, 0.34 * len(tokens))
    ]
    return claim.negated != any(relevant)


def conflicts(query: Analysis, claim: Analysis) -> str | None:
    """The kind of key fact on which the two texts disagree, or None."""
    for kind in FACT_KINDS:
        wanted, given = _of_kind(claim, kind), _of_kind(query, kind)
        if wanted - given and given - wanted:
            return kind
    names_missing = {n for n in _of_kind(claim, "name") if n not in query.tokens}
    names_extra = {n for n in _of_kind(query, "name") if n not in claim.tokens}
    if names_missing and names_extra:
        return "name"
    if _negation_disagrees(query, claim):
        return "negation"
    return None


def score(query: str | Analysis, candidate: str | Analysis) -> float:
    """How likely ``query`` repeats the claim ``candidate``, from 0 (different) to 1."""
    q = analyze(query) if isinstance(query, str) else query
    c = analyze(candidate) if isinstance(candidate, str) else candidate
    if not q.tokens or not c.tokens or conflicts(q, c):
        return 0.0
    common = _total(q.tokens & c.tokens)
    coverage = common / _total(c.tokens)
    precision = common / _total(q.tokens)
    similarity = fuzz.token_sort_ratio(q.canonical, c.canonical) / 100
    value = 0.6 * coverage + 0.2 * precision + 0.2 * similarity
    missing = sum(1 for kind, fact in c.facts if kind != "name" and (kind, fact) not in q.facts)
    return round(value * MISSING_FACT_PENALTY**missing, 4)


def rank(query: str, candidates: Iterable[tuple[object, str]], *, limit: int = 5) -> list:
    """``(key, score)`` for the best ``limit`` candidates (``(key, text)`` pairs), best first.

    Candidates that score below ``MIN_SCORE`` are left out: suggesting them would only
    teach reviewers to ignore the list.
    """
    q = analyze(query)
    scored = [(key, score(q, analyze(text))) for key, text in candidates]
    scored = [pair for pair in scored if pair[1] >= MIN_SCORE]
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]
