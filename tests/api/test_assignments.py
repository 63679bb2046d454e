"""``/api/v1/assignments/``: who may see, make, finish and delete assignments, and how.

The cast: ``project`` has an owner, a reviewer, the annotator ``anna`` (the assignee) and a
second annotator ``alex``; ``oscar`` is an outsider who owns another project.
"""

import datetime

import pytest

from annotations import messages, services
from annotations.models import Assignment, AssignmentState
from tests.factories import UserFactory, make_annotation, make_document

LIST = "/api/v1/assignments/"
ROLES = ["owner", "reviewer", "assignee", "other_annotator", "outsider", "anonymous", "superuser"]


def detail(assignment):
    return f"{LIST}{assignment.pk}/"


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def cast(owner, reviewer, annotator, second_annotator, outsider, superuser):
    return {
        "owner": owner,
        "reviewer": reviewer,
        "assignee": annotator,
        "other_annotator": second_annotator,
        "outsider": outsider,
        "anonymous": None,
        "superuser": superuser,
    }


@pytest.fixture
def assigned(owner, document, annotator, second_annotator):
    """The document assigned to both annotators; returns anna's assignment."""
    services.assign_documents(
        user=owner, documents=[document], assignees=[annotator, second_annotator]
    )
    return Assignment.objects.get(document=document, assignee=annotator)


@pytest.fixture
def fresh_document(project):
    return make_document(project, title="Fresh", text="One fresh sentence. And a second one.")


# --- the permissions matrix -----------------------------------------------------------

# Expected status by role, in the order of ROLES.
MATRIX = {
    "list": (200, 200, 200, 200, 200, 401, 200),
    "detail": (200, 200, 200, 404, 404, 401, 200),
    "create": (201, 403, 403, 403, 400, 401, 201),
    "mark_done": (200, 403, 200, 404, 404, 401, 200),
    "change_due": (200, 403, 403, 404, 404, 401, 200),
    "delete": (204, 403, 403, 404, 404, 401, 204),
}


def operation(name, assigned, fresh_document, annotator):
    return {
        "list": ("get", LIST, None),
        "detail": ("get", detail(assigned), None),
        "create": ("post", LIST, {"document": fresh_document.pk, "assignee": annotator.pk}),
        "mark_done": ("patch", detail(assigned), {"state": "done"}),
        "change_due": ("patch", detail(assigned), {"due": "2030-01-31"}),
        "delete": ("delete", detail(assigned), None),
    }[name]


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permissions_matrix(client_for, cast, assigned, fresh_document, annotator, role, name):
    method, path, body = operation(name, assigned, fresh_document, annotator)
    before = Assignment.objects.count()

    response = getattr(client_for(cast[role]), method)(path, body, format="json")

    expected = MATRIX[name][ROLES.index(role)]
    assert response.status_code == expected, response.content
    if expected >= 400:  # a refusal changes nothing
        assigned.refresh_from_db()
        assert (assigned.state, assigned.due) == (AssignmentState.ASSIGNED, None)
        assert Assignment.objects.count() == before


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        ("owner", {"anna", "alex"}),
        ("reviewer", {"anna", "alex"}),
        ("assignee", {"anna"}),
        ("other_annotator", {"alex"}),
        ("outsider", set()),
        ("superuser", {"anna", "alex"}),
    ],
)
def test_list_shows_annotators_only_their_own(client_for, cast, assigned, role, seen):
    rows = client_for(cast[role]).get(LIST).json()["results"]

    assert {row["assignee"]["username"] for row in rows} == seen


def test_representation(client_for, owner, assigned, document):
    row = client_for(owner).get(detail(assigned)).json()

    assert row == {
        "id": assigned.pk,
        "document": document.pk,
        "document_title": document.title,
        "project": document.project_id,
        "assignee": {"id": assigned.assignee_id, "username": "anna"},
        "state": "assigned",
        "due": None,
        "assigned_by": {"id": owner.pk, "username": "olivia"},
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "done_at": None,
    }


# --- creating -------------------------------------------------------------------------


