"""Each export format, parsed back: the fields data users rely on are there and right."""

import csv
import io
import json
import re

import pytest

from annotations.api.export import export_stream
from annotations.exporters import EXPORTERS
from annotations.exporters.csv_format import COLUMNS, safe_cell
from annotations.selectors import ExportFilters
from tests.export_corpus import CLAIM_TEXT, SPAN, annotated_corpus, link_claims
from tests.factories import make_annotation


@pytest.fixture
def corpus(project, reviewer, annotator):
    return annotated_corpus(project, reviewer=reviewer, annotator=annotator)


@pytest.fixture
def claims(corpus, project, reviewer):
    return link_claims(corpus, project, reviewer=reviewer)


def export(fmt, user=None, **filters):
    _, chunks = export_stream(EXPORTERS[fmt](), user, ExportFilters(**filters))
    return "".join(chunks)


def test_every_format_is_registered_with_its_file_type():
    assert {name: (cls.media_type, cls.file_extension) for name, cls in EXPORTERS.items()} == {
        "json": ("application/json", "json"),
        "jsonl": ("application/x-ndjson", "jsonl"),
        "csv": ("text/csv", "csv"),
        "claimreview": ("application/ld+json", "jsonld"),
        "w3c": ("application/ld+json", "jsonld"),
    }


def test_json_holds_documents_with_text_sentences_and_annotations_in_order(corpus):
    data = json.loads(export("json"))
    assert data["format"] == "factcheck/v1"
    assert data["exported_at"].endswith("Z")
    assert data["filters"] == {}
    budget, second = data["documents"]
    assert budget["title"] == "Council passes budget"
    assert budget["url"] == "https://news.example/budget"
    assert budget["publisher"] == "The Wire"
    assert budget["published_at"] == "2026-11-02T09:30:00Z"
    assert budget["project"]["slug"] == corpus.documents[0].project.slug
    assert budget["content_hash"] == corpus.documents[0].content_hash
    for sentence in budget["sentences"]:
        assert budget["text"][sentence["start"] : sentence["end"]] == sentence["text"]
    assert [a["sentence_index"] for a in budget["annotations"]] == [0, 1, 2, 3]
    assert [a["id"] for a in second["annotations"]] == [corpus.true_claim.pk]


def test_json_annotation_carries_span_claim_type_sources_review_and_history(corpus):
    budget = json.loads(export("json"))["documents"][0]
    false_claim, span = budget["annotations"][:2]
    assert span["quote"] == SPAN
    assert budget["text"][span["start"] : span["end"]] == SPAN
    sentence = budget["sentences"][span["sentence_index"]]
    assert sentence["text"][span["start_in_sentence"] : span["end_in_sentence"]] == SPAN
    assert span["claim_type"] == {"slug": "prediction", "name": "Prediction"}
    assert span["review"]["state"] == "approved"
    assert span["review"]["by"] == "rita"
    assert span["review"]["comment"] == "Checked twice."
    assert span["version"] == 2
    assert span["history"] == {
        "versions": 2,
        "created_by": "anna",
        "last_changed_by": "rita",
        "changes": 1,
    }
    assert false_claim["verification_status"] == "false"
    assert false_claim["annotator"] == "anna"
    assert false_claim["sources"] == [
        {
            "url": "https://city.example/budget.pdf",
            "title": "City budget 2026",
            "publisher": "City of Kansas City",
            "stance": "refutes",
            "excerpt": "Total: $2.4 million",
            "accessed_at": "2026-11-03",
        },
        {
            "url": "https://other.example/story",
            "title": "",
            "publisher": "",
            "stance": "context",
            "excerpt": "",
            "accessed_at": None,
        },
    ]


def test_json_of_nothing_is_still_a_valid_export(db):
    data = json.loads(export("json"))
    assert data["documents"] == []
    assert data["deleted"] == []


def test_jsonl_lines_are_self_contained_annotations(corpus):
    lines = [json.loads(line) for line in export("jsonl").splitlines()]
    assert len(lines) == 5
    assert {line["type"] for line in lines} == {"annotation"}  # deletions only in pulls
    span = next(line for line in lines if line["id"] == corpus.span.pk)
    assert span["document"]["title"] == "Council passes budget"
    assert span["document"]["id"] == corpus.documents[0].pk
    assert span["sentence"]["text"] == corpus.span.sentence.text
    assert span["quote"] == SPAN
    assert span["claim_type"]["slug"] == "prediction"
    assert span["review"]["state"] == "approved"


def test_csv_has_a_header_and_one_row_per_annotation_with_sources_joined(corpus):
    rows = list(csv.DictReader(io.StringIO(export("csv"), newline="")))
    assert list(rows[0]) == COLUMNS
    assert len(rows) == 5
    false_claim = rows[0]
    assert false_claim["annotation_id"] == str(corpus.false_claim.pk)
    assert false_claim["sources"] == (
        "https://city.example/budget.pdf (refutes) | https://other.example/story (context)"
    )
    assert false_claim["source_count"] == "2"
    assert false_claim["sentence_text"] == corpus.false_claim.sentence.text
    assert rows[1]["quote"] == SPAN
    assert rows[1]["reviewed_by"] == "rita"


