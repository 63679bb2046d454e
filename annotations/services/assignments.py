"""Handing documents to members, and the assignment's way from assigned to done.

Re-assigning a pair that already exists is not an error: the assignment keeps its state
and history, and a due date given with it replaces the old one. Callers learn which pairs
were new from ``AssignResult``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from annotations import messages, permissions
from annotations.models import Assignment, AssignmentState, Document, Membership

# One request assigns at most this many documents (times assignees): the API's bound.
MAX_DOCUMENTS_PER_REQUEST = 500


@dataclass
class AssignResult:
    """The assignments of one call: ``created`` are new, ``existing`` were already there."""

    created: list[Assignment] = field(default_factory=list)
    existing: list[Assignment] = field(default_factory=list)

    @property
    def assignments(self) -> list[Assignment]:
        return [*self.created, *self.existing]


_UNSET = object()


@transaction.atomic
def assign_documents(
    *, user, documents: list[Document], assignees: list, due: date | object | None = _UNSET
) -> AssignResult:
    """Assign every document to every assignee (owners only; all or nothing).

    Every assignee must be a member of the documents' project, and the documents must all
    be of one project. ``due`` left out keeps an existing assignment's due date; given
    (even as None) it replaces it.
    """
    documents = list({document.pk: document for document in documents}.values())
    assignees = list({assignee.pk: assignee for assignee in assignees}.values())
    if not documents or not assignees:
        return AssignResult()
    projects = {document.project_id for document in documents}
    if len(projects) > 1:
        raise ValidationError({"documents": messages.ASSIGNMENT_MIXED_PROJECTS})
    project = documents[0].project
    if not permissions.can_assign(user, project):
        raise PermissionDenied(messages.CANNOT_ASSIGN)
    members = set(
        Membership.objects.filter(
            project=project, user__in=[assignee.pk for assignee in assignees]
        ).values_list("user_id", flat=True)
    )
    outside = [assignee for assignee in assignees if assignee.pk not in members]
    if outside:
        raise ValidationError(
            {
                "assignee": messages.ASSIGNEE_NOT_MEMBER.format(
                    user=outside[0].pk, project=project.name
                )
            }
        )
    # Lock the pairs that exist, so a concurrent call cannot change them meanwhile.
    existing = {
        (assignment.document_id, assignment.assignee_id): assignment
        for assignment in Assignment.objects.select_for_update().filter(
            document__in=documents, assignee__in=assignees
        )
    }
    result = AssignResult()
    for document in documents:
        for assignee in assignees:
            assignment = existing.get((document.pk, assignee.pk))
            if assignment is None:
                assignment = Assignment(
                    document=document,
                    assignee=assignee,
                    assigned_by=user,
                    due=None if due is _UNSET else due,
                )
                assignment.full_clean(
                    exclude=["document", "assignee", "assigned_by"], validate_constraints=False
                )
                result.created.append(assignment)
            else:
                result.existing.append(assignment)
    try:
        with transaction.atomic():
            bulk_create_with_history(
                result.created, Assignment, default_user=user, default_change_reason="assigned"
            )
    except IntegrityError as exc:  # a concurrent request assigned the same pair first
        raise ValidationError(messages.ALREADY_ASSIGNED, code="duplicate") from exc
    moved = [
        assignment for assignment in result.existing if due is not _UNSET and assignment.due != due
    ]
    for assignment in moved:
        assignment.due = due
        assignment.updated_at = now = timezone.now()
    if moved:
        bulk_update_with_history(
            moved,
            Assignment,
            ["due", "updated_at"],
            default_user=user,
            default_change_reason="due date changed",
            default_date=now,
        )
    return result


def assign_document(*, user, document: Document, assignee, due=_UNSET) -> AssignResult:
    return assign_documents(user=user, documents=[document], assignees=[assignee], due=due)


@transaction.atomic
def update_assignment(
    *, user, assignment: Assignment, state: str | None = None, due=_UNSET
) -> Assignment:
    """Mark done, reopen (back to in progress), or change the due date.

    The assignee and owners set the state; only owners move the due date.
    """
    project_id = assignment.document.project_id
    role = permissions.role_in(user, project_id)
    if role is None:
        raise PermissionDenied(messages.NOT_A_MEMBER)
    reasons = []
    if due is not _UNSET and due != assignment.due:
        if not permissions.can_assign(user, project_id, role=role):
            raise PermissionDenied(messages.CANNOT_CHANGE_DUE)
        assignment.due = due
        reasons.append("due date changed")
    if state is not None and state != assignment.state:
        if not permissions.can_set_assignment_state(user, assignment, role):
            raise PermissionDenied(messages.CANNOT_CHANGE_ASSIGNMENT)
        reopened = assignment.state == AssignmentState.DONE
        assignment.state = state
        assignment.done_at = timezone.now() if state == AssignmentState.DONE else None
        reasons.append("reopened" if reopened else f"marked {state.replace('_', ' ')}")
    if reasons:
        assignment.full_clean(
            exclude=["document", "assignee", "assigned_by"], validate_constraints=False
        )
        assignment._history_user = user
        assignment._change_reason = "; ".join(reasons)
        assignment.save()
    return assignment


@transaction.atomic
def delete_assignment(*, user, assignment: Assignment) -> None:
    if not permissions.can_assign(user, assignment.document.project_id):
        raise PermissionDenied(messages.CANNOT_DELETE_ASSIGNMENT)
    assignment._history_user = user
    assignment.delete()


def note_activity(*, user, document_ids: Iterable[int]) -> None:
    """The assignee saved something in these documents: their assignments are under way.

    Called by every annotation save, so it costs one conditional UPDATE and nothing else
    unless it moved an assignment (once in its life), which is then written to history.
    ``annotations_sql`` does the same inside its create statement: change both together.
    """
    moved_at = timezone.now()
    mine = Assignment.objects.filter(document_id__in=set(document_ids), assignee_id=user.pk)
    moved = mine.filter(state=AssignmentState.ASSIGNED).update(
        state=AssignmentState.IN_PROGRESS, updated_at=moved_at
    )
    if moved:
        # The rows this UPDATE moved carry its timestamp; a concurrent save moved none twice.
        started = list(mine.filter(state=AssignmentState.IN_PROGRESS, updated_at=moved_at))
        Assignment.history.bulk_history_create(
            started, default_user=user, default_change_reason="first save"
        )
