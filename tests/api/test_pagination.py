"""The annotation list pages without counting every matching row on every page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.api import pagination
from tests.factories import make_annotation, make_document

URL = "/api/v1/annotations/"
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
    assert queries == 2  # the rows, their sources: no COUNT


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
    assert queries == 3  # rows, a COUNT over at most COUNT_LIMIT + 1 rows, sources
    assert last.json()["count"] == 7  # the last page knows it without counting
    assert last.json()["next"] is None and last.json()["previous"].endswith("?page=3&page_size=2")
    assert [a["id"] for a in last.json()["results"]] == [seven[6].pk]
    assert last_queries == 2

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
