"""The claim page: the claim, its verdict, every appearance and the evidence by stance."""

import pytest

from annotations import services
from tests.factories import make_annotation, make_document

TEXT = "The city council approved a $2.5 million budget on Monday."


@pytest.fixture
def claim(project, document, annotator, reviewer):
    first = make_annotation(
        document,
        user=annotator,
        sources=[
            {"url": "https://example.org/minutes", "title": "Minutes", "stance": "supports"},
            {"url": "https://example.org/audit", "title": "<b>Audit</b>", "stance": "refutes"},
        ],
    )
    other = make_document(project, title="Second story", text="Again. The council approved it.")
    second = make_annotation(other, user=annotator, sentence_index=1)
    claim = services.create_claim(
        user=annotator, project=project, text=TEXT, annotations=[first.pk, second.pk]
    )
    services.update_claim(
        user=reviewer,
        claim=claim,
        expected_version=None,
        verification_status="mostly_true",
        rating_explanation="The budget was $2.4 million.",
    )
    return claim


def test_the_page_shows_the_verdict_appearances_and_evidence(client, annotator, claim):
    client.force_login(annotator)
    response = client.get(f"/claims/{claim.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert TEXT in html and "Mostly true" in html and "The budget was $2.4 million." in html
    assert "Appearances (2)" in html
    for annotation in claim.appearances.all():
        assert f'/documents/{annotation.document_id}/annotate/#a-{annotation.pk}"' in html
    assert html.index("Supports (1)") < html.index("Refutes (1)")
    assert "&lt;b&gt;Audit&lt;/b&gt;" in html  # untrusted text is escaped


def test_outsiders_get_404(client, outsider, claim):
    client.force_login(outsider)
    assert client.get(f"/claims/{claim.pk}/").status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(
    client, annotator, claim, django_assert_num_queries
):
    client.force_login(annotator)
    client.get(f"/claims/{claim.pk}/")
    with django_assert_num_queries(5):  # session, user, claim, appearances, sources
        assert client.get(f"/claims/{claim.pk}/").status_code == 200
