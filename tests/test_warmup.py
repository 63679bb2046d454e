"""``annotations.warmup``: a booting worker does its first requests' one-off work, reading
nothing and writing nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from annotations.models import Annotation, Document, Sentence
from annotations.warmup import warm_up
from tests.factories import UserFactory, make_annotation, make_document, make_project

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def annotated():
    owner = UserFactory()
    document = make_document(make_project(owner=owner))
    make_annotation(document, user=owner)
    return owner, document


def test_warming_up_changes_no_data_and_sends_only_reads(annotated):
    def counts():
        return Document.objects.count(), Sentence.objects.count(), Annotation.history.count()

    before = counts()

    with CaptureQueriesContext(connection) as captured:
        warm_up()

    assert captured.captured_queries
    for query in captured.captured_queries:
        assert query["sql"].lstrip().upper().startswith(("SELECT", "EXECUTE")), query["sql"]
    assert counts() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_a_warmed_connection_serves_the_document_data_from_statements_already_prepared(annotated):
    owner, document = annotated
    connection.close()
    warm_up()
    prepared = dict(connection.prepared_statements)
    client = APIClient()
    client.force_authenticate(owner)

    detail = client.get(f"/api/v1/documents/{document.pk}/")
    listed = client.get(f"/api/v1/annotations/?document={document.pk}&page_size=1000")

    assert detail.status_code == listed.status_code == 200
    assert detail.json()["sentence_count"] == document.sentences.count()
    assert len(listed.json()["results"]) == 1
    assert connection.prepared_statements == prepared  # nothing left to prepare