def test_csv_neutralises_spreadsheet_formulas(corpus):
    rows = list(csv.DictReader(io.StringIO(export("csv"), newline="")))
    assert rows[0]["rationale"].startswith("'=HYPERLINK(")
    assert [safe_cell(v) for v in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx")] == [
        "'=1+1",
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
    ]
    assert safe_cell("Mayor -- said") == "Mayor -- said"
    assert safe_cell(None) == ""
    assert safe_cell(-3) == -3


def test_csv_of_nothing_is_just_the_header(db):
    assert list(csv.reader(io.StringIO(export("csv")))) == [COLUMNS]


def test_claimreview_exports_only_verdicts_on_the_rating_scale(corpus):
    reviews = json.loads(export("claimreview"))
    by_quote = {review["claimReviewed"]: review for review in reviews}
    assert set(by_quote) == {
        corpus.false_claim.quote,
        SPAN,
        corpus.true_claim.quote,
    }  # not the unverifiable nor the unchecked ones
    ratings = {
        q: (r["reviewRating"]["ratingValue"], r["reviewRating"]["alternateName"])
        for q, r in by_quote.items()
    }
    assert ratings == {
        corpus.false_claim.quote: (1, "False"),
        SPAN: (4, "Mostly true"),
        corpus.true_claim.quote: (5, "True"),
    }


