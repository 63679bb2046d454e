"""``GET /api/v1/agreement/``: who may see it, what it answers, and its query count."""

import pytest

from annotations import messages, services
from annotations.models import Role
from tests.factories import UserFactory, make_annotation, make_document, make_project

URL = "/api/v1/agreement/"


def annotate(document, user, index, slug, status="unverified"):
    return make_annotation(
        document,
        user=user,
        sentence_index=index,
        claim_type=document.project.claim_types.get(slug=slug),
        verification_status=status,
    )


@pytest.fixture
def annotated(document, annotator, second_annotator):
    """anna and alex agree on sentence 0 and differ on sentence 1."""
    annotate(document, annotator, 0, "statistic", "true")
    annotate(document, second_annotator, 0, "statistic", "true")
    annotate(document, annotator, 1, "quote", "false")
    annotate(document, second_annotator, 1, "causal", "mostly_false")
    return document


ACCESS = {"owner": 200, "reviewer": 200, "annotator": 403, "outsider": 404, "anonymous": 401}


@pytest.mark.parametrize("with_document", [False, True])
@pytest.mark.parametrize("role", sorted(ACCESS))
def test_reviewers_and_owners_only(client_for, users, annotated, role, with_document):
    params = {"project": annotated.project_id}
    if with_document:
        params["document"] = annotated.pk

    response = client_for(users[role]).get(URL, params)

    assert response.status_code == ACCESS[role], response.content
    if role == "annotator":
        assert response.json() == {"detail": messages.CANNOT_SEE_AGREEMENT}
    if role == "outsider":
        key = annotated.project_id
        assert response.json() == {"detail": messages.EXPORT_NO_SUCH_PROJECT.format(key=key)}


def test_superusers_see_every_project(client_for, annotated):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)

    response = client_for(admin).get(URL, {"project": annotated.project_id})

    assert response.status_code == 200
    assert response.json()["annotators"] == ["alex", "anna"]


@pytest.mark.parametrize("role", ["owner", "reviewer", "annotator"])
def test_another_projects_id_answers_404_to_members(client_for, users, other_project, role):
    response = client_for(users[role]).get(URL, {"project": other_project.pk})

    assert response.status_code == 404


