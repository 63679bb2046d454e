"""Who may do what, endpoint by endpoint: each role, in its own and in another project.

The project ``project`` has an owner, a reviewer and an annotator; ``outsider`` owns only
``other_project``. Objects of projects you are not in answer 404 (or, in a create body,
"does not exist"), exactly like objects that do not exist.
"""

import pytest

from tests.factories import make_annotation

ROLES = ["owner", "reviewer", "annotator", "outsider", "anonymous"]
MEMBERS = ["owner", "reviewer", "annotator"]


@pytest.fixture
def world(project, document, other_project, other_document, annotator, second_annotator, outsider):
    """One annotation by the annotator, one by a colleague, one in the other project."""
    return {
        "project": project,
        "document": document,
        "own": make_annotation(document, user=annotator),
        "colleagues": make_annotation(document, user=second_annotator, sentence_index=1),
        "foreign_project": other_project,
        "foreign_document": other_document,
        "foreign": make_annotation(other_document, user=outsider),
    }


def request_for(endpoint, world, *, foreign=False):
    """(method, path, body, headers) of ``endpoint`` aimed at the own or the other project."""
    project = world["foreign_project" if foreign else "project"]
    document = world["foreign_document" if foreign else "document"]
    annotation = world["foreign" if foreign else "own"]
    if endpoint == "colleagues_annotation_patch":
        annotation = world["colleagues"]
    sentence = document.sentences.get(index=2)
    claim_type = project.claim_types.get(slug="event")
    patch = {"rationale": "checked"}
    if_match = {"HTTP_IF_MATCH": '"1"'}
    return {
        "project_detail": ("get", f"/api/v1/projects/{project.pk}/", None, {}),
        "project_claim_types": ("get", f"/api/v1/projects/{project.pk}/claim-types/", None, {}),
        "document_detail": ("get", f"/api/v1/documents/{document.pk}/", None, {}),
        "document_create": (
            "post",
            "/api/v1/documents/",
            {"project": project.pk, "title": "New", "text": "A brand new sentence."},
            {},
        ),
        "annotation_detail": ("get", f"/api/v1/annotations/{annotation.pk}/", None, {}),
        "annotation_history": ("get", f"/api/v1/annotations/{annotation.pk}/history/", None, {}),
        "annotation_create": (
            "post",
            "/api/v1/annotations/",
            {"sentence": sentence.pk, "claim_type": claim_type.pk},
            {},
        ),
        "own_annotation_patch": ("patch", f"/api/v1/annotations/{annotation.pk}/", patch, if_match),
        "colleagues_annotation_patch": (
            "patch",
            f"/api/v1/annotations/{annotation.pk}/",
            patch,
            if_match,
        ),
        "annotation_delete": ("delete", f"/api/v1/annotations/{annotation.pk}/", None, if_match),
        "annotation_review": (
            "post",
            f"/api/v1/annotations/{annotation.pk}/review/",
            {"decision": "approve"},
            {},
        ),
    }[endpoint]


# Expected status in the caller's own project, by endpoint and role (owner, reviewer,
# annotator, outsider, anonymous). "own" annotations were made by the annotator.
OWN_PROJECT = {
    "project_detail": (200, 200, 200, 404, 401),
    "project_claim_types": (200, 200, 200, 404, 401),
    "document_detail": (200, 200, 200, 404, 401),
    "document_create": (201, 403, 403, 400, 401),
    "annotation_detail": (200, 200, 200, 404, 401),
    "annotation_history": (200, 200, 200, 404, 401),
    "annotation_create": (201, 201, 201, 400, 401),
    "own_annotation_patch": (200, 200, 200, 404, 401),
    "colleagues_annotation_patch": (200, 200, 403, 404, 401),
    "annotation_delete": (204, 204, 204, 404, 401),
    "annotation_review": (200, 200, 403, 404, 401),
}

# Members of ``project`` aiming at ``other_project``: as if nothing were there.
OTHER_PROJECT = {
    endpoint: (400 if endpoint.endswith("_create") else 404)
    for endpoint in OWN_PROJECT
    if endpoint != "colleagues_annotation_patch"
}


def call(client_for, user, method, path, body, headers):
    return getattr(client_for(user), method)(path, body, format="json", **headers)


@pytest.mark.parametrize("endpoint", sorted(OWN_PROJECT))
@pytest.mark.parametrize("role", ROLES)
def test_own_project_access(client_for, users, world, role, endpoint):
    expected = OWN_PROJECT[endpoint][ROLES.index(role)]
    method, path, body, headers = request_for(endpoint, world)

    response = call(client_for, users[role], method, path, body, headers)

    assert response.status_code == expected, response.content


@pytest.mark.parametrize("endpoint", sorted(OTHER_PROJECT))
@pytest.mark.parametrize("role", MEMBERS)
def test_other_project_objects_do_not_exist_for_members(client_for, users, world, role, endpoint):
    method, path, body, headers = request_for(endpoint, world, foreign=True)

    response = call(client_for, users[role], method, path, body, headers)

    assert response.status_code == OTHER_PROJECT[endpoint], response.content
    world["foreign"].refresh_from_db()
    assert world["foreign"].version == 1


LISTS = ["/api/v1/projects/", "/api/v1/documents/", "/api/v1/annotations/"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("role", ROLES)
def test_lists_show_only_the_callers_projects(client_for, users, world, role, path):
    response = client_for(users[role]).get(path)

    if role == "anonymous":
        assert response.status_code == 401
        return
    rows = response.json()["results"]
    projects = {row["id"] if "projects" in path else row["project"] for row in rows}
    expected = world["foreign_project" if role == "outsider" else "project"].pk
    assert projects == {expected}


@pytest.mark.parametrize("path", ["/api/v1/annotations/", "/api/v1/documents/"])
def test_filtering_by_a_foreign_project_answers_404(client_for, annotator, world, path):
    response = client_for(annotator).get(path, {"project": world["foreign_project"].pk})

    assert response.status_code == 404
    assert "among your projects" in response.json()["detail"]


def test_filtering_by_a_foreign_document_answers_404(client_for, annotator, world):
    response = client_for(annotator).get(
        "/api/v1/annotations/", {"document": world["foreign_document"].pk}
    )

    assert response.status_code == 404


def test_project_role_is_the_callers(client_for, users, world):
    for role in MEMBERS:
        body = client_for(users[role]).get(f"/api/v1/projects/{world['project'].pk}/").json()
        assert body["role"] == role


def test_anonymous_answer_names_the_token_scheme(client):
    response = client.get("/api/v1/annotations/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_foreign_annotation_answers_404_even_without_if_match(client_for, annotator, world, method):
    path = f"/api/v1/annotations/{world['foreign'].pk}/"

    response = getattr(client_for(annotator), method)(path, {"rationale": "x"}, format="json")

    assert response.status_code == 404
