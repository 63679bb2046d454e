"""Independent (blind) annotation: while an annotator's assignment of a document is open,
in a project with ``independent_annotation``, every surface shows them only their own
annotations on it; reviewers, owners and annotators whose assignment is done see all."""

import datetime
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from annotations import messages, services
from annotations.models import Annotation, Role
from tests.factories import UserFactory, make_annotation, make_document

MINE, THEIRS = "rationale-of-anna", "rationale-of-alex"


@pytest.fixture
def alex(project):
    user = UserFactory(username="alex")
    services.add_member(project=project, user=user, role=Role.ANNOTATOR)
    return user


@pytest.fixture
def blind(project, owner, annotator, alex):
    """Anna and Alex are both assigned the document in an independent project; each
    annotated it once, Alex's is linked to a claim, and Alex deleted a second one."""
    services.update_project(user=owner, project=project, independent_annotation=True)
    document = make_document(project, title="Budget story")
    services.assign_documents(user=owner, documents=[document], assignees=[annotator, alex])
    since = timezone.now() - datetime.timedelta(seconds=1)
    mine = make_annotation(document, user=annotator, sentence_index=0, rationale=MINE)
    theirs = make_annotation(
        document,
        user=alex,
        sentence_index=1,
        rationale=THEIRS,
        sources=[{"url": "https://example.org/alex-source", "title": "Alex's source"}],
    )
    claim = services.create_claim(
        user=alex, project=project, text="Crime will fall by 10%.", annotations=[theirs.pk]
    )
    gone = make_annotation(document, user=alex, sentence_index=2)
    gone_id = gone.pk
    services.delete_annotation(user=alex, annotation=gone, expected_version=gone.version)
    return {
        "document": document,
        "mine": mine.pk,
        "theirs": theirs.pk,
        "gone": gone_id,
        "claim": claim,
        "since": since.isoformat(),
    }


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def mark_done(user, document):
    assignment = document.assignments.get(assignee=user)
    services.update_assignment(user=user, assignment=assignment, state="done")


def listed_ids(user, **params) -> set[int]:
    response = api(user).get("/api/v1/annotations/", params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def deleted_ids(user, blind) -> set[int]:
    response = api(user).get(
        "/api/v1/annotations/deleted/", {"document": blind["document"].pk, "since": blind["since"]}
    )
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()}


def workspace_ids(client, document) -> set[int]:
    html = client.get(f"/documents/{document.pk}/annotate/").content.decode()
    match = re.search(r'<script id="workspace-data" type="application/json">(.*?)</script>', html)
    return {row["id"] for row in json.loads(match.group(1))["annotations"]}


def ids(blind, *names) -> set[int]:
    return {blind[name] for name in names}


# --- the annotator whose assignment is open -------------------------------------------


def test_annotator_lists_only_their_own_annotations_of_the_document(blind, annotator):
    assert listed_ids(annotator) == ids(blind, "mine")
    assert listed_ids(annotator, document=blind["document"].pk) == ids(blind, "mine")


def test_live_refresh_brings_no_annotation_of_the_others(blind, annotator):
    params = {"document": blind["document"].pk, "updated_since": blind["since"]}
    assert listed_ids(annotator, **params, ordering="updated_at") == ids(blind, "mine")


def test_deletions_feed_does_not_report_the_others_tombstones(blind, annotator, alex):
    assert deleted_ids(annotator, blind) == set()
    assert deleted_ids(alex, blind) == ids(blind, "gone")


@pytest.mark.parametrize("suffix", ["", "history/"])
def test_detail_and_history_of_the_others_annotation_answer_404(blind, annotator, suffix):
    client = api(annotator)
    assert client.get(f"/api/v1/annotations/{blind['theirs']}/{suffix}").status_code == 404
    assert client.get(f"/api/v1/annotations/{blind['mine']}/{suffix}").status_code == 200


