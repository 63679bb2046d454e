"""Projects, their default claim types and their members."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from annotations import messages, permissions
from annotations.models import ClaimType, Membership, Project, Role

# The default news taxonomy every new project starts with: (slug, name, colour, description).
DEFAULT_CLAIM_TYPES = [
    ("statistic", "Statistic / quantity", "#1f77b4", "Numbers, amounts, rates, rankings."),
    ("quote", "Quote / attribution", "#9467bd", "What someone is reported to have said."),
    ("causal", "Causal", "#d62728", "One thing caused or will cause another."),
    ("comparison", "Comparison", "#ff7f0e", "More, less, first, biggest, compared with."),
    ("prediction", "Prediction", "#17becf", "A claim about the future."),
    ("law-policy", "Law / policy", "#2ca02c", "What a law, rule or policy says or does."),
    ("event", "Event / fact", "#8c564b", "Something that happened: who, what, when, where."),
    ("opinion", "Opinion (not checkable)", "#7f7f7f", "A value judgement; cannot be verified."),
]


def seed_default_claim_types(project: Project) -> list[ClaimType]:
    """Give a project the default taxonomy unless it already has claim types."""
    if project.claim_types.exists():
        return list(project.claim_types.all())
    return ClaimType.objects.bulk_create(
        ClaimType(
            project=project,
            slug=slug,
            name=name,
            color=color,
            description=description,
            shortcut=str(position + 1),
            position=position,
            is_default=slug == "event",
        )
        for position, (slug, name, color, description) in enumerate(DEFAULT_CLAIM_TYPES)
    )


@transaction.atomic
def create_project(*, name: str, slug: str, owner=None, description: str = "") -> Project:
    project = Project(name=name, slug=slug, description=description)
    project.full_clean()
    project.save()
    seed_default_claim_types(project)
    if owner is not None:
        Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    return project


@transaction.atomic
def add_member(*, project: Project, user, role: str = Role.ANNOTATOR) -> Membership:
    """Add ``user`` to ``project`` or change their role, keeping the project an owner."""
    return _set_roles(project, {user.pk: role})[user.pk]


# --- members ------------------------------------------------------------------------------


def check_keeps_an_owner(*, project: Project, roles: dict, current: dict | None = None) -> None:
    """Refuse membership changes that would leave a project that has an owner without one.

    ``roles`` maps user ids to their new role in the project, or None for removal. The
    rule binds superusers too: they can make someone else an owner first.
    """
    if current is None:
        current = dict(Membership.objects.filter(project=project).values_list("user_id", "role"))
    after = {**current, **roles}
    if Role.OWNER in current.values() and Role.OWNER not in after.values():
        raise ValidationError(messages.LAST_OWNER, code="last_owner")


@transaction.atomic
def change_members(*, user, project: Project, roles: dict) -> dict[int, Membership]:
    """Add, change and remove several members at once (user id → role, or None to remove).

    Checked as a whole, so one save may promote a new owner and demote the old one.
    Returns the memberships that remain, by user id.
    """
    if not permissions.can_manage_project(user, project):
        raise PermissionDenied(messages.CANNOT_MANAGE_MEMBERS)
    return _set_roles(project, roles)


def change_membership(*, user, project: Project, member, role: str) -> Membership:
    """Add ``member`` to ``project`` with ``role``, or change their role."""
    return change_members(user=user, project=project, roles={member.pk: role})[member.pk]


def remove_member(*, user, membership: Membership) -> None:
    change_members(user=user, project=membership.project, roles={membership.user_id: None})


@transaction.atomic
def remove_members(*, user, memberships) -> None:
    """Remove several memberships, possibly of several projects; all or none."""
    for project, roles in _removals(memberships):
        change_members(user=user, project=project, roles=roles)


def check_removable(memberships) -> None:
    """``check_keeps_an_owner`` for removing these, so a confirmation page can refuse early."""
    for project, roles in _removals(memberships):
        check_keeps_an_owner(project=project, roles=roles)


def _removals(memberships) -> list[tuple[Project, dict]]:
    by_project: dict[int, tuple[Project, dict]] = {}
    for membership in memberships:
        _, roles = by_project.setdefault(membership.project_id, (membership.project, {}))
        roles[membership.user_id] = None
    return list(by_project.values())


def _set_roles(project: Project, roles: dict) -> dict[int, Membership]:
    # Lock the project's memberships, so two owners cannot demote each other at once.
    current = dict(
        Membership.objects.select_for_update()
        .filter(project=project)
        .values_list("user_id", "role")
    )
    unknown = {role for role in roles.values() if role is not None} - set(Role.values)
    if unknown:
        raise ValidationError(f"Unknown role {sorted(unknown)[0]!r}.", code="invalid_role")
    check_keeps_an_owner(project=project, roles=roles, current=current)
    removed = [user_id for user_id, role in roles.items() if role is None]
    if removed:
        Membership.objects.filter(project=project, user_id__in=removed).delete()
    return {
        user_id: Membership.objects.update_or_create(
            project=project, user_id=user_id, defaults={"role": role}
        )[0]
        for user_id, role in roles.items()
        if role is not None
    }
