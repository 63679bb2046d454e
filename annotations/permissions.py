"""Who may do what. The admin, the API and the browser pages all ask here."""

from annotations.models import Membership, Role

EDITOR_ROLES = frozenset({Role.REVIEWER, Role.OWNER})


def role_in(user, project, *, annotated=None) -> str | None:
    """The user's role in ``project`` (a Project or its id); superusers act as owners.

    ``annotated`` may be a row read with ``with_caller_role(user)``: its role is used
    instead of a query (only if it was read for this very user).
    """
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.OWNER
    if annotated is not None and getattr(annotated, "caller_id", None) == user.pk:
        return annotated.caller_role
    project_id = getattr(project, "pk", project)
    return (
        Membership.objects.filter(user=user, project_id=project_id)
        .values_list("role", flat=True)
        .first()
    )


def can_view(user, project) -> bool:
    return role_in(user, project) is not None


def can_annotate(user, project) -> bool:
    return role_in(user, project) is not None


def can_edit_annotation(user, annotation, role=None) -> bool:
    role = role or role_in(user, annotation.project_id)
    if role is None:
        return False
    return role in EDITOR_ROLES or annotation.annotator_id == user.pk


def can_review(user, project, role=None) -> bool:
    return (role or role_in(user, project)) in EDITOR_ROLES


def can_manage_project(user, project, role=None) -> bool:
    return (role or role_in(user, project)) == Role.OWNER


def can_see_agreement(user, project, role=None) -> bool:
    """Reviewers and owners: annotators who saw how far they agree would stop being blind."""
    return can_review(user, project, role)


def works_blind(user, project, role=None) -> bool:
    """Would independent annotation hide others' work from ``user`` on a document of
    ``project`` they have an open assignment of: an annotator (not a reviewer or owner)
    in a project with it on. Its query form is ``querysets.blind_document_ids``."""
    role = role or role_in(user, project)
    return bool(project.independent_annotation) and role not in EDITOR_ROLES


def can_create_project(user) -> bool:
    """Creating a project is a site decision: superusers, or the add_project permission."""
    return user.is_authenticated and user.is_active and user.has_perm("annotations.add_project")


def can_delete_project(user) -> bool:
    """Deleting a project deletes all its work; only superusers may."""
    return user.is_authenticated and user.is_active and user.is_superuser


def can_edit_claim(user, project, role=None) -> bool:
    """The desk (reviewers and owners) words claims, sets their verdict, merges them."""
    return (role or role_in(user, project)) in EDITOR_ROLES


# --- assignments --------------------------------------------------------------------------


def can_assign(user, project, role=None) -> bool:
    """Owners hand documents out; they also change due dates and delete assignments."""
    return can_manage_project(user, project, role)


def can_see_assignment(user, assignment, role) -> bool:
    """Reviewers and owners see every assignment of the project; annotators their own."""
    return role in EDITOR_ROLES or (role is not None and assignment.assignee_id == user.pk)


def can_set_assignment_state(user, assignment, role) -> bool:
    """Marking done or reopening belongs to the assignee, and to owners for them."""
    return role == Role.OWNER or (role is not None and assignment.assignee_id == user.pk)


def can_adjudicate(user, project, role=None) -> bool:
    """Settling the annotators' disagreements is a review decision: reviewers and owners."""
    return can_review(user, project, role)
