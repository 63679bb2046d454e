"""The annotation list pages without counting every matching row on every page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import messages
from annotations.api import pagination
from tests.factories import make_annotation, make_document

URL = "/api/v1/annotations/"
# PostgreSQL writes each annotation's JSON with its sources in the rows' query.
SOURCES = 0 if connection.vendor == "postgresql" else 1
TEXT = " ".join(f"Sentence {n} holds a claim." for n in range(7))


@pytest.fixture
def seven(project, annotator):
    document = make_document(project, text=TEXT)
    return [make_annotation(document, user=annotator, sentence_index=n) for n in range(7)]


def page(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    return response, len(queries)


def test_a_single_page_is_counted_from_its_rows(client_for, annotator, seven):
    response, queries = page(client_for(annotator), page_size=100)

    assert response.json()["count"] == 7
    assert response.json()["next"] is None and response.json()["previous"] is None
    assert queries == 1 + SOURCES  # the rows, their sources: no COUNT


def test_pages_link_to_each_other_and_the_count_is_bounded(
    client_for, annotator, seven, monkeypatch
):
    client = client_for(annotator)
    monkeypatch.setattr(pagination, "COUNT_LIMIT", 5)

    first, queries = page(client, page_size=2)
    last, last_queries = page(client, page_size=2, page=4)

    assert first.json()["count"] is None  # more than COUNT_LIMIT match
    assert first.json()["next"].endswith("?page=2&page_size=2")
    assert first.json()["previous"] is None
    assert [a["id"] for a in first.json()["results"]] == [a.pk for a in seven[:2]]
    assert queries == 2 + SOURCES  # rows, a COUNT over at most COUNT_LIMIT + 1 rows, sources
    assert last.json()["count"] == 7  # the last page knows it without counting
    assert last.json()["next"] is None and last.json()["previous"].endswith("?page=3&page_size=2")
    assert [a["id"] for a in last.json()["results"]] == [seven[6].pk]
    assert last_queries == 1 + SOURCES

    monkeypatch.setattr(pagination, "COUNT_LIMIT", 10)
    assert page(client, page_size=2)[0].json()["count"] == 7
    second = page(client, page_size=2, page=2)[0].json()
    assert second["previous"].endswith("?page_size=2")
    assert second["count"] == 7


def test_a_page_past_the_end_or_not_a_number_answers_404(client_for, annotator, seven):
    client = client_for(annotator)

    for bad in (5, 0, -1, "abc"):
        response = client.get(URL, {"page_size": 2, "page": bad})
        assert response.status_code == 404, bad
        assert response.json() == {"detail": "Invalid page."}
    assert client.get(URL, {"page": 1, "document": 999_999_999}).status_code == 404


def test_an_empty_list_is_one_empty_page(client_for, annotator, project):
    response, _ = page(client_for(annotator))

    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_a_document_not_yours_answers_404_whatever_else_is_wrong(
    client_for, annotator, seven, other_document
):
    """The check that a ``document`` is the caller's runs only when no row proves it, but
    still comes first, as when the filter ran it before the page."""
    client = client_for(annotator)
    mine = seven[0].document_id
    not_found = {"detail": messages.EXPORT_NO_SUCH_DOCUMENT.format(key=other_document.pk)}

    for params in (
        {},
        {"page": 2},
        {"page_size": 0},
        {"page_size": "x"},
        {"ordering": "nonsense"},
        {"page_size": 2, "page": 9},
    ):
        response = client.get(URL, {"document": other_document.pk, **params})
        assert response.status_code == 404, params
        assert response.json() == not_found, params

    assert client.get(URL, {"document": mine, "page": 9}).json() == {"detail": "Invalid page."}
    assert client.get(URL, {"document": mine, "page_size": 0}).status_code == 400
    assert client.get(URL, {"document": "x"}).json() == {"document": ["Enter a whole number."]}
    assert client.get(URL, {"document": 0}).status_code == 400
    assert client.get(URL, {"document": [mine, mine]}).status_code == 400


def test_a_document_of_yours_without_annotations_is_an_empty_page(client_for, annotator, project):
    document = make_document(project, text=TEXT)

    response = client_for(annotator).get(URL, {"document": document.pk})

    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
