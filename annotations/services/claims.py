"""Writes to claims. ``normalized_text`` is always derived here, never taken from input."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from annotations import messages, permissions
from annotations.claims.normalize import canonical_text
from annotations.models import Claim, Project


def _set_text(claim: Claim, text: str) -> None:
    claim.text = (text or "").strip()
    if not claim.text:
        raise ValidationError({"text": messages.CLAIM_TEXT_EMPTY}, code="blank")
    claim.normalized_text = canonical_text(claim.text)


@transaction.atomic
def create_claim(*, user, project: Project, text: str) -> Claim:
    """A new claim of ``project`` in its canonical wording; any member may create one."""
    if not permissions.can_annotate(user, project):
        raise PermissionDenied(messages.NOT_A_MEMBER)
    claim = Claim(project=project)
    _set_text(claim, text)
    claim.full_clean()
    claim._history_user = user
    claim.save()
    return claim
