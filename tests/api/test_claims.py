"""The claims API: create from annotations, edit the verdict safely, merge, appearances,
and "Seen before" suggestions with the exact JSON of issue 9."""

import pytest

from annotations import messages, services
from annotations.models import Claim
from tests.factories import make_annotation, make_document

URL = "/api/v1/claims/"
TEXT = "The city council approved a $2.5 million budget on Monday."


def detail(claim, suffix=""):
    return f"{URL}{claim.pk}/{suffix}"


@pytest.fixture
def annotation(document, annotator):
    return make_annotation(document, user=annotator)


@pytest.fixture
def claim(project, annotator, annotation):
    return services.create_claim(
        user=annotator, project=project, text=TEXT, annotations=[annotation.pk]
    )


def test_a_member_creates_a_claim_from_their_annotation(client_for, annotator, project, annotation):
    response = client_for(annotator).post(
        URL, {"project": project.pk, "text": TEXT, "annotations": [annotation.pk]}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    claim = Claim.objects.get()
    assert response["Location"] == f"/api/v1/claims/{claim.pk}/"
    assert response["ETag"] == '"1"'
    assert body["text"] == TEXT
    assert (body["appearance_count"], body["verification_status"]) == (1, "unverified")
    annotation.refresh_from_db()
    assert (annotation.claim, annotation.version) == (claim, 2)
    assert annotation.history.first().history_change_reason == f"linked to claim {claim.pk}"


def test_linking_someone_elses_annotation_is_refused_and_creates_nothing(
    client_for, project, document, reviewer, annotator
):
    theirs = make_annotation(document, user=reviewer)
    response = client_for(annotator).post(
        URL, {"project": project.pk, "text": TEXT, "annotations": [theirs.pk]}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["detail"] == messages.CANNOT_LINK_ANNOTATION.format(id=theirs.pk)
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"text": "  "}, "text", "This field may not be blank."),
        (
            {"annotations": [999999]},
            "annotations",
            "Annotation 999999 is not in the claim's project.",
        ),
        ({"verdict": "true"}, "verdict", messages.UNKNOWN_FIELD),
    ],
)
def test_bad_input_answers_400_naming_the_field(
    client_for, annotator, project, body, field, message
):
    response = client_for(annotator).post(
        URL, {"project": project.pk, "text": TEXT, **body}, format="json"
    )

    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert not Claim.objects.exists()


def test_a_claim_of_a_project_you_are_not_in_cannot_be_created(client_for, outsider, project):
    response = client_for(outsider).post(URL, {"project": project.pk, "text": TEXT}, format="json")

    assert response.status_code == 400
    assert "project" in response.json()


