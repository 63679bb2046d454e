"""Every write that has a rule. The admin, the API, the pages and the commands call these.

Each service is atomic, checks permission with ``annotations.permissions``, validates with
``full_clean()`` and records history with the acting user.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from annotations import messages, permissions
from annotations.models import (
    Annotation,
    ClaimType,
    Document,
    Membership,
    Project,
    ReviewState,
    Role,
    Sentence,
    Source,
    VerificationStatus,
)
from annotations.segmentation import segment

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


class VersionConflict(Exception):
    """The client edited an annotation based on a version that is no longer current."""

    def __init__(self, current: Annotation | None):
        super().__init__(messages.VERSION_CONFLICT)
        self.current = current


# --- projects -----------------------------------------------------------------------------


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


# --- documents ----------------------------------------------------------------------------


class DocumentImportError(ValueError):
    """A document could not be imported; the message says why, for the user."""

    def __init__(self, message: str, *, code: str, document: Document | None = None):
        super().__init__(message)
        self.code = code
        self.document = document


@dataclass
class DocumentInput:
    """One document to import, however it arrived (form, API, file, JSON record)."""

    title: str
    text: str
    url: str = ""
    publisher: str = ""
    published_at: datetime | date | None = None
    language: str = "en"
    extra: dict = field(default_factory=dict)


def normalize_text(text: str) -> str:
    """One newline convention and no byte-order mark, so hashes and offsets agree."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def decode_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentImportError(messages.NOT_UTF8, code="not_utf8") from exc


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_size(size_in_bytes: int) -> None:
    limit = settings.FACTCHECK_MAX_DOCUMENT_BYTES
    if size_in_bytes > limit:
        raise DocumentImportError(messages.TOO_LARGE.format(limit=limit), code="too_large")


@transaction.atomic
def import_document(*, project: Project, data: DocumentInput, created_by=None) -> Document:
    """Create a document and all its sentences, or nothing.

    Raises ``DocumentImportError`` for empty, oversized or duplicate text; the duplicate
    error carries the existing document.
    """
    text = normalize_text(data.text)
    check_size(len(text.encode("utf-8")))
    if not text.strip():
        raise DocumentImportError(messages.EMPTY_TEXT, code="empty")
    title = (data.title or "").strip()
    if not title:
        raise DocumentImportError(messages.MISSING_TITLE, code="missing_title")
    digest = content_hash(text)
    existing = Document.objects.filter(project=project, content_hash=digest).first()
    if existing is not None:
        raise DocumentImportError(
            messages.DUPLICATE_DOCUMENT.format(id=existing.pk, title=existing.title),
            code="duplicate",
            document=existing,
        )
    published_at = data.published_at
    if isinstance(published_at, date) and not isinstance(published_at, datetime):
        published_at = datetime(published_at.year, published_at.month, published_at.day)
    if isinstance(published_at, datetime) and timezone.is_naive(published_at):
        published_at = timezone.make_aware(published_at, timezone.get_current_timezone())
    document = Document(
        project=project,
        title=title[:500],
        text=text,
        content_hash=digest,
        url=data.url or "",
        publisher=data.publisher or "",
        published_at=published_at,
        language=data.language or "en",
        created_by=created_by,
    )
    document.full_clean(exclude=["content_hash"])
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:  # the same text imported concurrently
        raise DocumentImportError(
            messages.DUPLICATE_DOCUMENT.format(id="?", title=title), code="duplicate"
        ) from exc
    Sentence.objects.bulk_create(
        (
            Sentence(
                document=document,
                index=index,
                start=span.start,
                end=span.end,
                paragraph=span.paragraph,
                text=text[span.start : span.end],
            )
            for index, span in enumerate(segment(text))
        ),
        batch_size=1000,
    )
    return document


# --- annotations --------------------------------------------------------------------------

SOURCE_FIELDS = ("url", "title", "publisher", "stance", "excerpt", "accessed_at")
CONTENT_FIELDS = ("claim_type", "verification_status", "rationale", "start", "end")


def _require_edit(user, annotation: Annotation) -> str:
    role = permissions.role_in(user, annotation.project_id)
    if role is None:
        raise PermissionDenied(messages.NOT_A_MEMBER)
    if not permissions.can_edit_annotation(user, annotation, role=role):
        raise PermissionDenied(messages.CANNOT_EDIT)
    return role


def _claim_version(annotation: Annotation, expected_version: int | None) -> None:
    """Atomically take the next version, or raise ``VersionConflict``.

    The conditional UPDATE is the lock: on PostgreSQL it locks the row, on SQLite the
    database, so two writers holding the same version cannot both succeed.
    """
    queryset = Annotation.objects.filter(pk=annotation.pk)
    if expected_version is not None:
        queryset = queryset.filter(version=expected_version)
    if not queryset.update(version=F("version") + 1):
        raise VersionConflict(Annotation.objects.with_related().filter(pk=annotation.pk).first())
    annotation.version = Annotation.objects.values_list("version", flat=True).get(pk=annotation.pk)


