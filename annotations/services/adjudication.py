"""Settling a sentence the done assignees disagree on: accept a version, a merged one, or
"no claim". The accepted annotations are approved, every other one of the sentence is
``not_chosen``; history records each with the reviewer and ``adjudication: …``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from annotations import messages, permissions
from annotations.adjudication import adjudication_for
from annotations.models import Annotation, ReviewState, Sentence
from annotations.services import annotations as annotation_services

MERGED_FIELDS = ("claim_type", "verification_status", "start", "end", "rationale")
# Loaded with the sentence's annotations, so that validating them costs no query.
_LOADED = ("project", "document", "sentence", "claim_type", "annotator")
_RELATIONS = [*_LOADED, "reviewed_by", "claim"]


@transaction.atomic
def adjudicate_sentence(
    *,
    user,
    sentence: Sentence,
    accept: Annotation | None = None,
    merged: dict | None = None,
) -> list[Annotation]:
    """Settle ``sentence``: accept ``accept``'s version, or ``merged``, or (neither) no claim.

    Accepting an annotation accepts its annotator's whole version of the sentence (all
    their annotations of it: one per claim). ``merged`` holds ``MERGED_FIELDS``; it updates
    the reviewer's earlier merged annotation of the sentence or creates one, through the
    annotation services' rules. Deciding again replaces the earlier decision. Returns the
    approved annotations.
    """
    document = sentence.document
    if not permissions.can_adjudicate(user, document.project_id):
        raise PermissionDenied(messages.CANNOT_ADJUDICATE)
    if accept is not None and merged is not None:
        raise ValidationError({"merged": messages.ADJUDICATION_ACCEPT_OR_MERGED})
    current = adjudication_for(document, sentence=sentence)
    if not current.possible:
        raise ValidationError({"document": messages.ADJUDICATION_NEEDS_ASSIGNEES})
    if not current.cases:
        raise ValidationError({"sentence": messages.ADJUDICATION_NO_DISAGREEMENT})
    versions = {assignee.pk for assignee in current.assignees}
    annotations = _locked(sentence)
    if accept is not None:
        if accept.pk not in {a.pk for a in annotations} or accept.annotator_id not in versions:
            raise ValidationError(
                {"accept": messages.ADJUDICATION_NOT_A_VERSION.format(annotation=accept.pk)}
            )
        chosen = {a.pk for a in annotations if a.annotator_id == accept.annotator_id}
        reason = f"adjudication: accepted {accept.annotator.username}'s version"
    elif merged is not None:
        kept = _save_merged(user, sentence, annotations, versions, merged)
        annotations = _locked(sentence)
        chosen = {kept.pk}
        reason = f"adjudication: accepted a version merged by {user.username}"
    else:
        chosen = set()
        reason = "adjudication: accepted no claim"
    now = timezone.now()
    for annotation in annotations:
        state = ReviewState.APPROVED if annotation.pk in chosen else ReviewState.NOT_CHOSEN
        _decide(annotation, user=user, state=state, at=now, reason=reason)
    return [annotation for annotation in annotations if annotation.pk in chosen]


def _locked(sentence) -> list[Annotation]:
    """The sentence's annotations, locked until the decision commits (PostgreSQL)."""
    return list(
        Annotation.objects.select_for_update(of=("self",))
        .filter(sentence=sentence)
        .select_related(*_LOADED)
        .order_by("start", "id")
    )


def _save_merged(user, sentence, annotations, versions, merged) -> Annotation:
    """The reviewer's merged annotation of the sentence, updated or created."""
    unknown = set(merged) - set(MERGED_FIELDS)
    if unknown:
        raise TypeError(f"adjudicate_sentence() got unexpected merged fields {sorted(unknown)}")
    fields = {
        "start": sentence.start,
        "end": sentence.end,
        "rationale": "",
        **{k: v for k, v in merged.items() if v is not None},
    }
    earlier = next(
        (a for a in annotations if a.annotator_id == user.pk and user.pk not in versions), None
    )
    if earlier is not None:
        return annotation_services.update_annotation(
            user=user, annotation=earlier, expected_version=None, **fields
        )
    return annotation_services.create_annotation(user=user, sentence=sentence, **fields)


def _decide(annotation: Annotation, *, user, state, at, reason) -> None:
    """One annotation's review outcome, versioned and in history as the reviewer's."""
    annotation.review_state = state
    annotation.reviewed_by = user
    annotation.reviewed_at = at
    annotation.version += 1
    annotation.full_clean(exclude=["quote", *_RELATIONS], validate_constraints=False)
    annotation._history_user = user
    annotation._change_reason = reason if state == ReviewState.APPROVED else f"{reason}; not chosen"
    annotation.save(
        update_fields=["review_state", "reviewed_by", "reviewed_at", "version", "updated_at"]
    )
