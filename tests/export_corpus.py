"""A small but varied annotated corpus for the export tests, built through the services."""

from datetime import date, datetime
from types import SimpleNamespace

from django.utils import timezone

from annotations import services
from tests.factories import make_annotation, make_document

SPAN = "cut crime by 10%"


def annotated_corpus(project, *, reviewer, annotator):
    budget = make_document(
        project,
        title="Council passes budget",
        url="https://news.example/budget",
        publisher="The Wire",
        published_at=timezone.make_aware(datetime(2026, 11, 2, 9, 30)),
    )
    claim_types = {ct.slug: ct for ct in project.claim_types.all()}
    false_claim = make_annotation(
        budget,
        user=annotator,
        sentence_index=0,
        verification_status="false",
        rationale='=HYPERLINK("http://evil.example") The budget was $2.4 million.',
        sources=[
            {
                "url": "https://city.example/budget.pdf",
                "title": "City budget 2026",
                "publisher": "City of Kansas City",
                "stance": "refutes",
                "excerpt": "Total: $2.4 million",
                "accessed_at": date(2026, 11, 3),
            },
            {"url": "https://other.example/story", "stance": "context"},
        ],
    )
    span_start = budget.text.index(SPAN)
    span = make_annotation(
        budget,
        user=annotator,
        sentence_index=1,
        start=span_start,
        end=span_start + len(SPAN),
        claim_type=claim_types["prediction"],
        verification_status="mostly_true",
    )
    span = services.review_annotation(
        user=reviewer, annotation=span, decision="approve", comment="Checked twice."
    )
    unverifiable = make_annotation(
        budget,
        user=reviewer,
        sentence_index=3,
        claim_type=claim_types["quote"],
        verification_status="unverifiable",
    )
    unchecked = make_annotation(budget, user=annotator, sentence_index=2)
    second = make_document(project, title="Second story", text="Short one. It is true, they say.")
    true_claim = make_annotation(
        second, user=annotator, sentence_index=1, verification_status="true"
    )
    return SimpleNamespace(
        documents=[budget, second],
        false_claim=false_claim,
        span=span,
        unverifiable=unverifiable,
        unchecked=unchecked,
        true_claim=true_claim,
    )


CLAIM_TEXT = "The budget plan will cut crime by 10%."


def link_claims(corpus, project, *, reviewer):
    """Two claims over the corpus: ``checked`` (a verdict, with appearances in both
    documents) and ``open`` (no verdict yet, one appearance); refreshes the corpus rows."""
    checked = services.create_claim(
        user=reviewer,
        project=project,
        text=CLAIM_TEXT,
        annotations=[corpus.span.pk, corpus.true_claim.pk],
    )
    checked = services.update_claim(
        user=reviewer,
        claim=checked,
        expected_version=checked.version,
        verification_status="mostly_false",
        rating_explanation="Police figures show 4%, not 10%.",
    )
    open_claim = services.create_claim(
        user=reviewer,
        project=project,
        text="The budget is $2.5 million.",
        annotations=[corpus.false_claim.pk],
    )
    for name in ("span", "true_claim", "false_claim"):
        getattr(corpus, name).refresh_from_db()
    return SimpleNamespace(checked=checked, open=open_claim)
