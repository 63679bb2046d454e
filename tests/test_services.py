import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from annotations import messages, services
from annotations.models import ReviewState
from tests.factories import make_annotation


def test_new_project_gets_default_claim_types(project):
    slugs = list(project.claim_types.values_list("slug", flat=True))
    assert "statistic" in slugs and "opinion" in slugs
    assert project.claim_types.filter(is_default=True).count() == 1


def test_import_splits_document_into_exact_sentences(document):
    sentences = list(document.sentences.all())
    assert len(sentences) >= 4
    for sentence in sentences:
        assert document.text[sentence.start : sentence.end] == sentence.text


def test_annotation_defaults_to_whole_sentence_and_records_history(document, annotator):
    annotation = make_annotation(document, user=annotator)
    sentence = annotation.sentence
    assert (annotation.start, annotation.end) == (sentence.start, sentence.end)
    assert annotation.quote == sentence.text
    assert annotation.history.first().history_user == annotator


def test_span_outside_sentence_is_refused(document, annotator):
    sentence = document.sentences.get(index=0)
    with pytest.raises(ValidationError) as error:
        make_annotation(document, user=annotator, start=sentence.start, end=sentence.end + 5)
    assert messages.SPAN_OUTSIDE in str(error.value)


def test_stale_version_is_a_conflict(document, annotator):
    annotation = make_annotation(document, user=annotator)
    services.update_annotation(
        user=annotator, annotation=annotation, expected_version=1, rationale="first"
    )
    with pytest.raises(services.VersionConflict) as conflict:
        services.update_annotation(
            user=annotator, annotation=annotation, expected_version=1, rationale="second"
        )
    assert conflict.value.current.rationale == "first"
    assert conflict.value.current.version == 2


def test_outsider_cannot_annotate(document, outsider):
    with pytest.raises(PermissionDenied):
        make_annotation(document, user=outsider)


def test_reviewer_approves_and_annotator_edit_returns_to_pending(document, annotator, reviewer):
    annotation = make_annotation(document, user=annotator)
    services.review_annotation(user=reviewer, annotation=annotation, decision="approve")
    assert annotation.review_state == ReviewState.APPROVED
    services.update_annotation(
        user=annotator, annotation=annotation, expected_version=None, rationale="edited"
    )
    assert annotation.review_state == ReviewState.PENDING


def test_sources_are_replaced_and_bad_urls_refused(document, annotator):
    annotation = make_annotation(
        document,
        user=annotator,
        sources=[{"url": "https://example.org/a", "stance": "supports"}],
    )
    assert annotation.sources.count() == 1
    with pytest.raises(ValidationError):
        services.update_annotation(
            user=annotator,
            annotation=annotation,
            expected_version=None,
            sources=[{"url": "javascript:alert(1)"}],
        )
