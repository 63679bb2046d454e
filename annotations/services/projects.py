"""Projects, their claim types and their members: the rules the admin and the API share."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, router, transaction
from django.db.models import Max
from django.db.models.deletion import Collector
from django.utils.text import slugify

from annotations import messages, permissions
from annotations.models import Annotation, ClaimType, Membership, Project, Role, Source

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


# --- projects -----------------------------------------------------------------------------

PROJECT_FIELDS = ("name", "slug", "description", "independent_annotation")


@transaction.atomic
def create_project(
    *,
    name: str,
    slug: str = "",
    owner=None,
    description: str = "",
    independent_annotation: bool = False,
) -> Project:
    """A project with the default claim types; ``owner`` (its creator) becomes its owner.

    Without a slug, one is made from the name. Callers acting for a user check
    ``permissions.can_create_project`` first; commands create projects as the site.
    """
    project = Project(
        name=name,
        slug=slug or _slug_from(name, Project, "slug"),
        description=description,
        independent_annotation=independent_annotation,
    )
    if not project.slug:
        raise ValidationError({"slug": messages.SLUG_EMPTY}, code="slug_empty")
    _save_project(project)
    seed_default_claim_types(project)
    if owner is not None:
        Membership.objects.create(project=project, user=owner, role=Role.OWNER)
    return project


@transaction.atomic
def update_project(*, user, project: Project, **fields) -> Project:
    """Change a project's name, slug, description or independent annotation; owners only."""
    _require_manager(user, project)
    _assign(project, fields, PROJECT_FIELDS)
    _save_project(project)
    return project


def _save_project(project: Project) -> None:
    """Validate and save; a slug taken by a concurrent save is the same 400 as a taken one."""
    project.full_clean()
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError as exc:
        if Project.objects.filter(slug=project.slug).exclude(pk=project.pk).exists():
            raise ValidationError(
                {"slug": project.unique_error_message(Project, ["slug"])}
            ) from exc
        raise


@transaction.atomic
def delete_project(*, user, project: Project) -> None:
    """Delete a project with all its documents, annotations and members; superusers only."""
    if not permissions.can_delete_project(user):
        raise PermissionDenied(messages.CANNOT_DELETE_PROJECT)
    # Annotations protect their claim types from deletion, so they go first: in bulk, with
    # their sources, each deletion kept in history with the acting user.
    collector = Collector(using=router.db_for_write(Annotation))
    for queryset in (
        Source.objects.filter(annotation__project=project),
        Annotation.objects.filter(project=project),
    ):
        rows = list(queryset)
        for row in rows:
            row._history_user = user
        collector.collect(rows)
    collector.delete()
    project.delete()


def _require_manager(user, project) -> None:
    if not permissions.can_manage_project(user, project):
        raise PermissionDenied(messages.CANNOT_MANAGE_PROJECT)


