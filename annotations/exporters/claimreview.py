"""``claimreview``: schema.org ClaimReview JSON-LD, for publishing fact-checks.

Only annotations with a verdict that fits a rating scale are exported: ``unverifiable``
has no place on a true-to-false scale, and ``unverified``/``in_progress`` are not verdicts.
The output is a JSON array of ClaimReview objects, each with its own ``@context``, so any
one of them can be embedded in a page as it is.

An annotation linked to a claim is published through its claim, judged by the claim's
verdict: one ClaimReview per claim, listing every exported appearance (one per article)
and the first one. Those are collected on the way (a claim's appearances may be in any
document) and written after the annotations that stand alone, which stream as they come.
"""

from collections.abc import Iterable, Iterator

from annotations.exporters.base import ExportContext, Exporter, dumps
from annotations.models import VerificationStatus
from annotations.selectors import ExportRow

BEST_RATING = 5
WORST_RATING = 1

# Our verdicts on schema.org's 1 (worst, false) … 5 (best, true) scale.
RATINGS = {
    VerificationStatus.FALSE: 1,
    VerificationStatus.MOSTLY_FALSE: 2,
    VerificationStatus.MISLEADING: 2,
    VerificationStatus.MIXED: 3,
    VerificationStatus.MOSTLY_TRUE: 4,
    VerificationStatus.TRUE: 5,
}
LABELS = {status.value: status.label for status in VerificationStatus}


class ClaimReviewExporter(Exporter):
    name = "claimreview"
    media_type = "application/ld+json"
    file_extension = "jsonld"
    verification_statuses = frozenset(str(status) for status in RATINGS)
    statuses_by_claim = True
    needs_claims = True
    schema = {
        "type": "array",
        "description": "schema.org ClaimReview objects.",
        "items": {
            "type": "object",
            "required": ["@context", "@type", "claimReviewed", "reviewRating", "itemReviewed"],
            "properties": {
                "@type": {"type": "string", "enum": ["ClaimReview"]},
                "itemReviewed": {
                    "type": "object",
                    "properties": {
                        "appearance": {
                            "description": "The article; a list of them for a claim "
                            "that appears in several.",
                            "oneOf": [
                                {"type": "object"},
                                {"type": "array", "items": {"type": "object"}},
                            ],
                        },
                        "firstAppearance": {"type": "object"},
                    },
                },
            },
        },
    }

    def render(self, rows: Iterable[ExportRow], context: ExportContext) -> Iterator[str]:
        author = {
            "@type": "Organization",
            "name": context.organization_name,
            "url": context.organization_url,
        }
        separator = "["
        claims: dict[int, dict] = {}
        # claim id -> document id -> (first-appearance key, the article): one per article.
        appearances: dict[int, dict[int, tuple]] = {}
        for row in rows:
            if row.claim is None:
                yield separator + dumps(self.claim_review(row, context, author))
                separator = ","
                continue
            claims[row.claim["id"]] = row.claim
            articles = appearances.setdefault(row.claim["id"], {})
            known = articles.get(row.document["id"])
            if known is None or _first_key(row) < known[0]:
                articles[row.document["id"]] = (_first_key(row), self.appearance(row, context))
        for pk in sorted(claims):
            found = sorted(appearances[pk].values(), key=lambda pair: pair[0])
            review = self.claim_review_of_claim(claims[pk], [a for _, a in found], context, author)
            yield separator + dumps(review)
            separator = ","
        yield "[]\n" if separator == "[" else "]\n"

    def appearance(self, row: ExportRow, context: ExportContext) -> dict:
        """The article an annotation appears in, as a schema.org ``NewsArticle``."""
        document = row.document
        appearance = {
            "@type": "NewsArticle",
            "url": document["url"] or context.document_url(document),
            "headline": document["title"],
        }
        if document["publisher"]:
            appearance["publisher"] = {"@type": "Organization", "name": document["publisher"]}
        if document["published_at"]:
            appearance["datePublished"] = document["published_at"][:10]
        return appearance

    def rating(self, status: str, explanation: str = "") -> dict:
        rating = {
            "@type": "Rating",
            "ratingValue": RATINGS[status],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": LABELS[status],
        }
        if explanation:
            rating["ratingExplanation"] = explanation
        return rating

    @staticmethod
    def claim_of(appearance: dict) -> dict:
        """The reviewed ``Claim`` as its (first) appearance states it: who, when."""
        claim = {}
        if "publisher" in appearance:
            claim["author"] = appearance["publisher"]
        if "datePublished" in appearance:
            claim["datePublished"] = appearance["datePublished"]
        return claim

    def claim_review(self, row: ExportRow, context: ExportContext, author: dict) -> dict:
        annotation = row.annotation
        appearance = self.appearance(row, context)
        claim = {"@type": "Claim", "appearance": appearance, **self.claim_of(appearance)}
        reviewed = annotation["review"]["at"] or annotation["updated_at"]
        return {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": context.annotation_url(row.document, annotation),
            "claimReviewed": annotation["quote"],
            "reviewRating": self.rating(annotation["verification_status"]),
            "itemReviewed": claim,
            "author": author,
            "datePublished": reviewed[:10],
        }

    def claim_review_of_claim(
        self, claim: dict, appearances: list[dict], context: ExportContext, author: dict
    ) -> dict:
        """One ClaimReview for a claim: its text, its verdict, every article it appears in."""
        first = appearances[0]
        item = {
            "@type": "Claim",
            "appearance": appearances,
            "firstAppearance": first,
            **self.claim_of(first),
        }
        reviewed = claim["reviewed_at"] or claim["updated_at"]
        return {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": context.claim_url(claim),
            "claimReviewed": claim["text"],
            "reviewRating": self.rating(claim["verification_status"], claim["rating_explanation"]),
            "itemReviewed": item,
            "author": author,
            "datePublished": reviewed[:10],
        }


def _first_key(row: ExportRow) -> tuple:
    """Which appearance came first: by the article's publication date when it has one
    (dated articles before undated ones), else when the annotation was made."""
    published = row.document["published_at"]
    return (published is None, published or row.annotation["created_at"], row.annotation["id"])
