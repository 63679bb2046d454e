"""``services.import_document``: one document and all its sentences, or nothing."""

import importlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from annotations import messages, services
from annotations.models import Document, Sentence
from annotations.segmentation import SentenceSpan


def import_text(project, text, title="A story"):
    return services.import_document(
        project=project, data=services.DocumentInput(title=title, text=text)
    )


ON_POSTGRESQL = connection.vendor == "postgresql"
# What a text COPY would read differently (tabs, backslashes, "\\N", "\\."), quotes, accents,
# astral characters and a paragraph break.
AWKWARD = (
    'Tabs\tand "quotes" \\N stay. A back\\slash and \\. too! \u00c9mile left \U0001f600 early.'
    "\nA second paragraph \u2014 with a dash. It ends here."
)


def sentence_rows(document) -> list[tuple]:
    columns = ("index", "start", "end", "paragraph", "text")
    return list(Sentence.objects.filter(document=document).order_by("index").values_list(*columns))


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


@pytest.mark.skipif(not ON_POSTGRESQL, reason="COPY is PostgreSQL's path")
def test_copy_stores_the_sentences_the_portable_insert_stores(project, other_project, monkeypatch):
    copied = import_text(project, AWKWARD)
    portable = services.documents._insert_sentence_rows
    monkeypatch.setattr(services.documents, "_copy_sentence_rows", portable)
    inserted = import_text(other_project, AWKWARD)

    assert sentence_rows(copied) == sentence_rows(inserted)
    assert [text for *_, text in sentence_rows(copied)] == [
        AWKWARD[s.start : s.end] for s in copied.spans
    ]
    assert len(copied.spans) == 4


@pytest.mark.skipif(not ON_POSTGRESQL, reason="a PostgreSQL storage setting")
def test_document_texts_are_stored_with_lz4_where_the_server_has_it(db):
    if connection.pg_version < 140000:
        pytest.skip("column compression came with PostgreSQL 14")
    migration = importlib.import_module("annotations.migrations.0007_import_storage")
    with connection.cursor() as cursor:
        cursor.execute(migration.LZ4_AVAILABLE)
        available = cursor.fetchone()
        cursor.execute(
            "SELECT attcompression FROM pg_attribute"
            " WHERE attrelid = 'annotations_document'::regclass AND attname = 'text'"
        )
        (method,) = cursor.fetchone()
    assert method == ("l" if available and available[0] else "")


def test_a_batch_binds_each_text_on_its_own_not_as_one_array(project):
    """``LongTextField``: Django's UNNEST bulk insert would escape the texts in Python."""
    records = [
        (project, services.DocumentInput(title=f"Story {n}", text=f'"Quoted," {n} said.'))
        for n in range(3)
    ]
    with CaptureQueriesContext(connection) as queries:
        created = services.import_documents(records=records).created
    inserts = [
        q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "annotations_document"')
    ]
    assert len(inserts) == 1
    assert "UNNEST" not in inserts[0].upper()
    assert [d.text for d in Document.objects.order_by("id")] == [d.text for d in created]


def test_same_text_is_detected_by_hash_and_not_duplicated(project):
    first = import_text(project, "The mayor spoke. Crime fell 10%.", title="First")
    error = refused(project, "The mayor spoke. Crime fell 10%.", title="Another title")
    assert error.code == "duplicate"
    assert error.document == first
    assert str(error) == messages.DUPLICATE_DOCUMENT.format(id=first.pk, title="First")
    assert Document.objects.count() == 1
    assert Sentence.objects.filter(document=first).count() == 2


def test_a_refused_duplicate_leaves_the_callers_transaction_usable(project):
    """The duplicate is caught by the database's constraint: only the import rolls back."""
    first = import_text(project, "The mayor spoke. Crime fell 10%.")
    with transaction.atomic():
        assert refused(project, "The mayor spoke. Crime fell 10%.").document == first
        second = import_text(project, "Another story. It is new.")
    assert set(Document.objects.all()) == {first, second}
    assert Sentence.objects.count() == 4


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
