"""Writing annotations and their sources: versioned, permission-checked, with history."""

from collections.abc import Collection

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from annotations import messages, permissions
from annotations.models import (
    Annotation,
    Claim,
    ClaimType,
    ReviewState,
    Sentence,
    Source,
    VerificationStatus,
)
from annotations.services import assignments


class VersionConflict(Exception):
    """The client edited an annotation based on a version that is no longer current."""

    def __init__(self, current: Annotation | None):
        super().__init__(messages.VERSION_CONFLICT)
        self.current = current


SOURCE_FIELDS = ("url", "title", "publisher", "stance", "excerpt", "accessed_at")
CONTENT_FIELDS = ("claim_type", "verification_status", "rationale", "start", "end", "claim")


def _require_edit(user, annotation: Annotation) -> str:
    role = permissions.role_in(user, annotation.project_id)
    if role is None:
        raise PermissionDenied(messages.NOT_A_MEMBER)
    if not permissions.can_edit_annotation(user, annotation, role=role):
        raise PermissionDenied(messages.CANNOT_EDIT)
    return role


def _claim_version(annotation: Annotation, expected_version: int | Collection[int] | None) -> None:
    """Atomically take the next version, or raise ``VersionConflict``.

    ``expected_version`` is the version the edit was based on, or a set of acceptable ones
    (an ``If-Match`` list; an empty set matches nothing), or ``None`` for any version.
    The conditional UPDATE is the lock: on PostgreSQL it locks the row, on SQLite the
    database, so two writers holding the same version cannot both succeed.
    """
    queryset = Annotation.objects.filter(pk=annotation.pk)
    if isinstance(expected_version, int):
        queryset = queryset.filter(version=expected_version)
    elif expected_version is not None:
        queryset = queryset.filter(version__in=expected_version)
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
    claim: Claim | None = None,
) -> Annotation:
    """Annotate a sentence (or a span inside it: document offsets) as a claim.

    ``claim`` links it as an appearance of a claim of the same project (``clean()`` refuses
    another project's); nothing of the claim's verdict is copied.
    """
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
        claim=claim,
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
    assignments.note_activity(user=user, document_id=document.pk)
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
    ``start``, ``end``, ``claim`` (a claim of the same project, or ``None`` to unlink).
    When an annotator who is not a reviewer changes a reviewed annotation, it goes back to
    pending review.
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
    assignments.note_activity(user=user, document_id=annotation.document_id)
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
