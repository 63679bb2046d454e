"""``services.import_document``: one document and all its sentences, or nothing."""

import pytest
from django.db import IntegrityError

from annotations import messages, services
from annotations.models import Document, Sentence
from annotations.segmentation import SentenceSpan


def import_text(project, text, title="A story"):
    return services.import_document(
        project=project, data=services.DocumentInput(title=title, text=text)
    )


def refused(project, text, title="A story") -> services.DocumentImportError:
    with pytest.raises(services.DocumentImportError) as error:
        import_text(project, text, title)
    return error.value


def test_failed_sentence_creation_leaves_no_document(project, monkeypatch):
    """A segmentation bug that breaks the start < end constraint must roll everything back."""

    def broken_segment(text):
        return [SentenceSpan(0, 5, 0), SentenceSpan(9, 9, 0)]

    monkeypatch.setattr(services.documents, "segment", broken_segment)
    with pytest.raises(IntegrityError):
        import_text(project, "Hello there. General Kenobi.")
    assert not Document.objects.exists()
    assert not Sentence.objects.exists()


def test_same_text_is_detected_by_hash_and_not_duplicated(project):
    first = import_text(project, "The mayor spoke. Crime fell 10%.", title="First")
    error = refused(project, "The mayor spoke. Crime fell 10%.", title="Another title")
    assert error.code == "duplicate"
    assert error.document == first
    assert str(error) == messages.DUPLICATE_DOCUMENT.format(id=first.pk, title="First")
    assert Document.objects.count() == 1
    assert Sentence.objects.filter(document=first).count() == 2


def test_line_ending_differences_are_the_same_text(project):
    import_text(project, "One line.\nAnother line.\n")
    assert refused(project, "One line.\r\nAnother line.\r\n").code == "duplicate"


def test_same_text_in_another_project_is_not_a_duplicate(project, other_project):
    import_text(project, "Shared wire copy. Same words.")
    assert import_text(other_project, "Shared wire copy. Same words.").project == other_project


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t \r\n", "\ufeff"])
def test_empty_or_whitespace_only_text_is_refused(project, text):
    error = refused(project, text)
    assert error.code == "empty"
    assert str(error) == messages.EMPTY_TEXT
    assert not Document.objects.exists()


def test_non_utf8_bytes_are_refused():
    with pytest.raises(services.DocumentImportError) as error:
        services.decode_text("Caf\u00e9".encode("cp1252"))
    assert error.value.code == "not_utf8"
    assert str(error.value) == messages.NOT_UTF8


def test_text_over_the_size_limit_is_refused_and_creates_nothing(project, settings):
    settings.FACTCHECK_MAX_DOCUMENT_BYTES = 20
    error = refused(project, "\u00e9" * 11)  # 11 characters but 22 bytes in UTF-8
    assert error.code == "too_large"
    assert str(error) == messages.TOO_LARGE.format(limit=20)
    assert not Document.objects.exists()
    assert import_text(project, "\u00e9" * 10).text == "\u00e9" * 10


def test_crlf_and_cr_are_normalised_and_offsets_point_into_the_stored_text(project):
    document = import_text(project, "\ufeffFirst line here.\r\n\r\nSecond one.\rThird one.")
    assert document.text == "First line here.\n\nSecond one.\nThird one."
    assert "\r" not in document.text
    for sentence in document.sentences.all():
        assert document.text[sentence.start : sentence.end] == sentence.text
    assert [s.text for s in document.sentences.all()][:1] == ["First line here."]


def test_missing_title_is_refused(project):
    error = refused(project, "Some text.", title="   ")
    assert str(error) == messages.MISSING_TITLE
    assert not Document.objects.exists()
