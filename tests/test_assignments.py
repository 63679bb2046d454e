"""Assignment rules in ``annotations.services.assignments`` and the model's constraints."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from annotations import messages, services
from annotations.models import Assignment, AssignmentState
from tests.factories import make_annotation, make_document


@pytest.fixture
def assignment(owner, document, annotator):
    return services.assign_document(user=owner, document=document, assignee=annotator).created[0]


def test_one_document_many_assignees_many_documents(owner, project, annotator, reviewer):
    documents = [make_document(project, text=f"Text {n}.") for n in range(2)]

    result = services.assign_documents(
        user=owner, documents=documents, assignees=[annotator, reviewer]
    )

    assert len(result.created) == 4 and result.existing == []
    assert {(a.document_id, a.assignee_id) for a in Assignment.objects.all()} == {
        (d.pk, u.pk) for d in documents for u in (annotator, reviewer)
    }


@pytest.mark.parametrize("role", ["reviewer", "annotator"])
def test_only_owners_assign(request, document, annotator, role):
    with pytest.raises(PermissionDenied, match=messages.CANNOT_ASSIGN):
        services.assign_document(
            user=request.getfixturevalue(role), document=document, assignee=annotator
        )


def test_assignee_outside_the_project_is_refused_and_nothing_is_saved(
    owner, document, annotator, outsider
):
    with pytest.raises(ValidationError) as caught:
        services.assign_documents(user=owner, documents=[document], assignees=[annotator, outsider])

    assert caught.value.message_dict == {
        "assignee": [
            messages.ASSIGNEE_NOT_MEMBER.format(user=outsider.pk, project=document.project.name)
        ]
    }
    assert not Assignment.objects.exists()


def test_reassigning_is_idempotent(owner, document, annotator, assignment):
    again = services.assign_document(user=owner, document=document, assignee=annotator)

    assert again.created == [] and [a.pk for a in again.existing] == [assignment.pk]
    assert Assignment.objects.count() == 1


def test_database_refuses_a_second_row_for_the_same_pair(owner, document, annotator, assignment):
    with pytest.raises(IntegrityError):
        Assignment.objects.create(document=document, assignee=annotator)


def test_state_moves_on_the_first_save_and_history_says_who(annotator, document, assignment):
    make_annotation(document, user=annotator)

    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.IN_PROGRESS
    latest = assignment.history.first()
    assert (latest.state, latest.history_user, latest.history_change_reason) == (
        "in_progress",
        annotator,
        "first save",
    )


def test_someone_elses_save_does_not_move_the_assignment(reviewer, document, assignment):
    make_annotation(document, user=reviewer)

    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.ASSIGNED


def test_an_edit_also_counts_as_activity(owner, annotator, document, assignment):
    annotation = make_annotation(document, user=annotator)
    services.update_assignment(user=annotator, assignment=assignment, state="assigned")

    services.update_annotation(
        user=annotator, annotation=annotation, expected_version=None, rationale="x"
    )

    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.IN_PROGRESS


def test_the_hook_costs_one_update_whatever_the_state(
    django_assert_num_queries, annotator, document, assignment
):
    services.update_assignment(user=annotator, assignment=assignment, state="done")

    with django_assert_num_queries(1) as captured:
        services.note_activity(user=annotator, document_ids=[document.pk])

    assert captured.captured_queries[0]["sql"].startswith("UPDATE")


def test_the_hook_costs_one_update_without_assignments(
    django_assert_num_queries, annotator, document
):
    with django_assert_num_queries(1):
        services.note_activity(user=annotator, document_ids=[document.pk])


def test_done_then_reopen_are_in_history(owner, annotator, assignment):
    services.update_assignment(user=annotator, assignment=assignment, state="done")
    assert assignment.done_at is not None
    services.update_assignment(user=owner, assignment=assignment, state="in_progress")

    reasons = [(h.history_user, h.history_change_reason) for h in assignment.history.all()]
    assert reasons == [(owner, "reopened"), (annotator, "marked done"), (owner, "assigned")]
    assignment.refresh_from_db()
    assert assignment.done_at is None


def test_reviewer_may_not_mark_someone_elses_done(reviewer, assignment):
    with pytest.raises(PermissionDenied, match=messages.CANNOT_CHANGE_ASSIGNMENT):
        services.update_assignment(user=reviewer, assignment=assignment, state="done")


def test_only_owners_delete(owner, annotator, assignment):
    with pytest.raises(PermissionDenied, match=messages.CANNOT_DELETE_ASSIGNMENT):
        services.delete_assignment(user=annotator, assignment=assignment)

    services.delete_assignment(user=owner, assignment=assignment)

    assert not Assignment.objects.exists()
    assert assignment.history.model.objects.filter(history_type="-").get().history_user == owner


def test_done_and_open_querysets(owner, annotator, reviewer, document, assignment):
    [other] = services.assign_document(user=owner, document=document, assignee=reviewer).created
    services.update_assignment(user=annotator, assignment=assignment, state="done")

    assert list(Assignment.objects.done()) == [assignment]
    assert list(Assignment.objects.open()) == [other]
