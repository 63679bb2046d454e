"""One representation of an annotation: the API's list, detail, saves and the workspace agree.

``AnnotationSerializer`` and ``DocumentDetailSerializer`` describe the JSON in the OpenAPI
schema; these tests prove the fast, row-based representation renders exactly that.
"""

import json
from datetime import UTC, datetime

import pytest

from annotations import services
from annotations.api.serializers import AnnotationSerializer, DocumentDetailSerializer
from annotations.api.views import document_detail_queryset
from annotations.models import Annotation
from annotations.selectors_pages import annotation_rows
from tests.factories import make_annotation


def plain(data):
    return json.loads(json.dumps(data))


@pytest.fixture
def annotations(document, annotator, reviewer):
    sentence = document.sentences.get(index=1)
    span = make_annotation(
        document,
        user=annotator,
        sentence_index=1,
        start=sentence.start + 6,
        end=sentence.start + 16,
        rationale="<b>why</b> ünïcode \u2028",
        sources=[
            {"url": "https://example.org/b", "title": "B", "stance": "refutes"},
            {"url": "https://example.org/a", "accessed_at": "2026-11-01", "excerpt": "x"},
        ],
    )
    reviewed = make_annotation(document, user=annotator, sentence_index=0)
    services.review_annotation(user=reviewer, annotation=reviewed, decision="approve")
    plain_one = make_annotation(document, user=reviewer, sentence_index=2)
    # A timestamp on a whole second: isoformat() then has no fraction.
    whole = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)
    Annotation.objects.filter(pk=plain_one.pk).update(created_at=whole, reviewed_at=whole)
    return [span, reviewed, plain_one]


def serializer_view(document):
    rows = Annotation.objects.with_related().filter(document=document).order_by("start", "id")
    return plain(AnnotationSerializer(rows, many=True).data)


def test_list_detail_and_workspace_render_what_the_serializer_describes(
    client_for, annotator, document, annotations
):
    expected = serializer_view(document)
    client = client_for(annotator)

    listed = client.get("/api/v1/annotations/", {"document": document.pk, "ordering": "start"})
    details = [client.get(f"/api/v1/annotations/{row['id']}/").json() for row in expected]

    assert listed.json()["results"] == expected
    assert details == expected
    assert annotation_rows(document, annotator) == expected
    assert expected[2]["created_at"] == "2026-11-30T12:00:00Z"


def test_a_save_answers_what_a_read_then_shows(client_for, annotator, document):
    client = client_for(annotator)
    sentence = document.sentences.get(index=3)
    statistic = document.project.claim_types.get(slug="statistic")
    quote = document.project.claim_types.get(slug="quote")
    body = {
        "sentence": sentence.pk,
        "claim_type": statistic.pk,
        "start": sentence.start + 1,
        "verification_status": "in_progress",
        "sources": [{"url": "https://a.example/", "accessed_at": "2026-01-02"}],
    }

    created = client.post("/api/v1/annotations/", body, format="json")
    url = f"/api/v1/annotations/{created.json()['id']}/"
    assert created.json() == client.get(url).json()

    changed = client.patch(
        url,
        {"claim_type": quote.pk, "sources": [{"url": "https://b.example/"}]},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )
    assert changed.status_code == 200
    assert changed.json() == client.get(url).json()
    assert changed.json()["claim_type_slug"] == "quote"
    assert [s["url"] for s in changed.json()["sources"]] == ["https://b.example/"]

    stale = client.patch(url, {"rationale": "x"}, format="json", HTTP_IF_MATCH=created["ETag"])
    assert stale.status_code == 412
    assert stale.json()["current"] == client.get(url).json()


def test_document_detail_renders_what_the_serializer_describes(
    client_for, annotator, document, annotations
):
    client = client_for(annotator)
    document.published_at = datetime(2026, 3, 2, 14, 30, 0, 120000, tzinfo=UTC)
    document.save()
    rows = document_detail_queryset(annotator).get(pk=document.pk)

    response = client.get(f"/api/v1/documents/{document.pk}/")

    assert response.json() == plain(DocumentDetailSerializer(rows).data)
    assert response.json()["annotation_count"] == 3
    assert response.json()["approved_count"] == 1