def test_the_list_is_scoped_and_filtered(client_for, project, annotator, reviewer, outsider, claim):
    other = services.create_claim(user=annotator, project=project, text="The zoo drew 1.2 million.")
    services.update_claim(
        user=reviewer, claim=other, expected_version=None, verification_status="false"
    )
    client = client_for(annotator)

    def ids(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert sorted(ids(project=project.pk)) == sorted([claim.pk, other.pk])
    assert ids(verification_status="false") == [other.pk]
    assert ids(search="city council") == [claim.pk]
    assert client_for(outsider).get(URL).json()["results"] == []
    assert client.get(URL, {"verdict": "false"}).status_code == 400


def test_reviewers_set_the_verdict_with_if_match(client_for, reviewer, claim):
    response = client_for(reviewer).patch(
        detail(claim),
        {"verification_status": "mostly_true", "rating_explanation": "It was $2.4 million."},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["verification_status"], body["version"]) == ("mostly_true", 2)
    assert body["reviewed_by"] == {"id": reviewer.pk, "username": reviewer.username}
    assert response["ETag"] == '"2"'


def test_annotators_may_not_set_a_claims_verdict(client_for, annotator, claim):
    response = client_for(annotator).patch(
        detail(claim), {"verification_status": "true"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 403
    assert response.json()["detail"] == messages.CANNOT_EDIT_CLAIM
    assert Claim.objects.get().verification_status == "unverified"


def test_edits_need_if_match_and_a_stale_one_gets_the_current_claim(client_for, reviewer, claim):
    client = client_for(reviewer)
    assert client.patch(detail(claim), {"text": "x y z"}, format="json").status_code == 428
    client.patch(detail(claim), {"text": "Changed wording."}, format="json", HTTP_IF_MATCH="1")

    stale = client.patch(detail(claim), {"text": "Mine."}, format="json", HTTP_IF_MATCH='"1"')

    assert stale.status_code == 412
    assert stale.json()["current"]["text"] == "Changed wording."
    assert stale["ETag"] == '"2"'
    assert Claim.objects.get().normalized_text == "chang word"


def test_deleting_a_claim_keeps_its_appearances(client_for, reviewer, claim, annotation):
    response = client_for(reviewer).delete(detail(claim), HTTP_IF_MATCH='"1"')

    assert response.status_code == 204
    annotation.refresh_from_db()
    assert annotation.claim is None
    assert not Claim.objects.exists()


def test_merge_moves_the_appearances_and_history_says_so(
    client_for, project, reviewer, annotator, claim, annotation
):
    second = make_document(project, text="Another story. The council passed the budget.")
    repeat = make_annotation(second, user=annotator)
    duplicate = services.create_claim(
        user=annotator,
        project=project,
        text="Council approves $2.5M budget",
        annotations=[repeat.pk],
    )

    response = client_for(reviewer).post(
        detail(claim, "merge/"), {"from": duplicate.pk}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["appearance_count"] == 2
    assert not Claim.objects.filter(pk=duplicate.pk).exists()
    repeat.refresh_from_db()
    assert repeat.claim_id == claim.pk
    reason = f"claim {duplicate.pk} merged into claim {claim.pk}"
    assert repeat.history.first().history_change_reason == reason
    assert claim.history.first().history_change_reason == reason


@pytest.mark.parametrize(
    ("who", "target", "status", "field"),
    [("reviewer", "same", 400, "from"), ("annotator", "other", 403, None)],
)
def test_merge_is_for_the_desk_and_never_into_itself(
    client_for, users, project, annotator, claim, who, target, status, field
):
    other = services.create_claim(user=annotator, project=project, text="Another claim.")
    source = claim if target == "same" else other
    response = client_for(users[who]).post(
        detail(claim, "merge/"), {"from": source.pk}, format="json"
    )

    assert response.status_code == status
    if field:
        assert response.json()[field] == [messages.CLAIM_MERGE_ITSELF]
    assert Claim.objects.count() == 2


def test_appearances_list_each_annotation_with_its_document(
    client_for, outsider, annotator, claim, annotation
):
    response = client_for(annotator).get(detail(claim, "appearances/"))

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == annotation.pk
    assert row["document"]["title"] == annotation.document.title
    assert row["quote"] == annotation.quote
    assert client_for(outsider).get(detail(claim, "appearances/")).status_code == 404


def test_similar_returns_the_exact_json_of_the_issue(client_for, annotator, project, claim):
    services.create_claim(
        user=annotator, project=project, text="The council approved a $4 million budget on Monday."
    )
    response = client_for(annotator).get(
        f"{URL}similar/",
        {
            "project": project.pk,
            "text": "On Monday the council approved a 2.5m dollar budget, Smith said.",
        },
    )

    assert response.status_code == 200, response.json()
    [result] = response.json()["results"]
    assert set(result) == {"claim", "score"}
    assert result["claim"] == {
        "id": claim.pk,
        "text": TEXT,
        "verification_status": "unverified",
        "appearance_count": 1,
        "first_seen": result["claim"]["first_seen"],
    }
    assert result["claim"]["first_seen"] is not None
    assert 0 < result["score"] <= 1


def test_similar_by_sentence_id(client_for, annotator, project, claim):
    second = make_document(
        project,
        text="Elsewhere. The city council approved a $2.5 million budget on Monday, she said.",
    )
    sentence = second.sentences.get(index=1)
    response = client_for(annotator).get(
        f"{URL}similar/", {"project": project.pk, "sentence": sentence.pk, "limit": 1}
    )

    assert response.status_code == 200
    assert [r["claim"]["id"] for r in response.json()["results"]] == [claim.pk]


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({}, "detail"),
        ({"text": "x", "sentence": "SENTENCE"}, "detail"),
        ({"text": "x", "limit": 0}, "limit"),
        ({"text": "x", "words": "y"}, "words"),
        ({"sentence": "OTHER"}, "sentence"),
    ],
)
def test_similar_rejects_bad_queries_with_400(
    client_for, annotator, project, other_project, document, params, key
):
    other_sentence = make_document(other_project, text="Other text here.").sentences.get()
    replace = {"SENTENCE": document.sentences.first().pk, "OTHER": other_sentence.pk}
    params = {k: replace.get(v, v) for k, v in params.items()}
    response = client_for(annotator).get(f"{URL}similar/", {"project": project.pk, **params})

    assert response.status_code == 400
    assert key in response.json()


def test_similar_needs_a_project_you_belong_to(client_for, outsider, project, claim):
    response = client_for(outsider).get(f"{URL}similar/", {"project": project.pk, "text": TEXT})

    assert response.status_code == 400
    assert "project" in response.json()


def test_similar_never_suggests_a_claim_with_another_number(client_for, annotator, project, claim):
    response = client_for(annotator).get(
        f"{URL}similar/",
        {
            "project": project.pk,
            "text": "The city council approved a $3.5 million budget on Monday.",
        },
    )

    assert response.json() == {"results": []}


def test_claims_endpoints_are_in_the_schema(client_for, annotator):
    paths = client_for(annotator).get("/api/schema/", {"format": "json"}).json()["paths"]

    assert {"get", "post"} <= set(paths["/api/v1/claims/"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/claims/{id}/"])
    assert "post" in paths["/api/v1/claims/{id}/merge/"]
    assert "get" in paths["/api/v1/claims/{id}/appearances/"]
    assert "get" in paths["/api/v1/claims/similar/"]


def test_the_list_runs_a_fixed_number_of_queries(
    client_for, annotator, project, document, django_assert_num_queries
):
    for n in range(12):
        services.create_claim(user=annotator, project=project, text=f"Claim number {n}.")
    client = client_for(annotator)
    with django_assert_num_queries(3):  # membership filter inside; count; page
        assert len(client.get(URL, {"project": project.pk}).json()["results"]) == 12


# --- copying a claim's verdict into an appearance -------------------------------------------


def copy_url(annotation):
    return f"/api/v1/annotations/{annotation.pk}/copy-claim-verdict/"


@pytest.fixture
def checked(client_for, reviewer, project, annotator, claim, annotation):
    """The claim with a verdict, a second appearance citing two sources, one shared."""
    services.update_claim(
        user=reviewer,
        claim=claim,
        expected_version=None,
        verification_status="mostly_true",
        rating_explanation="The budget was $2.4 million.",
    )
    second = make_document(project, text="Elsewhere. The council approved a $2.5m budget.")
    services.create_annotation(
        user=reviewer,
        sentence=second.sentences.get(index=1),
        claim_type=project.claim_types.get(slug="statistic"),
        sources=[
            {"url": "https://city.example/budget.pdf", "title": "Budget", "stance": "refutes"},
            {"url": "https://mine.example/"},
        ],
        claim=claim,
    )
    annotation.refresh_from_db()  # create_claim linked it through another instance
    services.update_annotation(
        user=annotator,
        annotation=annotation,
        expected_version=None,
        rationale="Asked the clerk.",
        sources=[{"url": "https://mine.example/", "title": "Mine"}],
    )
    annotation.refresh_from_db()
    return claim


def test_copying_the_verdict_takes_status_explanation_and_other_sources_once(
    client_for, annotator, checked, annotation
):
    version = annotation.version
    response = client_for(annotator).post(
        copy_url(annotation), {"sources": True}, format="json", HTTP_IF_MATCH=f'"{version}"'
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["verification_status"] == "mostly_true"
    assert body["rationale"] == "Asked the clerk.\n\nThe budget was $2.4 million."
    assert [(s["url"], s["title"], s["stance"]) for s in body["sources"]] == [
        ("https://mine.example/", "Mine", "context"),
        ("https://city.example/budget.pdf", "Budget", "refutes"),
    ]
    assert (body["version"], response["ETag"]) == (version + 1, f'"{version + 1}"')
    record = annotation.history.first()
    assert record.history_change_reason == f"verdict copied from claim {checked.pk}"
    assert record.history_user == annotator


def test_copying_twice_does_not_repeat_the_explanation_and_keeps_sources_unless_asked(
    client_for, annotator, checked, annotation
):
    client = client_for(annotator)
    first = client.post(copy_url(annotation), {}, format="json", HTTP_IF_MATCH="*")
    again = client.post(copy_url(annotation), {}, format="json", HTTP_IF_MATCH="*")

    assert first.status_code == again.status_code == 200
    assert again.json()["rationale"] == "Asked the clerk.\n\nThe budget was $2.4 million."
    assert [s["url"] for s in again.json()["sources"]] == ["https://mine.example/"]


@pytest.mark.parametrize(
    ("link", "verdict", "message"),
    [
        (False, "true", messages.COPY_VERDICT_NO_CLAIM),
        (True, "in_progress", messages.COPY_VERDICT_UNCHECKED),
    ],
)
def test_nothing_to_copy_answers_400_and_changes_nothing(
    client_for, reviewer, annotator, project, document, link, verdict, message
):
    annotation = make_annotation(document, user=annotator, sentence_index=1)
    claim = services.create_claim(
        user=annotator, project=project, text="x", annotations=[annotation.pk] if link else []
    )
    services.update_claim(
        user=reviewer, claim=claim, expected_version=None, verification_status=verdict
    )
    annotation.refresh_from_db()

    response = client_for(annotator).post(
        copy_url(annotation), {}, format="json", HTTP_IF_MATCH=f'"{annotation.version}"'
    )

    assert response.status_code == 400
    assert response.json()["claim"] == [message]
    annotation.refresh_from_db()
    assert annotation.verification_status == "unverified"


def test_copying_needs_if_match_a_current_version_and_the_right_to_edit(
    client_for, annotator, second_annotator, checked, annotation
):
    url = copy_url(annotation)
    missing = client_for(annotator).post(url, {}, format="json")
    stale = client_for(annotator).post(url, {}, format="json", HTTP_IF_MATCH='"1"')
    theirs = client_for(second_annotator).post(url, {}, format="json", HTTP_IF_MATCH="*")

    assert (missing.status_code, stale.status_code, theirs.status_code) == (428, 412, 403)
    assert stale.json()["current"]["verification_status"] == "unverified"
    annotation.refresh_from_db()
    assert annotation.verification_status == "unverified"
