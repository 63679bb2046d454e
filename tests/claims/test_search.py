"""similar_claims: the project's claims a sentence may repeat, in a fixed number of queries."""

from annotations import services
from annotations.claims.search import similar_claims
from annotations.models import Annotation
from tests.factories import make_annotation

CLAIM = "The city council approved a $2.5 million budget on Monday."
SENTENCE = "On Monday the City Council signed off on a 2.5m dollar budget, Mayor Jane Smith said."


def test_a_repeat_is_found_with_its_score_and_appearances(project, document, annotator):
    claim = services.create_claim(user=annotator, project=project, text=CLAIM)
    services.create_claim(
        user=annotator, project=project, text="The zoo drew 1.2 million visitors."
    )
    services.create_claim(
        user=annotator, project=project, text="The city council approved a $4 million budget."
    )
    annotation = make_annotation(document, user=annotator)
    Annotation.objects.filter(pk=annotation.pk).update(claim=claim)
    [(found, score)] = similar_claims(project, SENTENCE)
    assert found == claim
    assert 0.5 < score <= 1
    assert found.appearance_count == 1


def test_claims_of_other_projects_are_never_suggested(project, other_project, annotator, outsider):
    services.create_claim(user=outsider, project=other_project, text=CLAIM)
    assert similar_claims(project, SENTENCE) == []


def test_best_first_and_at_most_limit(project, annotator):
    for n in range(8):
        services.create_claim(
            user=annotator, project=project, text=f"The city council approved the budget, part {n}."
        )
    exact = services.create_claim(
        user=annotator, project=project, text="The city council approved the budget."
    )
    found = similar_claims(project, "The city council approved the budget.", limit=3)
    assert len(found) == 3
    assert found[0][0] == exact
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)


def test_a_lookup_takes_two_queries_whatever_the_number_of_claims(
    project, annotator, django_assert_num_queries
):
    for n in range(30):
        services.create_claim(
            user=annotator, project=project, text=f"The council approved a ${n + 1} million budget."
        )
    with django_assert_num_queries(2):
        found = similar_claims(project, "The council approved a $7 million budget.", limit=5)
    assert len(found) == 1
    with django_assert_num_queries(1):
        assert similar_claims(project, "Beekeepers lost half their hives.") == []
    with django_assert_num_queries(0):
        assert similar_claims(project, "  the  ") == []
