"""Writes to claims: create (from annotations), edit with a version check, merge, delete.

``normalized_text`` is always derived here from ``text``, never taken from input. Linking
an annotation to a claim changes the annotation (a new version and a history record),
so only someone who may edit that annotation may link it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from annotations import messages, permissions
from annotations.claims.normalize import canonical_text
from annotations.models import Annotation, Claim, Project, Source
from annotations.services.annotations import SOURCE_FIELDS, update_annotation
from annotations.services.versions import ExpectedVersion, take_next_version

CLAIM_FIELDS = ("text", "verification_status", "rating_explanation")
VERDICT_FIELDS = ("verification_status", "rating_explanation")


class ClaimVersionConflict(Exception):
    """The client edited a claim based on a version that is no longer current."""

    def __init__(self, current: Claim | None):
        super().__init__(messages.CLAIM_VERSION_CONFLICT)
        self.current = current


def _set_text(claim: Claim, text: str) -> None:
    claim.text = (text or "").strip()
    if not claim.text:
        raise ValidationError({"text": messages.CLAIM_TEXT_EMPTY}, code="blank")
    claim.normalized_text = canonical_text(claim.text)


def _require_desk(user, project_id: int) -> None:
    role = permissions.role_in(user, project_id)
    if role is None:
        raise PermissionDenied(messages.NOT_A_MEMBER)
    if not permissions.can_edit_claim(user, project_id, role=role):
        raise PermissionDenied(messages.CANNOT_EDIT_CLAIM)


def _take_version(claim: Claim, expected_version: ExpectedVersion) -> None:
    """Atomically take the next version, or raise ``ClaimVersionConflict``."""
    version = take_next_version(Claim, claim.pk, expected_version)
    if version is None:
        raise ClaimVersionConflict(Claim.objects.with_appearances().filter(pk=claim.pk).first())
    claim.version = version


def _link(annotations, claim: Claim, user, reason: str) -> None:
    for annotation in annotations:
        annotation.claim = claim
        annotation.version += 1
        annotation._history_user = user
        annotation._change_reason = reason
        annotation.save(update_fields=["claim", "version", "updated_at"])


def _linkable(user, project: Project, annotation_ids) -> list[Annotation]:
    """The annotations with these ids, each of ``project`` and editable by ``user``.

    One hidden from ``user`` by independent annotation reads as missing, not forbidden.
    """
    ids = list(dict.fromkeys(annotation_ids))
    rows = Annotation.objects.filter(pk__in=ids).visible_to(user).select_for_update()
    found = {a.pk: a for a in rows}
    role = permissions.role_in(user, project)
    for annotation_id in ids:
        annotation = found.get(annotation_id)
        if annotation is None or annotation.project_id != project.pk:
            raise ValidationError(
                {"annotations": messages.CLAIM_ANNOTATION_OTHER_PROJECT.format(id=annotation_id)}
            )
        if not permissions.can_edit_annotation(user, annotation, role=role):
            raise PermissionDenied(messages.CANNOT_LINK_ANNOTATION.format(id=annotation_id))
    return [found[i] for i in ids]


@transaction.atomic
def create_claim(*, user, project: Project, text: str, annotations=()) -> Claim:
    """A new claim of ``project`` in its canonical wording, with ``annotations`` (ids) as
    its first appearances. Any member may create one, from annotations they may edit."""
    if not permissions.can_annotate(user, project):
        raise PermissionDenied(messages.NOT_A_MEMBER)
    appearances = _linkable(user, project, annotations)
    claim = Claim(project=project)
    _set_text(claim, text)
    claim.full_clean()
    claim._history_user = user
    claim.save()
    _link(appearances, claim, user, f"linked to claim {claim.pk}")
    return claim


@transaction.atomic
def update_claim(*, user, claim: Claim, expected_version: ExpectedVersion, **changes) -> Claim:
    """Change a claim's wording and/or verdict; only reviewers and owners (the desk) may.

    A changed verdict records who reviewed it and when.
    """
    unknown = set(changes) - set(CLAIM_FIELDS)
    if unknown:
        raise TypeError(f"update_claim() got unexpected fields {sorted(unknown)}")
    _require_desk(user, claim.project_id)
    _take_version(claim, expected_version)
    if "text" in changes:
        _set_text(claim, changes.pop("text"))
    # Compared with the stored verdict: a form may already have set the new one on ``claim``.
    stored = Claim.objects.values(*VERDICT_FIELDS).get(pk=claim.pk)
    verdict_changed = any(stored[f] != changes[f] for f in VERDICT_FIELDS if f in changes)
    for name, value in changes.items():
        setattr(claim, name, value)
    if verdict_changed:
        claim.reviewed_by, claim.reviewed_at = user, timezone.now()
    claim.full_clean()
    claim._history_user = user
    claim.save()
    return claim


@transaction.atomic
def delete_claim(*, user, claim: Claim, expected_version: ExpectedVersion) -> None:
    """Delete a claim; its appearances stay, unlinked (each with a history record)."""
    _require_desk(user, claim.project_id)
    _take_version(claim, expected_version)
    appearances = list(claim.appearances.select_for_update())
    _link(appearances, None, user, f"claim {claim.pk} deleted")
    claim._history_user = user
    claim.delete()


@transaction.atomic
def merge_claims(*, user, into: Claim, source: Claim) -> Claim:
    """Move every appearance of ``source`` to ``into`` and delete ``source``; the history of
    each moved annotation and of both claims says so."""
    _require_desk(user, into.project_id)
    if source.pk == into.pk:
        raise ValidationError({"from": messages.CLAIM_MERGE_ITSELF})
    if source.project_id != into.project_id:
        raise ValidationError({"from": messages.CLAIM_MERGE_OTHER_PROJECT})
    reason = f"claim {source.pk} merged into claim {into.pk}"
    _link(list(source.appearances.select_for_update()), into, user, reason)
    _take_version(into, None)
    into._history_user, into._change_reason = user, reason
    into.save()
    source._history_user, source._change_reason = user, reason
    source.delete()
    return into


def _appended(rationale: str, explanation: str) -> str:
    """The rationale with the claim's explanation after it, unless it already says so."""
    explanation = explanation.strip()
    if not explanation or explanation in rationale:
        return rationale
    return f"{rationale.rstrip()}\n\n{explanation}" if rationale.strip() else explanation