def _assign(instance, fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Not a field you may set: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _slug_from(name: str, model, field: str) -> str:
    return slugify(name)[: model._meta.get_field(field).max_length].strip("-")


# --- claim types --------------------------------------------------------------------------

CLAIM_TYPE_FIELDS = ("slug", "name", "description", "color", "shortcut", "position", "is_default")


class ClaimTypeInUse(ValidationError):
    """A claim type that annotations use cannot be deleted; ``count`` says how many."""

    def __init__(self, count: int):
        self.count = count
        super().__init__(messages.CLAIM_TYPE_IN_USE.format(count=count), code="in_use")


@transaction.atomic
def create_claim_type(*, user, project: Project, **fields) -> ClaimType:
    """A new claim type of ``project``, last in the order unless ``position`` is given."""
    _require_manager(user, project)
    _lock(project.pk)
    if "position" not in fields:
        last = ClaimType.objects.filter(project=project).aggregate(last=Max("position"))["last"]
        fields["position"] = 0 if last is None else last + 1
    return _save_claim_type(ClaimType(project=project), fields)


@transaction.atomic
def update_claim_type(*, user, claim_type: ClaimType, **fields) -> ClaimType:
    _require_manager(user, claim_type.project_id)
    _lock(claim_type.project_id)
    return _save_claim_type(claim_type, fields)


def _save_claim_type(claim_type: ClaimType, fields: dict) -> ClaimType:
    """Validate and save; making this the default takes the mark from the previous one."""
    _assign(claim_type, fields, CLAIM_TYPE_FIELDS)
    if not claim_type.slug:
        claim_type.slug = _slug_from(claim_type.name, ClaimType, "slug")
        if not claim_type.slug:
            raise ValidationError({"slug": messages.SLUG_EMPTY}, code="slug_empty")
    check_claim_type(
        project=claim_type.project_id,
        slug=claim_type.slug,
        shortcut=claim_type.shortcut,
        exclude_pk=claim_type.pk,
    )
    # The constraints are checked above with clearer messages, or kept by moving the default.
    claim_type.full_clean(validate_constraints=False)
    if claim_type.is_default:
        others = ClaimType.objects.filter(project_id=claim_type.project_id, is_default=True)
        others.exclude(pk=claim_type.pk).update(is_default=False)
    claim_type.save()
    return claim_type


def check_claim_type(*, project, slug: str, shortcut: str, exclude_pk=None) -> None:
    """Slugs and shortcuts are unique per project; refuse a taken one, naming its holder."""
    others = ClaimType.objects.filter(project=project).exclude(pk=exclude_pk)
    errors = {}
    holder = others.filter(slug=slug).first() if slug else None
    if holder is not None:
        errors["slug"] = messages.CLAIM_TYPE_SLUG_TAKEN.format(name=holder.name, slug=slug)
    holder = others.filter(shortcut=shortcut).first() if shortcut else None
    if holder is not None:
        errors["shortcut"] = messages.SHORTCUT_TAKEN.format(name=holder.name, shortcut=shortcut)
    if errors:
        raise ValidationError(errors, code="taken")


@transaction.atomic
def reorder_claim_types(*, user, project: Project, order: list[int]) -> list[ClaimType]:
    """Put the project's claim types in ``order`` (every id once); returns them in order."""
    _require_manager(user, project)
    _lock(project.pk)
    claim_types = {claim_type.pk: claim_type for claim_type in project.claim_types.all()}
    if len(order) != len(claim_types) or set(order) != set(claim_types):
        raise ValidationError({"order": messages.CLAIM_TYPE_ORDER}, code="order")
    ordered = [claim_types[pk] for pk in order]
    for position, claim_type in enumerate(ordered):
        claim_type.position = position
    ClaimType.objects.bulk_update(ordered, ["position"])
    return ordered


@transaction.atomic
def delete_claim_type(*, user, claim_type: ClaimType) -> None:
    """Delete a claim type no annotation uses; raises ``ClaimTypeInUse`` otherwise."""
    _require_manager(user, claim_type.project_id)
    # Locking the row makes a concurrent annotation with this type wait, so the count holds.
    _lock_rows(ClaimType.objects.filter(pk=claim_type.pk))
    count = Annotation.objects.filter(claim_type=claim_type).count()
    if count:
        raise ClaimTypeInUse(count)
    claim_type.delete()


def _lock(project_id) -> None:
    """Serialise changes to one project's claim types (their checks read the other rows)."""
    _lock_rows(Project.objects.filter(pk=project_id))


def _lock_rows(queryset) -> None:
    """Lock these rows until the transaction ends (in id order, so lockers never deadlock)."""
    list(queryset.select_for_update().order_by("pk").values_list("pk", flat=True))


# --- members ------------------------------------------------------------------------------


@transaction.atomic
def add_member(*, project: Project, user, role: str = Role.ANNOTATOR) -> Membership:
    """Add ``user`` to ``project`` or change their role, keeping the project an owner.

    No permission check: for commands, fixtures and the admin's creator-becomes-owner step.
    """
    return _set_roles(project, {user.pk: role})[user.pk]


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


class AlreadyAMember(ValidationError):
    """Adding someone who is already a member; their role is changed, not added again."""

    def __init__(self, membership: Membership):
        self.membership = membership
        message = messages.ALREADY_A_MEMBER.format(
            user=membership.user, role=membership.get_role_display().lower()
        )
        super().__init__(message, code="already_a_member")


@transaction.atomic
def add_new_member(*, user, project: Project, member, role: str = Role.ANNOTATOR) -> Membership:
    """Add ``member``, who must not be in the project yet (raises ``AlreadyAMember``)."""
    if not permissions.can_manage_project(user, project):
        raise PermissionDenied(messages.CANNOT_MANAGE_MEMBERS)
    _lock(project.pk)  # two owners adding the same user at once: the second one gets 409
    existing = (
        Membership.objects.select_related("user").filter(project=project, user=member).first()
    )
    if existing is not None:
        raise AlreadyAMember(existing)
    return _set_roles(project, {member.pk: role})[member.pk]


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


# --- users --------------------------------------------------------------------------------


def check_users_deletable(users) -> None:
    """Refuse deleting users who are all the owners a project has, naming the project.

    Deleting a user removes their memberships; the project must keep an owner all the same.
    """
    user_ids = {user.pk for user in users}
    owners_by_project: dict = {}
    owned = Membership.objects.filter(
        role=Role.OWNER,
        project__in=Membership.objects.filter(user_id__in=user_ids, role=Role.OWNER).values(
            "project"
        ),
    ).select_related("user", "project")
    for membership in owned.order_by("project__name", "user__username"):
        owners_by_project.setdefault(membership.project, []).append(membership.user)
    refused = [
        messages.LAST_OWNER_OF.format(
            users=", ".join(owner.username for owner in owners), project=project.name
        )
        for project, owners in owners_by_project.items()
        if all(owner.pk in user_ids for owner in owners)
    ]
    if refused:
        raise ValidationError(refused, code="last_owner")


@transaction.atomic
def delete_users(*, users) -> None:
    """Delete users (the auth admin's delete), refusing to leave a project without owners."""
    users = list(users)
    their_projects = Membership.objects.filter(user__in=users).values("project_id")
    _lock_rows(Membership.objects.filter(project_id__in=their_projects))
    check_users_deletable(users)
    for user in users:
        user.delete()


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
