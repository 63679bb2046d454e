"""Members in the admin: the project page inline and the Membership admin.

Every path goes through the membership services, so a project never loses its last owner.
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from annotations import messages
from annotations.models import Membership, Project, Role
from tests.admin.test_documents_and_projects import inline_data

MEMBERSHIPS = reverse("admin:annotations_membership_changelist")


def roles(project):
    return dict(project.memberships.values_list("user__username", "role"))


def message_texts(response):
    return [str(m) for m in response.context["messages"]]


def project_form(client, project):
    """The project page's POST data, unchanged, and a way to find a member's row."""
    url = reverse("admin:annotations_project_change", args=[project.pk])
    page = client.get(url)
    formsets = {f.formset.prefix: f.formset for f in page.context["inline_admin_formsets"]}
    data = {"name": project.name, "slug": project.slug, "description": ""}
    for prefix, formset in formsets.items():
        data.update(inline_data(prefix, formset))
    rows = {form.instance.user.username: n for n, form in enumerate(formsets["memberships"].forms)}
    return url, data, rows


UNCHANGED = {"olivia": "owner", "rita": "reviewer", "anna": "annotator"}


@pytest.mark.django_db
class TestProjectPageMembers:
    def test_demoting_the_last_owner_is_a_form_error_and_changes_nothing(
        self, owner_client, project
    ):
        url, data, rows = project_form(owner_client, project)
        data[f"memberships-{rows['olivia']}-role"] = Role.REVIEWER
        data[f"memberships-{rows['anna']}-role"] = Role.REVIEWER  # a change that would be fine
        response = owner_client.post(url, data)
        assert response.status_code == 200
        assert messages.LAST_OWNER in response.text
        assert roles(project) == UNCHANGED

    def test_removing_the_last_owner_is_a_form_error(self, owner_client, project):
        url, data, rows = project_form(owner_client, project)
        data[f"memberships-{rows['olivia']}-DELETE"] = "on"
        response = owner_client.post(url, data)
        assert messages.LAST_OWNER in response.text
        assert roles(project) == UNCHANGED

    def test_an_owner_may_hand_over_and_step_down_in_one_save(self, owner_client, project):
        url, data, rows = project_form(owner_client, project)
        data[f"memberships-{rows['olivia']}-DELETE"] = "on"
        data[f"memberships-{rows['rita']}-role"] = Role.OWNER
        response = owner_client.post(url, data)
        assert response.status_code == 302
        assert roles(project) == {"rita": "owner", "anna": "annotator"}

    def test_superusers_may_not_demote_the_last_owner_either(self, superuser_client, project):
        url, data, rows = project_form(superuser_client, project)
        data[f"memberships-{rows['olivia']}-role"] = Role.ANNOTATOR
        response = superuser_client.post(url, data)
        assert messages.LAST_OWNER in response.text
        assert roles(project) == UNCHANGED

    def test_a_new_project_gets_its_creator_as_owner_whatever_the_rows_say(
        self, superuser_client, annotator
    ):
        response = superuser_client.post(
            reverse("admin:annotations_project_add"),
            {
                "name": "New desk",
                "slug": "new-desk",
                "description": "",
                "memberships-TOTAL_FORMS": "1",
                "memberships-INITIAL_FORMS": "0",
                "memberships-0-user": annotator.pk,
                "memberships-0-role": Role.ANNOTATOR,
                "claim_types-TOTAL_FORMS": "0",
                "claim_types-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302
        assert roles(Project.objects.get(slug="new-desk")) == {
            "anna": "annotator",
            "eddie": "owner",
        }


def change_url(membership):
    return reverse("admin:annotations_membership_change", args=[membership.pk])


@pytest.mark.django_db
class TestMembershipAdmin:
    def test_demoting_the_last_owner_is_a_form_error(self, owner_client, project, owner):
        membership = project.memberships.get(user=owner)
        response = owner_client.post(change_url(membership), {"role": Role.REVIEWER})
        assert response.status_code == 200
        assert messages.LAST_OWNER in response.text
        assert roles(project) == UNCHANGED

    def test_superusers_may_not_demote_the_last_owner(self, superuser_client, project, owner):
        membership = project.memberships.get(user=owner)
        response = superuser_client.post(change_url(membership), {"role": Role.ANNOTATOR})
        assert messages.LAST_OWNER in response.text
        assert roles(project) == UNCHANGED

    def test_changing_a_role_saves_through_the_service(self, owner_client, project, annotator):
        membership = project.memberships.get(user=annotator)
        response = owner_client.post(
            change_url(membership), {"role": Role.REVIEWER, "user": 999, "project": 999}
        )
        assert response.status_code == 302
        membership.refresh_from_db()  # user and project are not editable
        assert (membership.user, membership.project, membership.role) == (
            annotator,
            project,
            Role.REVIEWER,
        )

    def test_adding_a_member(self, owner_client, project, outsider):
        response = owner_client.post(
            reverse("admin:annotations_membership_add"),
            {"user": outsider.pk, "project": project.pk, "role": Role.ANNOTATOR},
        )
        assert response.status_code == 302
        assert roles(project)["oscar"] == Role.ANNOTATOR

    def test_deleting_the_last_owner_is_refused_before_confirmation(
        self, owner_client, project, owner
    ):
        membership = project.memberships.get(user=owner)
        delete_url = reverse("admin:annotations_membership_delete", args=[membership.pk])
        for response in (
            owner_client.get(delete_url, follow=True),
            owner_client.post(delete_url, {"post": "yes"}, follow=True),
        ):
            assert response.redirect_chain[0][0] == change_url(membership)
            assert messages.LAST_OWNER in message_texts(response)
        assert roles(project) == UNCHANGED

    def test_deleting_another_member_works(self, owner_client, project, annotator):
        membership = project.memberships.get(user=annotator)
        delete_url = reverse("admin:annotations_membership_delete", args=[membership.pk])
        response = owner_client.post(delete_url, {"post": "yes"})
        assert response.status_code == 302
        assert "anna" not in roles(project)

    def test_bulk_delete_refuses_to_remove_the_last_owner(self, owner_client, project):
        selected = [m.pk for m in project.memberships.all()]
        response = owner_client.post(
            MEMBERSHIPS,
            {"action": "delete_selected", ACTION_CHECKBOX_NAME: selected, "post": "yes"},
            follow=True,
        )
        assert messages.LAST_OWNER in message_texts(response)
        assert roles(project) == UNCHANGED

    def test_bulk_delete_of_other_members_asks_then_deletes(self, owner_client, project):
        selected = [m.pk for m in project.memberships.exclude(role=Role.OWNER)]
        data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: selected}
        confirm = owner_client.post(MEMBERSHIPS, data)
        assert "Are you sure" in confirm.text
        response = owner_client.post(MEMBERSHIPS, {**data, "post": "yes"})
        assert response.status_code == 302
        assert roles(project) == {"olivia": "owner"}

    def test_reviewers_cannot_delete_members(self, reviewer_client, project, annotator):
        membership = project.memberships.get(user=annotator)
        response = reviewer_client.post(
            MEMBERSHIPS,
            {"action": "delete_selected", ACTION_CHECKBOX_NAME: [membership.pk], "post": "yes"},
        )
        assert response.status_code in (200, 302, 403)
        assert Membership.objects.filter(pk=membership.pk).exists()
