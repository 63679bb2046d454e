"""Staff users who are not superusers see and change only their own projects' data."""

import pytest
from django.urls import reverse

from annotations.models import ReviewState
from tests.admin.conftest import make_staff
from tests.factories import make_annotation, make_document, make_project

CHANGELIST = reverse("admin:annotations_annotation_changelist")


def change_url(obj):
    return reverse(f"admin:annotations_{obj._meta.model_name}_change", args=[obj.pk])


def autocomplete(client, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "annotations",
            "model_name": model_name,
            "field_name": field_name,
            "term": term,
        },
    )
    assert response.status_code == 200
    return {item["text"] for item in response.json()["results"]}


@pytest.mark.django_db
class TestStaffReviewerOfProjectA:
    def test_reviewer_without_model_permissions_reaches_the_annotation_list(
        self, reviewer_client, staff_reviewer
    ):
        assert not staff_reviewer.user_permissions.exists()
        response = reviewer_client.get(CHANGELIST)
        assert response.status_code == 200

    def test_changelist_shows_own_project_annotations_only(
        self, reviewer_client, annotation_a, annotation_b
    ):
        response = reviewer_client.get(CHANGELIST)
        listed = {row.pk for row in response.context["cl"].result_list}
        assert listed == {annotation_a.pk}
        assert "Secret budget" not in response.text

    def test_other_projects_annotation_page_is_not_shown(self, reviewer_client, annotation_b):
        response = reviewer_client.get(change_url(annotation_b))
        assert response.status_code in (302, 404)
        assert "Secret budget" not in response.text
        history = reviewer_client.get(
            reverse("admin:annotations_annotation_history", args=[annotation_b.pk])
        )
        assert history.status_code in (403, 404)

    def test_filters_offer_only_own_projects_documents_and_annotators(
        self, reviewer_client, staff_reviewer, project, annotation_a, annotation_b, owner
    ):
        # A second project of the reviewer's, so that every filter has a choice to offer.
        third = make_project(owner=owner, reviewer=staff_reviewer, name="Third desk")
        make_annotation(make_document(third, title="Third document"), user=owner)
        response = reviewer_client.get(CHANGELIST)
        changelist = response.context["cl"]
        choices = {
            spec.title: {str(choice["display"]) for choice in spec.choices(changelist)}
            for spec in changelist.filter_specs
            if spec.has_output()
        }
        assert choices["project"] == {"All", project.name, "Third desk"}
        assert choices["document"] == {"All", annotation_a.document.title, "Third document"}
        assert choices["annotator"] == {"All", "anna", "olivia"}
        assert "Other newsroom" not in response.text
        assert "Project B secret file" not in response.text

    def test_search_does_not_find_other_projects_annotations(
        self, reviewer_client, annotation_a, annotation_b
    ):
        for term in ("budget", "b-only-source", "Project B secret", "B-only rationale"):
            response = reviewer_client.get(CHANGELIST, {"q": term})
            assert annotation_b.pk not in {a.pk for a in response.context["cl"].result_list}
        response = reviewer_client.get(CHANGELIST, {"q": "council-minutes"})
        assert [a.pk for a in response.context["cl"].result_list] == [annotation_a.pk]

    def test_autocomplete_returns_only_own_projects_rows(
        self, reviewer_client, project, document, annotation_a, annotation_b, other_project
    ):
        assert autocomplete(reviewer_client, "annotation", "project") == {project.name}
        assert autocomplete(reviewer_client, "annotation", "document") == {document.title}
        assert autocomplete(reviewer_client, "annotation", "document", term="secret") == set()
        claim_types = autocomplete(reviewer_client, "annotation", "claim_type")
        assert len(claim_types) == project.claim_types.count()

    def test_actions_do_not_touch_other_projects_annotations(self, reviewer_client, annotation_b):
        history_before = annotation_b.history.count()
        response = reviewer_client.post(
            CHANGELIST,
            {"action": "approve", "_selected_action": [annotation_b.pk], "index": 0},
            follow=True,
        )
        assert response.status_code == 200
        annotation_b.refresh_from_db()
        assert annotation_b.review_state == ReviewState.PENDING
        assert annotation_b.history.count() == history_before

    def test_every_changelist_is_scoped(
        self, reviewer_client, project, document, annotation_a, annotation_b, other_project
    ):
        for model_name, hidden in [
            ("project", "Other newsroom"),
            ("document", "Project B secret file"),
            ("membership", "oscar"),
            ("claimtype", "Other newsroom"),
            ("source", "b-only-source"),
        ]:
            response = reviewer_client.get(reverse(f"admin:annotations_{model_name}_changelist"))
            assert response.status_code == 200, model_name
            assert hidden not in response.text, model_name
            assert response.context["cl"].result_count >= 1, model_name

    def test_other_projects_pages_of_every_model_are_not_shown(
        self, reviewer_client, other_project, document_b, annotation_b
    ):
        for obj in [
            other_project,
            document_b,
            other_project.claim_types.first(),
            other_project.memberships.first(),
            annotation_b.sources.first(),
        ]:
            response = reviewer_client.get(change_url(obj))
            assert response.status_code in (302, 404), obj

    def test_reviewer_may_view_but_not_change_the_project(self, reviewer_client, project):
        page = reviewer_client.get(change_url(project))
        assert page.status_code == 200
        assert not page.context["has_change_permission"]
        response = reviewer_client.post(change_url(project), {"name": "Renamed"})
        assert response.status_code == 403
        project.refresh_from_db()
        assert project.name != "Renamed"

    def test_reviewer_may_not_add_documents(self, reviewer_client):
        response = reviewer_client.get(reverse("admin:annotations_document_add"))
        assert response.status_code == 403


@pytest.mark.django_db
def test_staff_user_without_projects_sees_no_factcheck_admin(client, outsider, annotation_a):
    make_staff(outsider)
    assert not outsider.memberships.exists()
    client.force_login(outsider)
    assert client.get(CHANGELIST).status_code == 403
    index = client.get(reverse("admin:index"))
    assert "Annotations" not in index.text


@pytest.mark.django_db
def test_owner_form_offers_only_projects_they_own(client, staff_owner, project, other_project):
    reviewed_elsewhere = make_project(reviewer=staff_owner, name="Reviewed elsewhere")
    client.force_login(staff_owner)
    response = client.get(reverse("admin:annotations_document_add"))
    offered = {str(p) for p in response.context["adminform"].form.fields["project"].queryset}
    assert offered == {project.name}
    assert reviewed_elsewhere.name not in offered