def test_owner_assigns_one_document_with_a_due_date(client_for, owner, annotator, fresh_document):
    response = client_for(owner).post(
        LIST,
        {"document": fresh_document.pk, "assignee": annotator.pk, "due": "2030-05-01"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["existing"] == []
    [created] = body["created"]
    assert (created["document"], created["due"], created["state"]) == (
        fresh_document.pk,
        "2030-05-01",
        "assigned",
    )


def test_owner_assigns_many_documents_at_once(client_for, owner, annotator, project):
    documents = [make_document(project, text=f"Text number {n}.") for n in range(3)]

    response = client_for(owner).post(
        LIST, {"documents": [d.pk for d in documents], "assignee": annotator.pk}, format="json"
    )

    assert response.status_code == 201
    assert [row["document"] for row in response.json()["created"]] == [d.pk for d in documents]
    assert Assignment.objects.filter(assignee=annotator).count() == 3


def test_reassigning_is_reported_and_updates_the_due_date(client_for, owner, annotator, assigned):
    services.update_assignment(user=annotator, assignment=assigned, state="done")
    body = {"document": assigned.document_id, "assignee": annotator.pk, "due": "2031-02-03"}

    response = client_for(owner).post(LIST, body, format="json")

    assert response.status_code == 200
    result = response.json()
    assert result["created"] == []
    assert [(row["id"], row["due"], row["state"]) for row in result["existing"]] == [
        (assigned.pk, "2031-02-03", "done")
    ]


def test_reassigning_without_due_keeps_it(client_for, owner, annotator, fresh_document):
    client = client_for(owner)
    first = {"document": fresh_document.pk, "assignee": annotator.pk, "due": "2030-05-01"}
    client.post(LIST, first, format="json")

    again = client.post(
        LIST, {"document": fresh_document.pk, "assignee": annotator.pk}, format="json"
    )

    assert again.json()["existing"][0]["due"] == "2030-05-01"


def test_assignee_must_be_a_member(client_for, owner, outsider, fresh_document, project):
    response = client_for(owner).post(
        LIST, {"document": fresh_document.pk, "assignee": outsider.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "assignee": [messages.ASSIGNEE_NOT_MEMBER.format(user=outsider.pk, project=project.name)]
    }
    assert not Assignment.objects.exists()


def test_unknown_user_reads_like_a_non_member(client_for, owner, fresh_document, project):
    response = client_for(owner).post(
        LIST, {"document": fresh_document.pk, "assignee": 999_999}, format="json"
    )

    assert response.json() == {
        "assignee": [messages.ASSIGNEE_NOT_MEMBER.format(user=999_999, project=project.name)]
    }


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"assignee": 1}, {"document": [messages.ASSIGNMENT_NO_DOCUMENTS]}),
        (
            {"document": "DOC", "documents": ["DOC"], "assignee": 1},
            {"documents": [messages.ASSIGNMENT_DOCUMENT_OR_DOCUMENTS]},
        ),
        ({"document": "DOC", "assignee": 1, "colour": "red"}, {"colour": [messages.UNKNOWN_FIELD]}),
        ({"document": "DOC", "assignee": 1, "state": "done"}, {"state": [messages.UNKNOWN_FIELD]}),
        ({"document": "DOC", "assignee": 1, "due": "soon"}, "due"),
        ({"documents": [], "assignee": 1}, "documents"),
        ({"document": "DOC"}, "assignee"),
    ],
)
def test_bad_create_bodies_answer_400(client_for, owner, fresh_document, body, errors):
    body = {
        key: (
            fresh_document.pk
            if value == "DOC"
            else [fresh_document.pk]
            if value == ["DOC"]
            else value
        )
        for key, value in body.items()
    }

    response = client_for(owner).post(LIST, body, format="json")

    assert response.status_code == 400
    if isinstance(errors, dict):
        assert response.json() == errors
    else:
        assert list(response.json()) == [errors]
    assert not Assignment.objects.exists()