def test_the_figures_of_a_document(client_for, owner, annotated):
    response = client_for(owner).get(
        URL, {"project": annotated.project_id, "document": annotated.pk}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["basis"] == "all_annotators"
    assert body["annotators"] == ["alex", "anna"]
    assert body["documents"] == 1
    assert body["units"] == 4
    # Values: [statistic, causal, -, -] and [statistic, quote, -, -]. Coincidences:
    # 2 disagreeing of 8 values; expected (64 - (4 + 1 + 1 + 16)) / 56 = 42/56.
    assert body["claim_type"]["alpha"] == round(1 - (2 / 8) / (42 / 56), 3)
    # p_o = 3/4; p_e = (1/4)^2 + (2/4)^2 = 5/16.
    kappa = round((3 / 4 - 5 / 16) / (1 - 5 / 16), 3)
    assert body["claim_type"]["pairwise"] == [
        {"a": "alex", "b": "anna", "units": 4, "percent": 75.0, "kappa": kappa}
    ]
    assert body["claim_type"]["by_claim_type"] == {"causal": 0.0, "quote": 0.0, "statistic": 1.0}
    assert body["claim_type"]["no_claim"] == 1.0
    assert body["verification_status"]["units"] == 2
    # Verdicts true/true and false/mostly false: ordinal distances 1 (false to mostly
    # false), 6.25 and 2.25 (to true); observed 2 * 1 / 4, expected 36 / 12.
    assert body["verification_status"]["alpha"] == round(1 - 0.5 / 3, 3)
    assert body["spans"]["measure"] == "pairwise_f1"
    assert body["spans"]["exact_f1"] == 1.0


def assign(owner, document, *people, done=()):
    services.assign_documents(user=owner, documents=[document], assignees=list(people))
    for assignment in document.assignments.filter(assignee__in=done):
        services.update_assignment(user=owner, assignment=assignment, state="done")


def test_with_assignments_only_done_assignees_are_compared(
    client_for, owner, project, annotated, annotator, second_annotator
):
    third = UserFactory(username="zoe")
    services.add_member(project=project, user=third, role=Role.ANNOTATOR)
    annotate(annotated, third, 0, "quote")
    params = {"project": project.pk, "document": annotated.pk}
    client = client_for(owner)
    assign(owner, annotated, annotator, second_annotator, third, done=[annotator])

    one_done = client.get(URL, params).json()
    assign(owner, annotated, annotator, second_annotator, third, done=[second_annotator])
    two_done = client.get(URL, params).json()

    assert one_done["basis"] == two_done["basis"] == "done_assignees"
    assert one_done["annotators"] == ["anna"]  # zoe annotated but is not done
    assert one_done["documents"] == 0  # one coder: nothing to compare
    assert two_done["annotators"] == ["alex", "anna"]
    assert two_done["claim_type"]["pairwise"][0]["percent"] == 75.0


def test_a_project_with_and_without_assignments_is_mixed(
    client_for, owner, project, annotated, annotator, second_annotator
):
    other = make_document(project, text="Claim one. Claim two.")
    annotate(other, annotator, 0, "quote")
    annotate(other, second_annotator, 0, "quote")
    assign(owner, other, annotator, second_annotator, done=[annotator, second_annotator])

    body = client_for(owner).get(URL, {"project": project.pk}).json()
    alone = client_for(owner).get(URL, {"project": project.pk, "document": other.pk}).json()

    assert body["basis"] == "mixed"
    assert body["documents"] == 2
    assert alone["basis"] == "done_assignees"


def test_the_whole_project_when_no_document_is_given(client_for, owner, project, annotated):
    make_document(project, text="Nobody annotated this. Nor this.")

    body = client_for(owner).get(URL, {"project": project.pk}).json()

    assert body["documents"] == 1
    assert body["units"] == 4


def test_a_project_nobody_annotated(client_for, owner, project):
    body = client_for(owner).get(URL, {"project": project.pk}).json()

    assert body["annotators"] == []
    assert body["units"] == 0
    assert body["claim_type"]["alpha"] is None
    assert body["spans"]["pairwise"] == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "project", "This field is required."),
        ({"project": "abc"}, "project", "A valid integer is required."),
        ({"project": "0"}, "project", "Ensure this value is greater than or equal to 1."),
        ({"project": "{p}", "document": "x"}, "document", "A valid integer is required."),
        ({"project": "{p}", "sort": "alpha"}, "sort", messages.UNKNOWN_QUERY_PARAMETER),
        ({"project": "{p}\x00"}, "project", messages.NUL_IN_PARAMETER),
    ],
)
def test_bad_parameters_answer_400_naming_them(client_for, owner, project, params, field, message):
    params = {key: value.format(p=project.pk) for key, value in params.items()}

    response = client_for(owner).get(URL, params)

    assert response.status_code == 400
    assert response.json()[field] == [message]


def test_a_document_outside_the_project_answers_400(client_for, owner, project, other_document):
    client = client_for(owner)

    foreign = client.get(URL, {"project": project.pk, "document": other_document.pk})
    missing = client.get(URL, {"project": project.pk, "document": other_document.pk + 1000})

    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == {
        "document": [
            messages.DOCUMENT_NOT_IN_PROJECT.format(document=other_document.pk, project=project.pk)
        ]
    }


def build_project(owner, size):
    """``size`` documents, each annotated by ``size`` annotators on every sentence."""
    project = make_project(owner=owner)
    people = [UserFactory() for _ in range(size)]
    for person in people:
        services.add_member(project=project, user=person, role=Role.ANNOTATOR)
    for n in range(size):
        document = make_document(project, text=f"Claim {n} one. Claim {n} two. Claim {n} three.")
        for person in people:
            for index in range(3):
                annotate(document, person, index, "statistic", "true")
    return project, document


@pytest.mark.parametrize("size", [2, 5])
@pytest.mark.parametrize("with_document", [False, True])
def test_a_fixed_number_of_queries(
    client_for, owner, size, with_document, django_assert_num_queries
):
    project, document = build_project(owner, size)
    params = {"project": project.pk}
    if with_document:
        params["document"] = document.pk
    client = client_for(owner)

    # Project, role, [document,] annotations, sentences, assignments.
    with django_assert_num_queries(6 if with_document else 5):
        response = client.get(URL, params)

    assert response.status_code == 200
    assert response.json()["units"] == 3 * (1 if with_document else size)


def test_schema_lists_every_answer(client_for, owner):
    schema = client_for(owner).get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"][URL]["get"]
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "414"}
    assert {p["name"] for p in operation["parameters"]} == {"project", "document"}
