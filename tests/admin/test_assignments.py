"""Assignments in the admin: the scoped list and the Documents list's "Assign to…" action."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from annotations import services
from annotations.models import Assignment, AssignmentState
from tests.admin.conftest import make_staff

CHANGELIST = reverse("admin:annotations_assignment_changelist")
DOCUMENTS = reverse("admin:annotations_document_changelist")


@pytest.fixture
def owner_client(client, staff_owner, project):
    client.force_login(staff_owner)
    return client


@pytest.fixture
def assignments(owner, document, annotator, document_b, outsider):
    services.assign_document(user=owner, document=document, assignee=annotator)
    services.assign_document(user=outsider, document=document_b, assignee=outsider)


def test_list_shows_only_the_users_projects(owner_client, assignments, document):
    response = owner_client.get(CHANGELIST)

    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert [row.document_id for row in rows] == [document.pk]


def test_list_filters_by_state_assignee_and_project(owner_client, assignments, project, annotator):
    for params in (
        {"state": "assigned"},
        {"assignee__id__exact": annotator.pk},
        {"project": project.pk},
    ):
        response = owner_client.get(CHANGELIST, params)
        assert response.context["cl"].result_count == 1, params
    assert owner_client.get(CHANGELIST, {"state": "done"}).context["cl"].result_count == 0


def test_reviewer_sees_but_may_not_change(client, staff_reviewer, assignments):
    client.force_login(staff_reviewer)
    assignment = Assignment.objects.get(assignee__username="anna")
    url = reverse("admin:annotations_assignment_change", args=[assignment.pk])

    response = client.post(url, {"state": "done", "due": ""})

    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.ASSIGNED


def test_owner_marks_done_through_the_service(owner_client, owner, assignments):
    assignment = Assignment.objects.get(assignee__username="anna")
    url = reverse("admin:annotations_assignment_change", args=[assignment.pk])

    response = owner_client.post(url, {"state": "done", "due": "2030-04-05"})

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.state, str(assignment.due)) == ("done", "2030-04-05")
    assert assignment.history.first().history_user == owner


def test_assign_action_shows_the_intermediate_page(owner_client, document):
    response = owner_client.post(
        DOCUMENTS, {"action": "assign_to", ACTION_CHECKBOX_NAME: [document.pk]}
    )

    assert response.status_code == 200
    assert "Assign 1 document of" in response.content.decode()
    usernames = [u.username for u in response.context["form"].fields["assignee"].queryset]
    assert usernames == ["anna", "olivia", "rita"]


def test_assign_action_assigns_through_the_service(owner_client, owner, document, annotator):
    response = owner_client.post(
        DOCUMENTS,
        {
            "action": "assign_to",
            ACTION_CHECKBOX_NAME: [document.pk],
            "apply": "Assign",
            "assignee": annotator.pk,
            "due": "2030-06-07",
        },
        follow=True,
    )

    assert "Assigned 1 document(s) to anna" in response.content.decode()
    assignment = Assignment.objects.get()
    assert (assignment.assignee, str(assignment.due), assignment.assigned_by) == (
        annotator,
        "2030-06-07",
        owner,
    )


def test_assign_action_refuses_a_non_member(owner_client, document, outsider):
    response = owner_client.post(
        DOCUMENTS,
        {
            "action": "assign_to",
            ACTION_CHECKBOX_NAME: [document.pk],
            "apply": "Assign",
            "assignee": outsider.pk,
        },
    )

    assert response.status_code == 200  # the page again, with the form's error
    assert response.context["form"].errors["assignee"]
    assert not Assignment.objects.exists()


def test_assign_action_is_for_owners(client, staff_reviewer, document, annotator):
    client.force_login(staff_reviewer)

    response = client.post(
        DOCUMENTS,
        {
            "action": "assign_to",
            ACTION_CHECKBOX_NAME: [document.pk],
            "apply": "Assign",
            "assignee": annotator.pk,
        },
        follow=True,
    )

    assert response.status_code == 200
    assert not Assignment.objects.exists()


def test_staff_annotator_sees_the_list(client, annotator, assignments):
    client.force_login(make_staff(annotator))

    assert client.get(CHANGELIST).status_code == 200


def test_history_page_says_who_changed_what(owner_client, annotator, assignments):
    assignment = Assignment.objects.get(assignee__username="anna")
    services.update_assignment(user=annotator, assignment=assignment, state="done")
    url = reverse("admin:annotations_assignment_history", args=[assignment.pk])

    html = owner_client.get(url).content.decode()

    assert "marked done" in html and "anna" in html
    assert "assigned" in html and "olivia" in html
