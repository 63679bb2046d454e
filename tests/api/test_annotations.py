"""Annotations through the API: create, read, change, delete, review, history, filters."""

from datetime import timedelta

import pytest
from django.utils import timezone

from annotations import messages, services
from annotations.models import Annotation, ReviewState, Role, Source
from tests.factories import make_annotation

URL = "/api/v1/annotations/"


def detail(annotation_or_id):
    return f"{URL}{getattr(annotation_or_id, 'pk', annotation_or_id)}/"


@pytest.fixture
def statistic(project):
    return project.claim_types.get(slug="statistic")


def test_create_whole_sentence_annotation_returns_it_with_quote_and_etag(
    client_for, annotator, document, statistic
):
    sentence = document.sentences.get(index=0)

    response = client_for(annotator).post(
        URL, {"sentence": sentence.pk, "claim_type": statistic.pk}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["start"] == sentence.start and body["end"] == sentence.end
    assert body["quote"] == sentence.text
    assert body["sentence_index"] == 0
    assert body["claim_type_slug"] == "statistic"
    assert body["annotator"] == {"id": annotator.pk, "username": "anna"}
    assert body["review_state"] == "pending" and body["version"] == 1
    assert response["ETag"] == '"1"'
    assert response["Location"] == detail(body["id"])


def test_create_span_takes_document_offsets_and_computes_the_quote(
    client_for, annotator, document, statistic
):
    sentence = document.sentences.get(index=0)
    start = document.text.index("$2.5 million")
    end = start + len("$2.5 million")

    response = client_for(annotator).post(
        URL,
        {"sentence": sentence.pk, "claim_type": statistic.pk, "start": start, "end": end},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["quote"] == "$2.5 million"


def test_sources_are_written_inline_and_listed_with_the_annotation(
    client_for, annotator, document, statistic
):
    sources = [
        {"url": "https://city.example/budget.pdf", "title": "Budget", "stance": "supports"},
        {"url": "http://news.example/a", "stance": "refutes", "accessed_at": "2026-11-01"},
    ]
    response = client_for(annotator).post(
        URL,
        {"sentence": document.sentences.first().pk, "claim_type": statistic.pk, "sources": sources},
        format="json",
    )

    assert response.status_code == 201
    listed = client_for(annotator).get(URL).json()["results"][0]["sources"]
    assert [(s["url"], s["stance"]) for s in listed] == [
        ("https://city.example/budget.pdf", "supports"),
        ("http://news.example/a", "refutes"),
    ]
    assert listed[1]["accessed_at"] == "2026-11-01"


def test_retrieve_answers_the_annotation_with_its_version_as_etag(
    client_for, reviewer, annotator, document
):
    annotation = make_annotation(document, user=annotator)

    response = client_for(reviewer).get(detail(annotation))

    assert response.status_code == 200
    assert response.json()["id"] == annotation.pk
    assert response["ETag"] == '"1"'


def test_patch_changes_fields_bumps_version_and_returns_new_etag(client_for, annotator, document):
    annotation = make_annotation(document, user=annotator)

    response = client_for(annotator).patch(
        detail(annotation),
        {"verification_status": "mostly_true", "rationale": "Budget PDF, page 3."},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 200
    assert response.json()["verification_status"] == "mostly_true"
    assert response.json()["version"] == 2
    assert response["ETag"] == '"2"'
    annotation.refresh_from_db()
    assert annotation.rationale == "Budget PDF, page 3."


def test_patch_sources_replaces_the_set_and_updates_by_id(client_for, annotator, document):
    annotation = make_annotation(
        document,
        user=annotator,
        sources=[{"url": "https://a.example/"}, {"url": "https://b.example/"}],
    )
    keep, drop = annotation.sources.order_by("position")

    response = client_for(annotator).patch(
        detail(annotation),
        {
            "sources": [
                {"id": keep.pk, "url": "https://a.example/", "title": "Renamed"},
                {"url": "https://c.example/", "stance": "refutes"},
            ]
        },
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 200
    sources = response.json()["sources"]
    assert [s["url"] for s in sources] == ["https://a.example/", "https://c.example/"]
    assert sources[0]["id"] == keep.pk and sources[0]["title"] == "Renamed"
    assert not Source.objects.filter(pk=drop.pk).exists()


def test_delete_with_current_version_removes_the_annotation(client_for, annotator, document):
    annotation = make_annotation(document, user=annotator)

    response = client_for(annotator).delete(detail(annotation), HTTP_IF_MATCH='"1"')

    assert response.status_code == 204
    assert not Annotation.objects.filter(pk=annotation.pk).exists()


def test_reviewer_approves_with_comment(client_for, reviewer, annotator, document):
    annotation = make_annotation(document, user=annotator)

    response = client_for(reviewer).post(
        f"{detail(annotation)}review/", {"decision": "approve", "comment": "Solid."}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["review_state"] == "approved"
    assert body["reviewed_by"] == {"id": reviewer.pk, "username": "rita"}
    assert body["review_comment"] == "Solid."
    assert response["ETag"] == '"2"'


def test_review_with_stale_if_match_answers_412(client_for, reviewer, annotator, document):
    annotation = make_annotation(document, user=annotator)

    response = client_for(reviewer).post(
        f"{detail(annotation)}review/",
        {"decision": "request_changes"},
        format="json",
        HTTP_IF_MATCH='"7"',
    )

    assert response.status_code == 412
    assert response.json()["current"]["review_state"] == "pending"


def test_review_decision_must_be_known(client_for, reviewer, annotator, document):
    annotation = make_annotation(document, user=annotator)

    response = client_for(reviewer).post(
        f"{detail(annotation)}review/", {"decision": "maybe"}, format="json"
    )

    assert response.status_code == 400
    assert "decision" in response.json()


def test_history_lists_changes_newest_first_with_who_and_what(
    client_for, annotator, reviewer, document
):
    client = client_for(annotator)
    created = client.post(
        URL,
        {
            "sentence": document.sentences.first().pk,
            "claim_type": document.project.claim_types.get(slug="statistic").pk,
            "sources": [{"url": "https://a.example/"}],
        },
        format="json",
    ).json()
    client.patch(
        detail(created["id"]), {"verification_status": "false"}, format="json", HTTP_IF_MATCH='"1"'
    )
    client_for(reviewer).post(
        f"{detail(created['id'])}review/", {"decision": "approve"}, format="json"
    )

    entries = client.get(f"{detail(created['id'])}history/").json()

    newest = entries[0]
    assert newest["object"] == "annotation" and newest["type"] == "~"
    assert newest["user"]["username"] == "rita"
    assert newest["version"] == 3
    assert {"field": "review_state", "old": "pending", "new": "approved"} in newest["changes"]
    status_change = next(e for e in entries if e["version"] == 2)
    assert status_change["changes"] == [
        {"field": "verification_status", "old": "unverified", "new": "false"}
    ]
    created_objects = {e["object"] for e in entries if e["type"] == "+"}
    assert created_objects == {"annotation", "source"}


# --- list filters and ordering ------------------------------------------------------------


@pytest.fixture
def annotated(document, annotator, reviewer, project):
    """Three annotations with different sentences, types, statuses, reviews and annotators."""
    quote = project.claim_types.get(slug="quote")
    first = make_annotation(document, user=annotator, verification_status="true")
    second = make_annotation(document, user=reviewer, sentence_index=1, claim_type=quote)
    third = make_annotation(document, user=annotator, sentence_index=2)
    from annotations import services

    services.review_annotation(user=reviewer, annotation=third, decision="approve")
    return first, second, third


def ids(response):
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("verification_status=true", [0]),
        ("claim_type_slug=quote", [1]),
        ("review_state=approved", [2]),
        ("review_state=pending", [0, 1]),
        ("review_state=pending,approved", [0, 1, 2]),
        ("verification_status=true,false", [0]),
        ("sentence={sentence}", [1]),
        ("annotator={annotator}", [0, 2]),
        ("claim_type={quote}", [1]),
        ("document={document}", [0, 1, 2]),
        ("project={project}", [0, 1, 2]),
    ],
)
def test_list_filters_narrow_the_annotations(
    client_for, annotator, annotated, document, project, query, expected
):
    query = query.format(
        sentence=document.sentences.get(index=1).pk,
        annotator=annotator.pk,
        quote=project.claim_types.get(slug="quote").pk,
        document=document.pk,
        project=project.pk,
    )

    assert ids(client_for(annotator).get(f"{URL}?{query}")) == [annotated[i].pk for i in expected]


def test_updated_since_returns_only_annotations_changed_after_it(client_for, annotator, annotated):
    first, _, third = annotated
    Annotation.objects.filter(pk=first.pk).update(updated_at=timezone.now() - timedelta(days=2))
    since = (timezone.now() - timedelta(days=1)).isoformat()

    response = client_for(annotator).get(URL, {"updated_since": since})

    assert first.pk not in ids(response)
    assert third.pk in ids(response)


def test_ordering_by_an_allowed_field_descending(client_for, annotator, annotated):
    response = client_for(annotator).get(URL, {"ordering": "-id"})

    assert ids(response) == sorted((a.pk for a in annotated), reverse=True)


def test_page_size_parameter_pages_the_list(client_for, annotator, annotated):
    response = client_for(annotator).get(URL, {"page_size": 2, "page": 2})

    assert response.json()["count"] == 3
    assert len(response.json()["results"]) == 1
    assert response.json()["previous"] is not None


def test_review_by_editor_keeps_annotator_change_going_back_to_pending(
    client_for, annotator, reviewer, document
):
    annotation = make_annotation(document, user=annotator)
    client_for(reviewer).post(
        f"{detail(annotation)}review/", {"decision": "approve"}, format="json"
    )

    response = client_for(annotator).patch(
        detail(annotation), {"rationale": "More."}, format="json", HTTP_IF_MATCH='"2"'
    )

    assert response.status_code == 200
    assert response.json()["review_state"] == ReviewState.PENDING


@pytest.fixture
def claim(project, reviewer):
    return services.create_claim(
        user=reviewer, project=project, text="The council approved a $2.5 million budget."
    )


def test_an_annotation_is_created_linked_to_a_claim_and_shows_it(
    client_for, annotator, document, statistic, claim
):
    response = client_for(annotator).post(
        URL,
        {"sentence": document.sentences.first().pk, "claim_type": statistic.pk, "claim": claim.pk},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["claim"] == claim.pk
    assert response.json()["verification_status"] == "unverified"  # nothing copied
    assert client_for(annotator).get(URL).json()["results"][0]["claim"] == claim.pk


def test_patch_links_and_unlinks_a_claim_with_history(client_for, annotator, document, claim):
    annotation = make_annotation(document, user=annotator)
    assert client_for(annotator).get(detail(annotation)).json()["claim"] is None

    linked = client_for(annotator).patch(
        detail(annotation), {"claim": claim.pk}, format="json", HTTP_IF_MATCH='"1"'
    )
    unlinked = client_for(annotator).patch(
        detail(annotation), {"claim": None}, format="json", HTTP_IF_MATCH='"2"'
    )

    assert linked.status_code == 200 and linked.json()["claim"] == claim.pk
    assert unlinked.status_code == 200 and unlinked.json()["claim"] is None
    assert [record.claim_id for record in annotation.history.order_by("history_id")] == [
        None,
        claim.pk,
        None,
    ]
    entries = client_for(annotator).get(f"{detail(annotation)}history/").json()
    assert entries[1]["changes"] == [{"field": "claim", "old": None, "new": claim.pk}]


def test_a_claim_of_another_project_cannot_be_linked(
    client_for, annotator, outsider, document, other_project
):
    foreign = services.create_claim(user=outsider, project=other_project, text="Elsewhere.")
    annotation = make_annotation(document, user=annotator)

    def link():
        return client_for(annotator).patch(
            detail(annotation), {"claim": foreign.pk}, format="json", HTTP_IF_MATCH='"1"'
        )

    hidden = link()
    # A member of both projects sees the claim: the service refuses it by project.
    services.add_member(project=other_project, user=annotator, role=Role.ANNOTATOR)
    visible = link()

    assert hidden.status_code == 400
    assert hidden.json()["claim"] == [f'Invalid pk "{foreign.pk}" - object does not exist.']
    assert visible.status_code == 400
    assert visible.json()["claim"] == [messages.CLAIM_OTHER_PROJECT]
    annotation.refresh_from_db()
    assert (annotation.claim, annotation.version) == (None, 1)


def test_annotation_bodies_are_json_only(client_for, annotator, document):
    sentence = document.sentences.get(index=0)
    claim_type = document.project.claim_types.get(slug="statistic")

    response = client_for(annotator).post(
        "/api/v1/annotations/",
        {"sentence": sentence.pk, "claim_type": claim_type.pk},
        format="multipart",
    )

    assert response.status_code == 415