def test_claimreview_has_the_required_schema_org_fields(corpus, settings):
    settings.FACTCHECK_ORGANIZATION_NAME = "Fact Desk"
    settings.FACTCHECK_ORGANIZATION_URL = "https://factdesk.example/"
    settings.FACTCHECK_PUBLIC_URL = "https://checks.example/"
    review = next(r for r in json.loads(export("claimreview")) if r["claimReviewed"] == SPAN)
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["url"] == (
        f"https://checks.example/documents/{corpus.documents[0].pk}/annotate/#a-{corpus.span.pk}"
    )
    assert review["author"] == {
        "@type": "Organization",
        "name": "Fact Desk",
        "url": "https://factdesk.example/",
    }
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Mostly true",
    }
    assert review["datePublished"] == corpus.span.reviewed_at.date().isoformat()
    claim = review["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["author"] == {"@type": "Organization", "name": "The Wire"}
    assert claim["datePublished"] == "2026-11-02"
    assert claim["appearance"] == {
        "@type": "NewsArticle",
        "url": "https://news.example/budget",
        "headline": "Council passes budget",
        "publisher": {"@type": "Organization", "name": "The Wire"},
        "datePublished": "2026-11-02",
    }


def test_claimreview_of_a_document_without_url_points_at_our_copy(corpus, settings):
    settings.FACTCHECK_PUBLIC_URL = "https://checks.example"
    review = next(
        r
        for r in json.loads(export("claimreview"))
        if r["claimReviewed"] == corpus.true_claim.quote
    )
    assert review["itemReviewed"]["appearance"]["url"] == (
        f"https://checks.example/documents/{corpus.documents[1].pk}/annotate/"
    )
    assert "author" not in review["itemReviewed"]


def test_w3c_collection_holds_every_annotation_with_quote_and_position_selectors(corpus):
    collection = json.loads(export("w3c"))
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection"
    assert collection["total"] == 5
    items = collection["first"]["items"]
    assert collection["first"]["type"] == "AnnotationPage"
    assert len(items) == 5
    texts = {doc.pk: doc.text for doc in corpus.documents}
    for item in items:
        assert item["type"] == "Annotation"
        assert item["created"] and item["modified"]
        document_id = int(re.search(r"/documents/(\d+)/", item["target"]["source"])[1])
        text = texts[document_id]
        quote, position = item["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector"
        assert position["type"] == "TextPositionSelector"
        assert text[position["start"] : position["end"]] == quote["exact"]
        assert text[: position["start"]].endswith(quote["prefix"])
        assert text[position["end"] :].startswith(quote["suffix"])
        assert len(quote["prefix"]) == min(32, position["start"])


def test_w3c_bodies_carry_claim_type_status_and_sources_with_purposes(corpus):
    items = json.loads(export("w3c"))["first"]["items"]
    false_claim = items[0]
    assert false_claim["motivation"] == "assessing"
    assert false_claim["creator"] == {"type": "Person", "nickname": "anna"}
    purposes = [
        (body["purpose"], body.get("value") or body.get("source")) for body in false_claim["body"]
    ]
    assert purposes == [
        ("classifying", "Statistic / quantity"),
        ("assessing", "False"),
        ("commenting", corpus.false_claim.rationale),
        ("linking", "https://city.example/budget.pdf"),
        ("linking", "https://other.example/story"),
    ]
    assert false_claim["body"][3]["type"] == "SpecificResource"
    assert false_claim["body"][3]["stance"] == "refutes"
    assert false_claim["target"]["scope"] == "https://news.example/budget"
    unchecked = next(i for i in items if i["id"].endswith(f"#a-{corpus.unchecked.pk}"))
    assert unchecked["motivation"] == "highlighting"


def test_w3c_of_nothing_is_an_empty_collection(db):
    collection = json.loads(export("w3c"))
    assert collection["total"] == 0
    assert collection["first"]["items"] == []


def test_json_annotations_carry_their_claim_and_the_claims_are_listed_once(corpus, claims):
    data = json.loads(export("json"))
    linked = {
        a["id"]: a["claim"] for document in data["documents"] for a in document["annotations"]
    }
    assert linked == {
        corpus.false_claim.pk: claims.open.pk,
        corpus.span.pk: claims.checked.pk,
        corpus.unverifiable.pk: None,
        corpus.unchecked.pk: None,
        corpus.true_claim.pk: claims.checked.pk,
    }
    assert [c["id"] for c in data["claims"]] == sorted([claims.checked.pk, claims.open.pk])
    checked = next(c for c in data["claims"] if c["id"] == claims.checked.pk)
    assert checked == {
        "id": claims.checked.pk,
        "text": CLAIM_TEXT,
        "verification_status": "mostly_false",
        "rating_explanation": "Police figures show 4%, not 10%.",
        "reviewed_by": "rita",
        "reviewed_at": checked["reviewed_at"],
        "created_at": checked["created_at"],
        "updated_at": checked["updated_at"],
        "version": claims.checked.version,
    }
    assert checked["reviewed_at"].startswith(claims.checked.reviewed_at.date().isoformat())
    assert list(data) == ["format", "exported_at", "filters", "documents", "claims", "deleted"]


def test_json_lists_only_the_claims_of_the_exported_annotations(corpus, claims):
    data = json.loads(export("json", document=corpus.documents[1]))
    assert [c["id"] for c in data["claims"]] == [claims.checked.pk]
    assert json.loads(export("json", review_state=("changes_requested",)))["claims"] == []


def test_jsonl_and_csv_carry_the_claim_id(corpus, claims):
    lines = {line["id"]: line for line in map(json.loads, export("jsonl").splitlines())}
    assert lines[corpus.span.pk]["claim"] == claims.checked.pk
    assert lines[corpus.unchecked.pk]["claim"] is None
    rows = {row["annotation_id"]: row for row in csv.DictReader(io.StringIO(export("csv")))}
    assert COLUMNS[-1] == "claim"
    assert rows[str(corpus.false_claim.pk)]["claim"] == str(claims.open.pk)
    assert rows[str(corpus.unchecked.pk)]["claim"] == ""


def test_claimreview_publishes_a_checked_claim_once_with_every_appearance(corpus, claims, settings):
    settings.FACTCHECK_PUBLIC_URL = "https://checks.example"
    second = corpus.documents[1]
    standalone = make_annotation(
        second, user=corpus.span.annotator, sentence_index=0, verification_status="misleading"
    )
    reviews = json.loads(export("claimreview"))
    # The open claim's appearance (a "false" annotation) is not published on its own.
    assert [r["claimReviewed"] for r in reviews] == [standalone.quote, CLAIM_TEXT]
    review = reviews[1]
    assert review["url"] == f"https://checks.example/claims/{claims.checked.pk}/"
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Mostly false",
        "ratingExplanation": "Police figures show 4%, not 10%.",
    }
    assert review["datePublished"] == claims.checked.reviewed_at.date().isoformat()
    first = {
        "@type": "NewsArticle",
        "url": "https://news.example/budget",
        "headline": "Council passes budget",
        "publisher": {"@type": "Organization", "name": "The Wire"},
        "datePublished": "2026-11-02",
    }
    assert review["itemReviewed"] == {
        "@type": "Claim",
        "appearance": [
            first,
            {
                "@type": "NewsArticle",
                "url": f"https://checks.example/documents/{second.pk}/annotate/",
                "headline": "Second story",
            },
        ],
        "firstAppearance": first,
        "author": {"@type": "Organization", "name": "The Wire"},
        "datePublished": "2026-11-02",
    }
    assert reviews[0]["reviewRating"]["alternateName"] == "Misleading"
    assert "ratingExplanation" not in reviews[0]["reviewRating"]


def test_claimreview_appearances_respect_the_export_filters(corpus, claims):
    (review,) = json.loads(export("claimreview", document=corpus.documents[1]))
    assert review["claimReviewed"] == CLAIM_TEXT
    assert [a["headline"] for a in review["itemReviewed"]["appearance"]] == ["Second story"]
    assert review["itemReviewed"]["firstAppearance"]["headline"] == "Second story"


def test_claimreview_first_appearance_without_dates_is_the_earliest_annotation(corpus, claims):
    corpus.documents[0].published_at = None
    corpus.documents[0].save(update_fields=["published_at"])
    (review,) = json.loads(export("claimreview"))
    # The span in the budget story was annotated before the second story's.
    assert review["itemReviewed"]["firstAppearance"]["headline"] == "Council passes budget"
    assert "datePublished" not in review["itemReviewed"]


def test_claimreview_shows_no_claim_to_an_outsider(corpus, claims, outsider):
    assert json.loads(export("claimreview", user=outsider)) == []