def _save_sources(annotation: Annotation, sources: list[dict], user) -> None:
    """Make the annotation's sources exactly ``sources``: update by id, add, remove."""
    existing = {source.pk: source for source in annotation.sources.all()}
    keep = set()
    for position, item in enumerate(sources):
        source = existing.get(item.get("id")) if item.get("id") else None
        if source is None:
            source = Source(annotation=annotation)
        for name in SOURCE_FIELDS:
            if name in item:
                setattr(source, name, item[name] if item[name] is not None else "")
        if source.accessed_at == "":
            source.accessed_at = None
        source.position = position
        # Field validators already refuse a bad URL or stance; the database keeps the
        # check constraints, so re-running them here would only add a query each.
        source.full_clean(exclude=["annotation"], validate_constraints=False)
        source._history_user = user
        source.save()
        keep.add(source.pk)
    for pk, source in existing.items():
        if pk not in keep:
            source._history_user = user
            source.delete()


def _validate_annotation(annotation: Annotation) -> None:
    """Check the span and claim type, and derive the quote: never taken from a client."""
    annotation.quote = annotation.document.text[annotation.start : annotation.end]
    # Uniqueness is left to the database, which also catches concurrent duplicates. The
    # quote is derived, so a bad span is reported on the offsets, not as a blank quote.
    annotation.full_clean(
        exclude=["quote", *_loaded_relations(annotation)], validate_constraints=False
    )


def _loaded_relations(instance) -> list[str]:
    """Foreign keys whose row is already in hand: checking that it exists costs a query each."""
    return [
        field.name
        for field in instance._meta.concrete_fields
        if field.is_relation and field.is_cached(instance)
    ]


@transaction.atomic
def create_annotation(
    *,
    user,
    sentence: Sentence,
    claim_type: ClaimType,
    start: int | None = None,
    end: int | None = None,
    verification_status: str = VerificationStatus.UNVERIFIED,
    rationale: str = "",
    sources: list[dict] | None = None,
) -> Annotation:
    """Annotate a sentence (or a span inside it: document offsets) as a claim."""
    document = sentence.document
    if permissions.role_in(user, document.project_id) is None:
        raise PermissionDenied(messages.NOT_A_MEMBER)
    annotation = Annotation(
        project_id=document.project_id,
        document=document,
        sentence=sentence,
        start=sentence.start if start is None else start,
        end=sentence.end if end is None else end,
        claim_type=claim_type,
        verification_status=verification_status,
        rationale=rationale or "",
        annotator=user,
    )
    _validate_annotation(annotation)
    annotation._history_user = user
    try:
        with transaction.atomic():
            annotation.save()
    except IntegrityError as exc:
        raise ValidationError(messages.DUPLICATE_ANNOTATION, code="duplicate") from exc
    if sources:
        _save_sources(annotation, sources, user)
    return annotation


@transaction.atomic
def update_annotation(
    *,
    user,
    annotation: Annotation,
    expected_version: int | None,
    sources: list[dict] | None = None,
    **changes,
) -> Annotation:
    """Change an annotation's content and/or sources, refusing stale edits.

    ``changes`` may hold any of ``claim_type``, ``verification_status``, ``rationale``,
    ``start``, ``end``. When an annotator who is not a reviewer changes a reviewed
    annotation, it goes back to pending review.
    """
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"update_annotation() got unexpected fields {sorted(unknown)}")
    role = _require_edit(user, annotation)
    _claim_version(annotation, expected_version)
    for name, value in changes.items():
        setattr(annotation, name, value)
    _validate_annotation(annotation)
    if role not in permissions.EDITOR_ROLES and annotation.review_state != ReviewState.PENDING:
        annotation.review_state = ReviewState.PENDING
    annotation._history_user = user
    try:
        with transaction.atomic():
            annotation.save()
    except IntegrityError as exc:
        raise ValidationError(messages.DUPLICATE_ANNOTATION, code="duplicate") from exc
    if sources is not None:
        _save_sources(annotation, sources, user)
    return annotation


@transaction.atomic
def delete_annotation(*, user, annotation: Annotation, expected_version: int | None) -> None:
    _require_edit(user, annotation)
    _claim_version(annotation, expected_version)
    for source in annotation.sources.all():
        source._history_user = user
        source.delete()
    annotation._history_user = user
    annotation.delete()


REVIEW_DECISIONS = {
    "approve": ReviewState.APPROVED,
    "request_changes": ReviewState.CHANGES_REQUESTED,
}


@transaction.atomic
def review_annotation(
    *,
    user,
    annotation: Annotation,
    decision: str,
    comment: str = "",
    expected_version: int | None = None,
) -> Annotation:
    """Approve an annotation or send it back, recording who and when."""
    if decision not in REVIEW_DECISIONS:
        raise ValidationError({"decision": f"Use one of {sorted(REVIEW_DECISIONS)}."})
    if not permissions.can_review(user, annotation.project_id):
        raise PermissionDenied(messages.CANNOT_REVIEW)
    _claim_version(annotation, expected_version)
    annotation.review_state = REVIEW_DECISIONS[decision]
    annotation.reviewed_by = user
    annotation.reviewed_at = timezone.now()
    annotation.review_comment = comment or ""
    annotation._history_user = user
    annotation._change_reason = f"review: {decision}"
    annotation.save()
    return annotation


@transaction.atomic
def set_verification_status(*, user, annotation: Annotation, status: str) -> Annotation:
    """An editor's verdict, as from the admin's bulk action; history records it."""
    return update_annotation(
        user=user, annotation=annotation, expected_version=None, verification_status=status
    )
