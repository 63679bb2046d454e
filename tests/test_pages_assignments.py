"""Assignments on the browser pages: My queue, the project page's filters and assign form,
and the workspace's payload."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations import messages, services
from annotations.models import Assignment, Role
from tests.factories import UserFactory, make_document


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def second_annotator(project):
    user = UserFactory(username="alex")
    services.add_member(project=project, user=user, role=Role.ANNOTATOR)
    return user


def assign(owner, document, user, due=None, **changes):
    [assignment] = services.assign_document(
        user=owner, document=document, assignee=user, due=due
    ).created
    if changes:
        services.update_assignment(user=owner, assignment=assignment, **changes)
    return assignment


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


# --- My queue -------------------------------------------------------------------------


def test_queue_order_overdue_then_due_then_oldest(login, owner, project, annotator):
    titles = ["no due (older)", "no due (newer)", "due later", "due soon", "overdue", "done"]
    docs = {title: make_document(project, title=title, text=f"{title}.") for title in titles}
    assign(owner, docs["no due (older)"], annotator)
    assign(owner, docs["no due (newer)"], annotator)
    assign(owner, docs["due later"], annotator, due=days(9))
    assign(owner, docs["due soon"], annotator, due=days(1))
    assign(owner, docs["overdue"], annotator, due=days(-2))
    assign(owner, docs["done"], annotator, due=days(-5), state="done")

    response = login(annotator).get("/")

    shown = [a.document.title for a in response.context["queue"]]
    assert shown == [
        "overdue",
        "due soon",
        "due later",
        "no due (older)",
        "no due (newer)",
        "done",
    ]
    html = response.content.decode()
    assert f'href="{reverse("annotate", args=[docs["overdue"].pk])}"' in html
    assert html.count("overdue</strong>") == 1  # done is never overdue


def test_queue_shows_only_my_assignments(login, owner, document, annotator, second_annotator):
    assign(owner, document, second_annotator)

    response = login(annotator).get("/")

    assert list(response.context["queue"]) == []
    assert "Nothing is assigned to you." in response.content.decode()


def test_home_query_count_does_not_grow_with_the_queue(
    login, owner, project, annotator, django_assert_max_num_queries
):
    for n in range(6):
        assign(owner, make_document(project, text=f"Text {n}."), annotator, due=days(n - 3))
    client = login(annotator)

    with django_assert_max_num_queries(5):
        response = client.get("/")

    assert len(response.context["queue"]) == 6


# --- project page ---------------------------------------------------------------------


@pytest.fixture
def spread(owner, project, annotator, second_annotator):
    docs = [make_document(project, title=f"Doc {n}", text=f"Text {n}.") for n in range(3)]
    assign(owner, docs[0], annotator)
    assign(owner, docs[1], annotator, state="done")
    assign(owner, docs[1], second_annotator)
    return docs


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Doc 0", "Doc 1", "Doc 2"]),
        ({"assignee": "ANNA"}, ["Doc 0", "Doc 1"]),
        ({"state": "done"}, ["Doc 1"]),
        ({"assignee": "ANNA", "state": "assigned"}, ["Doc 0"]),
        ({"assignee": "ALEX", "state": "done"}, []),
    ],
)
def test_project_page_filters_by_assignee_and_state(
    login, owner, project, annotator, second_annotator, spread, params, expected
):
    ids = {"ANNA": annotator.pk, "ALEX": second_annotator.pk}
    params = {key: ids.get(value, value) for key, value in params.items()}

    response = login(owner).get(reverse("project", args=[project.pk]), {**params, "sort": "title"})

    assert [d.title for d in response.context["page"].object_list] == expected


def test_project_page_shows_who_is_assigned(login, owner, project, spread):
    html = login(owner).get(reverse("project", args=[project.pk])).content.decode()

    assert "alex (assigned)" in html and "anna (done)" in html


def test_annotators_see_only_their_own_assignments_on_the_project_page(
    login, project, second_annotator, spread
):
    html = login(second_annotator).get(reverse("project", args=[project.pk])).content.decode()

    assert "alex (assigned)" in html
    assert "anna (" not in html
    assert 'id="assign-form"' not in html  # owners only


def test_bad_filter_is_a_400(login, owner, project, outsider):
    url = reverse("project", args=[project.pk])
    assert login(owner).get(url, {"assignee": outsider.pk}).status_code == 400
    assert login(owner).get(url, {"state": "late"}).status_code == 400


def test_project_page_query_count_does_not_grow_with_assignments(
    login, owner, project, annotator, second_annotator, django_assert_num_queries
):
    client = login(owner)
    url = reverse("project", args=[project.pk])

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    for n in range(2):
        assign(owner, make_document(project, text=f"First {n}."), annotator)
    small = count()
    for n in range(8):
        document = make_document(project, text=f"More {n}.")
        assign(owner, document, annotator)
        assign(owner, document, second_annotator)
    assert count() == small


def test_owner_assigns_selected_documents(login, owner, project, annotator, spread):
    url = reverse("assign_documents", args=[project.pk])

    response = login(owner).post(
        url,
        {"documents": [spread[1].pk, spread[2].pk], "assignee": annotator.pk, "due": "2030-03-04"},
        follow=True,
    )

    assert "Assigned 1 document to anna. 1 already assigned to them." in response.content.decode()
    rows = Assignment.objects.filter(assignee=annotator).order_by("document__title")
    assert [(a.document.title, str(a.due), a.state) for a in rows] == [
        ("Doc 0", "None", "assigned"),
        ("Doc 1", "2030-03-04", "done"),
        ("Doc 2", "2030-03-04", "assigned"),
    ]


def test_assign_form_needs_a_selection(login, owner, project, annotator):
    response = login(owner).post(
        reverse("assign_documents", args=[project.pk]), {"assignee": annotator.pk}
    )

    assert response.status_code == 400
    assert "Select the documents to assign." in response.content.decode()


def test_assign_form_refuses_a_non_member(login, owner, project, document, outsider):
    response = login(owner).post(
        reverse("assign_documents", args=[project.pk]),
        {"documents": [document.pk], "assignee": outsider.pk},
    )

    assert response.status_code == 400
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("role", ["reviewer", "annotator"])
def test_only_owners_may_assign_from_the_page(request, login, project, document, annotator, role):
    response = login(request.getfixturevalue(role)).post(
        reverse("assign_documents", args=[project.pk]),
        {"documents": [document.pk], "assignee": annotator.pk},
    )

    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_assign_form_needs_csrf(owner, project, document, annotator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.post(
        reverse("assign_documents", args=[project.pk]),
        {"documents": [document.pk], "assignee": annotator.pk},
    )

    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_outsiders_get_404(login, outsider, project, document, annotator):
    response = login(outsider).post(
        reverse("assign_documents", args=[project.pk]),
        {"documents": [document.pk], "assignee": annotator.pk},
    )

    assert response.status_code == 404


# --- workspace ------------------------------------------------------------------------


def workspace_data(response):
    html = response.content.decode()
    match = re.search(r'<script id="workspace-data" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1))


def test_workspace_payload_has_my_assignment(login, owner, document, annotator):
    assignment = assign(owner, document, annotator, due=days(-1))

    data = workspace_data(login(annotator).get(reverse("annotate", args=[document.pk])))

    assert data["assignment"] == {
        "id": assignment.pk,
        "state": "assigned",
        "state_label": "Assigned",
        "states": {"assigned": "Assigned", "in_progress": "In progress", "done": "Done"},
        "due": days(-1).isoformat(),
        "overdue": True,
        "done_at": None,
        "url": f"/api/v1/assignments/{assignment.pk}/",
        "independent": False,
    }


def test_workspace_shows_the_assignment_and_a_mark_done_button(login, owner, document, annotator):
    assign(owner, document, annotator, due=datetime.date(2030, 1, 2))

    html = login(annotator).get(reverse("annotate", args=[document.pk])).content.decode()

    assert '<strong id="assignment-state">Assigned</strong>' in html
    assert '<time datetime="2030-01-02">2030-01-02</time>' in html
    assert '<button type="button" id="btn-mark-done">Mark done</button>' in html
    assert "workspace/assignment.js" in html  # preloaded with the other modules


def test_workspace_payload_is_null_without_an_assignment(login, owner, document, annotator):
    assign(owner, document, annotator)

    data = workspace_data(login(owner).get(reverse("annotate", args=[document.pk])))

    assert data["assignment"] is None
    assert (
        'id="btn-mark-done"'
        not in login(owner).get(reverse("annotate", args=[document.pk])).content.decode()
    )


def test_messages_are_written_once():
    assert messages.CANNOT_ASSIGN.startswith("Only owners")