def test_documents_of_two_projects_are_refused(
    client_for, superuser, annotator, fresh_document, other_document
):
    response = client_for(superuser).post(
        LIST,
        {"documents": [fresh_document.pk, other_document.pk], "assignee": annotator.pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"documents": [messages.ASSIGNMENT_MIXED_PROJECTS]}


def test_a_foreign_document_reads_as_missing(client_for, owner, annotator, other_document):
    response = client_for(owner).post(
        LIST, {"documents": [other_document.pk], "assignee": annotator.pk}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "documents": [messages.EXPORT_NO_SUCH_DOCUMENT.format(key=other_document.pk)]
    }


# --- changing -------------------------------------------------------------------------


def test_assignee_marks_done_and_reopens(client_for, annotator, assigned):
    client = client_for(annotator)

    done = client.patch(detail(assigned), {"state": "done"}, format="json").json()
    reopened = client.patch(detail(assigned), {"state": "in_progress"}, format="json").json()

    assert done["state"] == "done" and done["done_at"] is not None
    assert reopened["state"] == "in_progress" and reopened["done_at"] is None


def test_annotator_may_not_move_the_due_date(client_for, annotator, assigned):
    response = client_for(annotator).patch(
        detail(assigned), {"due": "2030-01-01", "state": "done"}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {"detail": messages.CANNOT_CHANGE_DUE}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"state": "finished"}, "state"),
        ({"assignee": 1}, "assignee"),
        ({"document": 1}, "document"),
        ({"due": "31/01/2030"}, "due"),
    ],
)
def test_bad_patch_bodies_answer_400(client_for, owner, assigned, body, field):
    response = client_for(owner).patch(detail(assigned), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


# --- filters --------------------------------------------------------------------------


@pytest.fixture
def spread(owner, project, annotator, second_annotator, assigned):
    """anna: one assigned, one done; alex: one assigned, on the first document."""
    other = make_document(project, text="Another text entirely.")
    [done] = services.assign_document(user=owner, document=other, assignee=annotator).created
    services.update_assignment(user=annotator, assignment=done, state="done")
    return {"assigned": assigned, "done": done, "other": other}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "done"}, [("anna", "done")]),
        ({"state": "assigned,in_progress"}, [("anna", "assigned"), ("alex", "assigned")]),
        ({"assignee": "ANNA"}, [("anna", "assigned"), ("anna", "done")]),
        ({"document": "OTHER"}, [("anna", "done")]),
        ({"project": "PROJECT"}, [("anna", "assigned"), ("alex", "assigned"), ("anna", "done")]),
    ],
)
def test_filters(client_for, owner, project, annotator, spread, params, expected):
    values = {"ANNA": annotator.pk, "OTHER": spread["other"].pk, "PROJECT": project.pk}
    params = {key: values.get(value, value) for key, value in params.items()}

    rows = client_for(owner).get(LIST, params).json()["results"]

    assert [(row["assignee"]["username"], row["state"]) for row in rows] == expected


@pytest.mark.parametrize(
    ("params", "status"),
    [({"state": "late"}, 400), ({"colour": "red"}, 400), ({"project": "FOREIGN"}, 404)],
)
def test_bad_filters(client_for, owner, other_project, assigned, params, status):
    params = {key: other_project.pk if v == "FOREIGN" else v for key, v in params.items()}

    response = client_for(owner).get(LIST, params)

    assert response.status_code == status


# --- query counts ---------------------------------------------------------------------


def _assign_many(owner, project, annotators, count):
    documents = [make_document(project, text=f"Sentence {n} here.") for n in range(count)]
    services.assign_documents(user=owner, documents=documents, assignees=annotators)
    return documents


@pytest.mark.parametrize("count", [1, 12])
def test_list_runs_a_fixed_number_of_queries(
    client_for, django_assert_num_queries, owner, project, annotator, second_annotator, count
):
    _assign_many(owner, project, [annotator, second_annotator], count)
    client = client_for(owner)

    # count + page of rows, joined with documents and users
    with django_assert_num_queries(2):
        response = client.get(LIST)

    assert response.json()["count"] == 2 * count


@pytest.mark.parametrize("count", [1, 12])
def test_bulk_assign_runs_a_fixed_number_of_queries(
    client_for, django_assert_num_queries, owner, project, annotator, count
):
    documents = [make_document(project, text=f"Sentence {n} here.") for n in range(count)]
    client = client_for(owner)
    body = {"documents": [d.pk for d in documents], "assignee": annotator.pk}

    # documents, user, role, members, existing pairs, rows rendered; insert and history
    # inside two savepoints (the service's atomic block and the insert's).
    with django_assert_num_queries(12):
        response = client.post(LIST, body, format="json")

    assert len(response.json()["created"]) == count


# --- the hook from annotation saves ---------------------------------------------------


def test_first_save_puts_the_assignment_in_progress(client_for, annotator, assigned, document):
    make_annotation(document, user=annotator)

    row = client_for(annotator).get(detail(assigned)).json()
    assert row["state"] == "in_progress"


def test_done_stays_done_when_the_assignee_saves_again(annotator, assigned, document):
    services.update_assignment(user=annotator, assignment=assigned, state="done")

    make_annotation(document, user=annotator)

    assigned.refresh_from_db()
    assert assigned.state == AssignmentState.DONE


def test_due_dates_are_dates(owner, assigned):
    services.update_assignment(user=owner, assignment=assigned, due=datetime.date(2030, 1, 2))

    assigned.refresh_from_db()
    assert assigned.due == datetime.date(2030, 1, 2)
