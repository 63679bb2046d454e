"""Claim rules: what the database refuses, what the service derives, how links behave."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from annotations import messages, services
from annotations.claims.normalize import canonical_text
from annotations.models import Annotation, Claim
from tests.factories import make_annotation, make_document

TEXT = "The city council approved a $2.5 million budget on Monday."


def test_a_claim_is_created_with_its_canonical_form_and_a_history_record(project, annotator):
    claim = services.create_claim(user=annotator, project=project, text=f"  {TEXT} ")
    assert claim.text == TEXT
    assert claim.normalized_text == canonical_text(TEXT)
    assert "$2500000" in claim.normalized_text.split()
    assert claim.version == 1
    assert claim.verification_status == "unverified"
    assert [h.history_user for h in claim.history.all()] == [annotator]


def test_only_members_create_claims(project, outsider):
    with pytest.raises(PermissionDenied, match=messages.NOT_A_MEMBER):
        services.create_claim(user=outsider, project=project, text=TEXT)
    assert not Claim.objects.exists()


def test_a_claim_needs_its_wording(project, annotator):
    with pytest.raises(ValidationError) as error:
        services.create_claim(user=annotator, project=project, text="   ")
    assert error.value.message_dict == {"text": [messages.CLAIM_TEXT_EMPTY]}


@pytest.mark.parametrize(
    "fields", [{"text": ""}, {"text": TEXT, "verification_status": "probably"}]
)
def test_the_database_refuses_an_empty_text_or_an_unknown_status(project, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(project=project, normalized_text="x", **fields)


def test_an_annotation_links_only_to_a_claim_of_its_project(
    project, other_project, document, annotator, outsider
):
    annotation = make_annotation(document, user=annotator)
    foreign = services.create_claim(user=outsider, project=other_project, text=TEXT)
    annotation.claim = foreign
    with pytest.raises(ValidationError) as error:
        annotation.full_clean()
    assert error.value.message_dict == {"claim": [messages.CLAIM_OTHER_PROJECT]}
    annotation.claim = services.create_claim(user=annotator, project=project, text=TEXT)
    annotation.full_clean()


def test_deleting_a_claim_keeps_its_appearances_unlinked(project, document, annotator):
    claim = services.create_claim(user=annotator, project=project, text=TEXT)
    annotation = make_annotation(document, user=annotator)
    Annotation.objects.filter(pk=annotation.pk).update(claim=claim)
    claim.delete()
    annotation.refresh_from_db()
    assert annotation.claim is None


def test_appearance_count_and_first_seen_come_with_the_claim(project, annotator, reviewer):
    import datetime as dt

    claim = services.create_claim(user=annotator, project=project, text=TEXT)
    early = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    first = make_document(project, title="First", published_at=early)
    second = make_document(project, text="Another story. It repeats the budget claim.")
    for document, user in [(first, annotator), (second, reviewer), (second, annotator)]:
        annotation = make_annotation(document, user=user)
        Annotation.objects.filter(pk=annotation.pk).update(claim=claim)
    empty = services.create_claim(user=annotator, project=project, text="Another claim.")
    rows = {c.pk: c for c in Claim.objects.with_appearances()}
    assert (rows[claim.pk].appearance_count, rows[claim.pk].first_seen) == (3, early)
    assert (rows[empty.pk].appearance_count, rows[empty.pk].first_seen) == (0, None)
