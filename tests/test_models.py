"""Invariants: the database holds what it can even when validation is bypassed; ``full_clean``
checks the rest (spans inside their sentence, claim types of the same project, URLs)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotations import messages
from annotations.models import (
    Annotation,
    ClaimType,
    Membership,
    Sentence,
    Source,
    VerificationStatus,
)
from tests.factories import make_annotation


def assert_refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def unsaved_annotation(document, user, **fields):
    sentence = document.sentences.get(index=0)
    values = {
        "project": document.project,
        "document": document,
        "sentence": sentence,
        "start": sentence.start,
        "end": sentence.end,
        "quote": sentence.text,
        "claim_type": document.project.claim_types.get(slug="statistic"),
        "annotator": user,
    }
    return Annotation(**{**values, **fields})


# --- database constraints -----------------------------------------------------------------


@pytest.mark.parametrize("start, end", [(5, 5), (9, 3)])
def test_sentence_must_start_before_it_ends(document, start, end):
    assert_refused_by_database(
        lambda: Sentence.objects.create(document=document, index=99, start=start, end=end)
    )


def test_sentence_index_is_unique_per_document(document):
    assert_refused_by_database(
        lambda: Sentence.objects.create(document=document, index=0, start=0, end=4, text="KANS")
    )


def test_project_has_at_most_one_default_claim_type(project):
    assert project.claim_types.filter(is_default=True).count() == 1
    assert_refused_by_database(
        lambda: ClaimType.objects.create(project=project, slug="second", name="B", is_default=True)
    )


def test_claim_type_slug_and_shortcut_are_unique_per_project(project, other_project):
    assert_refused_by_database(
        lambda: ClaimType.objects.create(project=project, slug="statistic", name="Again")
    )
    assert_refused_by_database(
        lambda: ClaimType.objects.create(project=project, slug="new", name="N", shortcut="1")
    )
    ClaimType.objects.create(project=other_project, slug="new", name="N", shortcut="9")


def test_source_stance_outside_the_choices_is_refused(document, annotator):
    annotation = make_annotation(document, user=annotator)
    assert_refused_by_database(
        lambda: Source.objects.create(
            annotation=annotation, url="https://example.org/", stance="maybe"
        )
    )


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/file", "data:text/html,hi", ""]
)
def test_source_url_that_is_not_http_is_refused_even_bypassing_validation(document, annotator, url):
    annotation = make_annotation(document, user=annotator)
    assert_refused_by_database(lambda: Source.objects.create(annotation=annotation, url=url))


def test_annotator_cannot_annotate_the_same_span_twice(document, annotator, reviewer):
    make_annotation(document, user=annotator)
    assert_refused_by_database(lambda: unsaved_annotation(document, annotator).save())
    unsaved_annotation(document, reviewer).save()  # another annotator may


def test_annotation_status_and_review_state_outside_the_choices_are_refused(document, annotator):
    assert_refused_by_database(
        lambda: unsaved_annotation(document, annotator, verification_status="probably").save()
    )
    assert_refused_by_database(
        lambda: unsaved_annotation(document, annotator, review_state="meh").save()
    )


def test_annotation_span_must_not_be_empty_in_the_database(document, annotator):
    sentence = document.sentences.get(index=0)
    assert_refused_by_database(
        lambda: unsaved_annotation(
            document, annotator, start=sentence.start + 3, end=sentence.start + 3
        ).save()
    )


def test_membership_role_outside_the_choices_is_refused(project, outsider):
    assert_refused_by_database(
        lambda: Membership.objects.create(project=project, user=outsider, role="admin")
    )


def test_user_has_one_membership_per_project(project, annotator):
    assert_refused_by_database(
        lambda: Membership.objects.create(project=project, user=annotator, role="owner")
    )


# --- validation in full_clean -------------------------------------------------------------


@pytest.mark.parametrize(
    "offsets",
    [
        lambda s: (s.start - 1, s.end),  # starts before the sentence
        lambda s: (s.start, s.end + 1),  # ends after it
        lambda s: (s.start + 4, s.start + 4),  # empty
        lambda s: (s.start + 4, s.start + 2),  # reversed
    ],
)
def test_span_outside_its_sentence_fails_validation(document, annotator, offsets):
    sentence = document.sentences.get(index=1)
    start, end = offsets(sentence)
    annotation = unsaved_annotation(document, annotator, sentence=sentence, start=start, end=end)
    with pytest.raises(ValidationError) as error:
        annotation.full_clean()
    assert messages.SPAN_OUTSIDE in error.value.messages


def test_span_inside_its_sentence_passes_validation(document, annotator):
    sentence = document.sentences.get(index=0)
    annotation = unsaved_annotation(
        document, annotator, start=sentence.start + 1, end=sentence.end - 1
    )
    annotation.full_clean()


def test_claim_type_of_another_project_fails_validation(document, annotator, other_project):
    foreign = other_project.claim_types.get(slug="statistic")
    annotation = unsaved_annotation(document, annotator, claim_type=foreign)
    with pytest.raises(ValidationError) as error:
        annotation.full_clean()
    assert error.value.message_dict["claim_type"] == [messages.CLAIM_TYPE_OTHER_PROJECT]


def test_unknown_claim_type_fails_validation(document, annotator):
    annotation = unsaved_annotation(document, annotator)
    annotation.claim_type_id = 987654
    with pytest.raises(ValidationError) as error:
        annotation.full_clean()
    assert "claim_type" in error.value.message_dict


def test_unknown_verification_status_fails_validation(document, annotator):
    annotation = unsaved_annotation(document, annotator, verification_status="probably")
    with pytest.raises(ValidationError) as error:
        annotation.full_clean()
    assert "verification_status" in error.value.message_dict


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/x", "not a url", "//example.org/x"]
)
def test_source_url_must_be_http_or_https(document, annotator, url):
    annotation = make_annotation(document, user=annotator)
    source = Source(annotation=annotation, url=url)
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert "url" in error.value.message_dict


def test_document_url_must_be_http_or_https(document):
    document.url = "javascript:alert(document.cookie)"
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert messages.SOURCE_URL_SCHEME in error.value.message_dict["url"]


def test_valid_source_passes_validation(document, annotator):
    annotation = make_annotation(
        document, user=annotator, verification_status=VerificationStatus.TRUE
    )
    Source(annotation=annotation, url="https://www.census.gov/data.html").full_clean()
