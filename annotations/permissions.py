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