def test_the_others_annotation_cannot_be_changed_either(blind, annotator):
    response = api(annotator).patch(
        f"/api/v1/annotations/{blind['theirs']}/",
        {"rationale": "peek"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 404


def test_the_same_span_as_the_others_hidden_one_is_simply_created(blind, annotator):
    """One annotation per span per annotator: the rule cannot leak what another marked."""
    theirs = Annotation.objects.get(pk=blind["theirs"])
    response = api(annotator).post(
        "/api/v1/annotations/",
        {
            "sentence": theirs.sentence_id,
            "start": theirs.start,
            "end": theirs.end,
            "claim_type": theirs.claim_type_id,
        },
        format="json",
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "w3c"])
def test_export_leaves_the_others_annotations_out(blind, annotator, fmt):
    response = api(annotator).get(
        "/api/v1/export/annotations", {"format": fmt, "updated_since": blind["since"]}
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert MINE in body
    assert THEIRS not in body
    assert "alex-source" not in body
    if fmt == "jsonl":
        assert '"type": "deletion"' not in body and '"type":"deletion"' not in body


def test_claim_appearances_and_counts_leave_the_others_out(blind, annotator, alex):
    claim = blind["claim"]
    appearances = api(annotator).get(f"/api/v1/claims/{claim.pk}/appearances/")
    assert appearances.status_code == 200
    assert appearances.json()["results"] == []
    detail = api(annotator).get(f"/api/v1/claims/{claim.pk}/")
    assert detail.json()["appearance_count"] == 0  # the claim is the desk's: still listed
    assert api(alex).get(f"/api/v1/claims/{claim.pk}/").json()["appearance_count"] == 1


def test_linking_the_others_hidden_annotation_reads_as_missing(blind, annotator, project):
    def create(annotation_id):
        body = {"project": project.pk, "text": "Peek.", "annotations": [annotation_id]}
        return api(annotator).post("/api/v1/claims/", body, format="json")

    hidden, missing = create(blind["theirs"]), create(blind["gone"])
    assert (hidden.status_code, missing.status_code) == (400, 400)
    assert hidden.json()["annotations"] == [
        messages.CLAIM_ANNOTATION_OTHER_PROJECT.format(id=blind["theirs"])
    ]


def test_similar_claims_count_only_visible_appearances(blind, annotator, project):
    response = api(annotator).get(
        "/api/v1/claims/similar/", {"project": project.pk, "text": "Crime will fall by 10%."}
    )
    assert response.status_code == 200
    [found] = response.json()["results"]
    assert found["claim"]["appearance_count"] == 0


def test_claim_page_shows_neither_the_others_appearance_nor_its_evidence(blind, client, annotator):
    client.force_login(annotator)
    html = client.get(f"/claims/{blind['claim'].pk}/").content.decode()
    assert "Crime will fall by 10%." in html
    assert "alex-source" not in html
    assert "Budget story" not in html


def test_workspace_page_carries_only_the_annotators_own_annotations(blind, client, annotator):
    client.force_login(annotator)
    assert workspace_ids(client, blind["document"]) == ids(blind, "mine")
    html = client.get(f"/documents/{blind['document'].pk}/annotate/").content.decode()
    assert THEIRS not in html
    assert "you see only your own annotations on this document" in html


def test_progress_counts_only_what_the_annotator_sees(blind, client, annotator, project):
    document = api(annotator).get(f"/api/v1/documents/{blind['document'].pk}/").json()
    assert document["annotation_count"] == 1
    listed = api(annotator).get("/api/v1/documents/", {"project": project.pk}).json()
    assert [row["annotation_count"] for row in listed["results"]] == [1]
    client.force_login(annotator)
    home = client.get("/")
    assert home.context["projects"][0].annotation_count == 1
    page = client.get(f"/projects/{project.pk}/")
    assert [d.annotation_count for d in page.context["page"]] == [1]


def test_staff_annotator_sees_only_their_own_in_the_admin(blind, client, annotator):
    annotator.is_staff = True
    annotator.save()
    client.force_login(annotator)
    annotations = client.get("/admin/annotations/annotation/")
    assert annotations.status_code == 200
    assert [a.pk for a in annotations.context["cl"].queryset] == [blind["mine"]]
    assert client.get(f"/admin/annotations/annotation/{blind['theirs']}/change/").status_code in (
        302,
        404,
    )
    sources = client.get("/admin/annotations/source/")
    assert list(sources.context["cl"].queryset) == []
    claims = client.get("/admin/annotations/claim/")
    assert [claim.appearance_count for claim in claims.context["cl"].queryset] == [0]


@pytest.mark.parametrize("name", ["theirs", "gone"])
def test_staff_annotator_cannot_read_the_others_history_in_the_admin(
    blind, client, annotator, name
):
    annotator.is_staff = True
    annotator.save()
    client.force_login(annotator)
    base = f"/admin/annotations/annotation/{blind[name]}/history/"
    version = Annotation.history.filter(id=blind[name]).values_list("history_id", flat=True)[0]
    assert client.get(base).status_code == 404
    assert client.get(f"{base}{version}/").status_code == 404
    own = f"/admin/annotations/annotation/{blind['mine']}/history/"
    assert client.get(own).status_code == 200


# --- everyone else sees everything --------------------------------------------------------


def test_once_done_the_annotator_sees_everything(blind, client, annotator):
    mark_done(annotator, blind["document"])
    assert listed_ids(annotator) == ids(blind, "mine", "theirs")
    assert deleted_ids(annotator, blind) == ids(blind, "gone")
    assert api(annotator).get(f"/api/v1/annotations/{blind['theirs']}/").status_code == 200
    client.force_login(annotator)
    assert workspace_ids(client, blind["document"]) == ids(blind, "mine", "theirs")


def test_one_done_does_not_open_the_other(blind, annotator, alex):
    mark_done(annotator, blind["document"])
    assert listed_ids(alex) == ids(blind, "theirs")


@pytest.mark.parametrize("role", ["reviewer", "owner"])
def test_reviewers_and_owners_see_everything(blind, request, client, role):
    user = request.getfixturevalue(role)
    assert listed_ids(user) == ids(blind, "mine", "theirs")
    assert deleted_ids(user, blind) == ids(blind, "gone")
    client.force_login(user)
    assert workspace_ids(client, blind["document"]) == ids(blind, "mine", "theirs")


def test_a_reviewer_assigned_the_document_still_sees_everything(blind, client, owner, reviewer):
    services.assign_document(user=owner, document=blind["document"], assignee=reviewer)
    assert listed_ids(reviewer) == ids(blind, "mine", "theirs")
    client.force_login(reviewer)
    html = client.get(f"/documents/{blind['document'].pk}/annotate/").content.decode()
    assert 'id="btn-mark-done"' in html
    assert "you see only your own annotations" not in html


def test_an_annotator_not_assigned_the_document_is_not_working_blind(blind, project):
    """The rule is about one's own open assignment: others may read finished work."""
    reader = UserFactory(username="rory")
    services.add_member(project=project, user=reader, role=Role.ANNOTATOR)
    assert listed_ids(reader) == ids(blind, "mine", "theirs")


def test_without_independent_annotation_nothing_is_hidden(blind, owner, project, annotator):
    services.update_project(user=owner, project=project, independent_annotation=False)
    assert listed_ids(annotator) == ids(blind, "mine", "theirs")
    assert deleted_ids(annotator, blind) == ids(blind, "gone")


def test_other_documents_of_the_project_are_not_hidden(blind, project, annotator, alex):
    elsewhere = make_document(project, title="Unassigned", text="Nothing to see here today.")
    other = make_annotation(elsewhere, user=alex)
    assert listed_ids(annotator, document=elsewhere.pk) == {other.pk}


def test_agreement_of_the_desk_counts_every_annotator(blind, reviewer, annotator, alex, project):
    mark_done(annotator, blind["document"])
    mark_done(alex, blind["document"])
    response = api(reviewer).get(
        "/api/v1/agreement/", {"project": project.pk, "document": blind["document"].pk}
    )
    assert sorted(response.json()["annotators"]) == ["alex", "anna"]


# --- the setting ----------------------------------------------------------------------


def test_owners_switch_it_on_in_the_api_and_every_member_reads_it(project, owner, annotator):
    url = f"/api/v1/projects/{project.pk}/"
    assert api(annotator).get(url).json()["independent_annotation"] is False
    response = api(owner).patch(url, {"independent_annotation": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["independent_annotation"] is True
    assert api(annotator).get(url).json()["independent_annotation"] is True


def test_annotators_may_not_switch_it(project, annotator):
    url = f"/api/v1/projects/{project.pk}/"
    response = api(annotator).patch(url, {"independent_annotation": True}, format="json")
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.independent_annotation is False


def test_a_new_project_may_start_independent(db):
    creator = UserFactory(username="carla")
    creator.user_permissions.add(Permission.objects.get(codename="add_project"))
    response = api(creator).post(
        "/api/v1/projects/", {"name": "Blind desk", "independent_annotation": True}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["independent_annotation"] is True


def test_a_non_boolean_is_a_400_naming_the_field(project, owner):
    response = api(owner).patch(
        f"/api/v1/projects/{project.pk}/", {"independent_annotation": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert "independent_annotation" in response.json()


def test_the_admin_project_form_sets_it(project, client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(f"/admin/annotations/project/{project.pk}/change/")
    assert 'name="independent_annotation"' in page.content.decode()


def test_mark_done_is_the_only_change_needed(blind, annotator):
    """Reopening the assignment hides the others' annotations again."""
    mark_done(annotator, blind["document"])
    assignment = blind["document"].assignments.get(assignee=annotator)
    services.update_assignment(user=annotator, assignment=assignment, state="in_progress")
    assert listed_ids(annotator) == ids(blind, "mine")
    assert Annotation.objects.for_user(annotator).count() == 1


def test_the_rule_costs_no_extra_query(blind, client, annotator, reviewer):
    """It is a subquery of the same statements: pages and lists keep their pinned counts."""

    def queries(user, url):
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    workspace = f"/documents/{blind['document'].pk}/annotate/"
    listing = f"/api/v1/annotations/?document={blind['document'].pk}"
    blind_counts = [queries(annotator, url) for url in (workspace, listing)]
    assert blind_counts == [queries(reviewer, url) for url in (workspace, listing)]


def test_exports_show_a_claim_only_through_the_appearances_the_caller_may_see(
    blind, owner, annotator
):
    claim = blind["claim"]
    services.update_claim(
        user=owner, claim=claim, expected_version=claim.version, verification_status="false"
    )

    def export(user, fmt):
        response = api(user).get("/api/v1/export/annotations", {"format": fmt})
        assert response.status_code == 200
        return json.loads(b"".join(response.streaming_content))

    assert export(annotator, "claimreview") == []
    assert export(annotator, "json")["claims"] == []
    (review,) = export(owner, "claimreview")
    assert review["claimReviewed"] == "Crime will fall by 10%."
    assert [c["id"] for c in export(owner, "json")["claims"]] == [claim.pk]
