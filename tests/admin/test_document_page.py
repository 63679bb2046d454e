"""A document's admin page stays small and cheap however long the document is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import services
from annotations.admin.document import DocumentAdmin
from annotations.models import Document, Sentence
from tests.factories import make_annotation

SHOWN = DocumentAdmin.sentences_shown


def make_long_document(project, n_sentences: int) -> Document:
    """A document of ``n_sentences`` numbered sentences, its rows bulk-created for speed."""
    texts = [f"Sentence number {i + 1} is here." for i in range(n_sentences)]
    text = " ".join(texts)
    document = Document.objects.create(
        project=project,
        title="A very long report",
        text=text,
        content_hash=services.content_hash(text),
    )
    sentences, start = [], 0
    for index, sentence_text in enumerate(texts):
        end = start + len(sentence_text)
        sentences.append(
            Sentence(
                document=document,
                index=index,
                start=start,
                end=end,
                paragraph=index // 10,
                text=sentence_text,
            )
        )
        start = end + 1
    Sentence.objects.bulk_create(sentences, batch_size=1000)
    return document


def change_url(document):
    return reverse("admin:annotations_document_change", args=[document.pk])


@pytest.fixture
def reviewer_page(reviewer_client):
    def get(document):
        response = reviewer_client.get(change_url(document))
        assert response.status_code == 200
        return response

    return get


@pytest.mark.django_db
def test_a_long_document_shows_its_first_sentences_and_links_to_the_annotate_page(
    reviewer_page, project, annotator
):
    document = make_long_document(project, 1234)
    make_annotation(document, user=annotator, sentence_index=SHOWN - 1)
    page = reviewer_page(document).text
    assert f"Sentence number {SHOWN} is here." in page
    assert f"Sentence number {SHOWN + 1} is here." not in page
    assert f"Showing {SHOWN} of 1,234 sentences" in page
    assert reverse("annotate", args=[document.pk]) in page
    assert page.count('<li class="') == SHOWN
    assert "1 ✎" in page  # the annotation count of the last sentence shown


@pytest.mark.django_db
def test_a_short_document_shows_every_sentence_without_a_note(reviewer_page, document):
    page = reviewer_page(document).text
    assert page.count('<li class="') == 4
    assert "Showing" not in page


@pytest.mark.django_db
def test_the_page_runs_the_same_queries_for_a_short_and_a_huge_document(
    reviewer_page, project, document, django_assert_num_queries
):
    huge = make_long_document(project, 5000)
    with CaptureQueriesContext(connection) as short:
        reviewer_page(document)
    with django_assert_num_queries(len(short.captured_queries)):
        response = reviewer_page(huge)
    assert len(response.content) < 200_000  # not the 5,000 sentences