def _with_appearance_sources(annotation: Annotation) -> list[dict]:
    """The annotation's sources, then those of the claim's other appearances whose URL it
    does not cite yet (each URL once, oldest appearance first)."""
    kept = [
        {"id": source.pk, **{name: getattr(source, name) for name in SOURCE_FIELDS}}
        for source in annotation.sources.all()
    ]
    seen = {source["url"] for source in kept}
    others = (
        Source.objects.filter(annotation__claim_id=annotation.claim_id)
        .exclude(annotation=annotation)
        .order_by("annotation__created_at", "annotation_id", "position", "id")
        .values(*SOURCE_FIELDS)
    )
    for source in others:
        if source["url"] not in seen:
            seen.add(source["url"])
            kept.append(source)
    return kept


@transaction.atomic
def copy_claim_verdict(
    *, user, annotation: Annotation, expected_version: ExpectedVersion, sources: bool = False
) -> Annotation:
    """Give an appearance its claim's verdict, on the annotator's explicit request.

    The status is copied and the claim's explanation appended to the rationale; with
    ``sources`` the sources of the claim's other appearances are added (by URL, once). It is
    an ordinary edit of the annotation: If-Match, permission and history as for any other.
    """
    claim = Claim.objects.filter(pk=annotation.claim_id).first()
    if claim is None:
        raise ValidationError({"claim": messages.COPY_VERDICT_NO_CLAIM}, code="no_claim")
    if not claim.is_verified:
        raise ValidationError({"claim": messages.COPY_VERDICT_UNCHECKED}, code="unchecked")
    annotation._change_reason = f"verdict copied from claim {claim.pk}"
    return update_annotation(
        user=user,
        annotation=annotation,
        expected_version=expected_version,
        verification_status=claim.verification_status,
        rationale=_appended(annotation.rationale, claim.rating_explanation),
        sources=_with_appearance_sources(annotation) if sources else None,
    )
