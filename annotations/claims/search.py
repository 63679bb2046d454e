"""Find the claims of a project that a sentence may repeat ("Seen before").

Two steps behind one function. First the database fetches a few dozen candidates by their
canonical form (``Claim.normalized_text``): on PostgreSQL by full-text search on the GIN
index of migration 0002, elsewhere (SQLite) by a scan for the sentence's key facts and
names, keeping the claims that share the most canonical tokens. Then
``matching.rank`` scores each candidate against the sentence, applying the rule that
key facts must agree, and keeps the best. No network, no model: all of it runs in the
database and in this process.
"""

from django.db import connection
from django.db.models import Q, TextField, Value
from django.db.models.functions import Concat

from annotations.claims import matching
from annotations.claims.normalize import analyze
from annotations.models import Claim

CANDIDATES = 60  # how many the re-ranker scores

# Rows are found by the sentence's key facts and names OR-ed (few claims share them, so
# the GIN index on the stored vector of migration 0002 narrows the scan) and ranked by
# all its canonical words, so that a reworded or embedded repeat still comes first. A
# sentence without facts or names is matched on all its words. pg_trgm was measured and
# left out: see the README, "Seen before: how claims are matched".
POSTGRES_CANDIDATES = """
SELECT id, text
  FROM annotations_claim,
       (SELECT replace(plainto_tsquery('simple', %(filter)s)::text, '&', '|')::tsquery,
               replace(plainto_tsquery('simple', %(text)s)::text, '&', '|')::tsquery)
       AS q(filter, ranking)
 WHERE project_id = %(project)s AND search_vector @@ q.filter
 ORDER BY ts_rank(search_vector, q.ranking, 1) DESC
 LIMIT %(limit)s
"""


def _postgres_candidates(project_id: int, analysis) -> list[tuple[int, str]]:
    key = analysis.key_tokens or analysis.tokens
    params = {
        "project": project_id,
        "filter": " ".join(sorted(key)),
        "text": analysis.canonical,
        "limit": CANDIDATES,
    }
    with connection.cursor() as cursor:
        cursor.execute(POSTGRES_CANDIDATES, params)
        return cursor.fetchall()


def _scanned_candidates(project_id: int, analysis) -> list[tuple[int, str]]:
    """The portable path (SQLite): the database scans the project's canonical forms for
    the sentence's key facts and names (a ``LIKE`` per word, in C), and the rows it keeps
    are ordered here by the share of their words the sentence has.

    Linear in the number of claims, but only the matching rows reach Python; a sentence
    without facts or names is matched on all its words, as on PostgreSQL.
    """
    padded = Concat(Value(" "), "normalized_text", Value(" "), output_field=TextField())
    words = Q()
    for token in sorted(analysis.key_tokens or analysis.tokens):
        words |= Q(padded__contains=f" {token} ")
    rows = (
        Claim.objects.filter(project_id=project_id)
        .alias(padded=padded)
        .filter(words)
        .values_list("id", "text", "normalized_text")
    )
    tokens = analysis.tokens
    scored = []
    for claim_id, text, normalized in rows.iterator(chunk_size=2000):
        claim_words = set(normalized.split())
        shared = len(claim_words & tokens)
        scored.append((shared / len(claim_words) + 0.25 * shared / len(tokens), claim_id, text))
    scored.sort(reverse=True)
    return [(claim_id, text) for _, claim_id, text in scored[:CANDIDATES]]


def similar_claims(project, text: str, limit: int = 5, user=None) -> list[tuple[Claim, float]]:
    """Up to ``limit`` claims of ``project`` that ``text`` may repeat, best first, each
    with its score in 0..1 and ``appearance_count`` / ``first_seen`` annotated (of the
    appearances ``user`` may see, if given).

    Two queries when something is found (candidates, then the claims), one otherwise.
    """
    analysis = analyze(text or "")
    if not analysis.tokens or limit < 1:
        return []
    project_id = getattr(project, "pk", project)
    if connection.vendor == "postgresql":
        candidates = _postgres_candidates(project_id, analysis)
    else:
        candidates = _scanned_candidates(project_id, analysis)
    ranked = matching.rank(text, candidates, limit=limit)
    if not ranked:
        return []
    claims = Claim.objects.with_appearances(user).in_bulk([claim_id for claim_id, _ in ranked])
    return [(claims[claim_id], score) for claim_id, score in ranked if claim_id in claims]
