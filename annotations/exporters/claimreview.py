"""``claimreview``: schema.org ClaimReview JSON-LD, for publishing fact-checks.

Only annotations with a verdict that fits a rating scale are exported: ``unverifiable``
has no place on a true-to-false scale, and ``unverified``/``in_progress`` are not verdicts.
The output is a JSON array of ClaimReview objects, each with its own ``@context``, so any
one of them can be embedded in a page as it is.
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
    schema = {
        "type": "array",
        "description": "schema.org ClaimReview objects.",
        "items": {
            "type": "object",
            "required": ["@context", "@type", "claimReviewed", "reviewRating", "itemReviewed"],
            "properties": {"@type": {"type": "string", "enum": ["ClaimReview"]}},
        },
    }

    def render(self, rows: Iterable[ExportRow], context: ExportContext) -> Iterator[str]:
        author = {
            "@type": "Organization",
            "name": context.organization_name,
            "url": context.organization_url,
        }
        separator = "["
        for row in rows:
            yield separator + dumps(self.claim_review(row, context, author))
            separator = ","
        yield "[]\n" if separator == "[" else "]\n"

    def claim_review(self, row: ExportRow, context: ExportContext, author: dict) -> dict:
        document, annotation = row.document, row.annotation
        status = annotation["verification_status"]
        appearance = {
            "@type": "NewsArticle",
            "url": document["url"] or context.document_url(document),
            "headline": document["title"],
        }
        claim = {"@type": "Claim", "appearance": appearance}
        if document["publisher"]:
            publisher = {"@type": "Organization", "name": document["publisher"]}
            appearance["publisher"] = publisher
            claim["author"] = publisher
        if document["published_at"]:
            appearance["datePublished"] = document["published_at"][:10]
            claim["datePublished"] = document["published_at"][:10]
        reviewed = annotation["review"]["at"] or annotation["updated_at"]
        return {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": context.annotation_url(document, annotation),
            "claimReviewed": annotation["quote"],
            "reviewRating": {
                "@type": "Rating",
                "ratingValue": RATINGS[status],
                "bestRating": BEST_RATING,
                "worstRating": WORST_RATING,
                "alternateName": LABELS[status],
            },
            "itemReviewed": claim,
            "author": author,
            "datePublished": reviewed[:10],
        }
