"""Who may read and manage projects, claim types and members, operation by operation.

The cast of ``test_access`` plus a superuser: ``project`` has an owner, a reviewer and an
annotator; ``outsider`` owns only ``other_project``. A refused request changes nothing.
"""

import functools
import re

import pytest
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator

from annotations.models import ClaimType, Membership, Project
from tests.factories import UserFactory, make_annotation

ROLES = ["owner", "reviewer", "annotator", "outsider", "superuser", "anonymous"]
MEMBERS = ["owner", "reviewer", "annotator"]


@pytest.fixture
def superuser(db):
    return UserFactory(username="sam", is_superuser=True, is_staff=True)


@pytest.fixture
def cast(users, superuser):
    return {**users, "superuser": superuser}


@pytest.fixture
def world(project, document, other_project, annotator, outsider):
    """An annotation of type "statistic" in each project, and a user who is in neither."""
    make_annotation(document, user=annotator)
    return {"project": project, "foreign": other_project, "newcomer": UserFactory(username="nina")}


def request_for(operation, world, *, foreign=False):
    """(method, path, body) of ``operation`` aimed at the own or at the other project."""
    project = world["foreign" if foreign else "project"]
    base = f"/api/v1/projects/{project.pk}"
    unused = project.claim_types.get(slug="opinion").pk
    in_use = project.claim_types.get(slug="statistic").pk
    member = project.memberships.get(role="annotator" if not foreign else "owner").user_id
    order = list(project.claim_types.order_by("-position").values_list("pk", flat=True))
    return {
        "project_list": ("get", "/api/v1/projects/", None),
        "project_create": ("post", "/api/v1/projects/", {"name": "Election 2026"}),
        "project_detail": ("get", f"{base}/", None),
        "project_update": ("patch", f"{base}/", {"description": "Renamed desk"}),
        "project_delete": ("delete", f"{base}/", None),
        "claim_type_list": ("get", f"{base}/claim-types/", None),
        "claim_type_create": ("post", f"{base}/claim-types/", {"name": "Rumour", "shortcut": "r"}),
        "claim_type_detail": ("get", f"{base}/claim-types/{unused}/", None),
        "claim_type_update": ("patch", f"{base}/claim-types/{unused}/", {"color": "#000000"}),
        "claim_type_delete": ("delete", f"{base}/claim-types/{unused}/", None),
        "claim_type_in_use_delete": ("delete", f"{base}/claim-types/{in_use}/", None),
        "claim_type_order": ("put", f"{base}/claim-types/order/", {"order": order}),
        "member_list": ("get", f"{base}/members/", None),
        "member_create": ("post", f"{base}/members/", {"username": "nina", "role": "reviewer"}),
        "member_detail": ("get", f"{base}/members/{member}/", None),
        "member_update": ("patch", f"{base}/members/{member}/", {"role": "reviewer"}),
        "member_delete": ("delete", f"{base}/members/{member}/", None),
    }[operation]


# Expected status in ``project``, by operation and role, in the order of ROLES:
# owner, reviewer, annotator, outsider, superuser, anonymous.
OWN_PROJECT = {
    "project_list": (200, 200, 200, 200, 200, 401),
    "project_create": (403, 403, 403, 403, 201, 401),
    "project_detail": (200, 200, 200, 404, 200, 401),
    "project_update": (200, 403, 403, 404, 200, 401),
    "project_delete": (403, 403, 403, 404, 204, 401),
    "claim_type_list": (200, 200, 200, 404, 200, 401),
    "claim_type_create": (201, 403, 403, 404, 201, 401),
    "claim_type_detail": (200, 200, 200, 404, 200, 401),
    "claim_type_update": (200, 403, 403, 404, 200, 401),
    "claim_type_delete": (204, 403, 403, 404, 204, 401),
    "claim_type_in_use_delete": (409, 403, 403, 404, 409, 401),
    "claim_type_order": (200, 403, 403, 404, 200, 401),
    "member_list": (200, 200, 200, 404, 200, 401),
    "member_create": (201, 403, 403, 404, 201, 401),
    "member_detail": (200, 200, 200, 404, 200, 401),
    "member_update": (200, 403, 403, 404, 200, 401),
    "member_delete": (204, 403, 403, 404, 204, 401),
}

# Operations on one project, aimed by its members at ``other_project``: nothing is there.
PROJECT_SCOPED = sorted(op for op in OWN_PROJECT if op not in {"project_list", "project_create"})


def snapshot():
    """Everything these endpoints can change, to prove a refused request changed nothing."""
    return (
        list(Project.objects.order_by("pk").values_list("pk", "name", "slug", "description")),
        list(ClaimType.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values_list("project", "user", "role")),
    )


@functools.cache
def documented_statuses() -> dict:
    """(path template, method) → the statuses the OpenAPI schema lists for it."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (path, method): set(operation["responses"])
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method != "parameters"
    }


def path_template(path: str) -> str:
    route = resolve(path).route  # e.g. api/v1/projects/<int:pk>/members/<int:user_id>/
    return "/" + re.sub(r"<int:(\w+)>", lambda m: "{id}" if m[1] == "pk" else f"{{{m[1]}}}", route)


def call(client_for, user, method, path, body):
    return getattr(client_for(user), method)(path, body, format="json")


@pytest.mark.parametrize("operation", sorted(OWN_PROJECT))
@pytest.mark.parametrize("role", ROLES)
def test_own_project_access(client_for, cast, world, role, operation):
    expected = OWN_PROJECT[operation][ROLES.index(role)]
    method, path, body = request_for(operation, world)
    before = snapshot()

    response = call(client_for, cast[role], method, path, body)

    assert response.status_code == expected, response.content
    assert str(expected) in documented_statuses()[(path_template(path), method)]
    if expected >= 400:
        assert response.json()["detail"]
        assert snapshot() == before


@pytest.mark.parametrize("operation", PROJECT_SCOPED)
@pytest.mark.parametrize("role", MEMBERS)
def test_other_projects_do_not_exist_for_members(client_for, cast, world, role, operation):
    method, path, body = request_for(operation, world, foreign=True)
    before = snapshot()

    response = call(client_for, cast[role], method, path, body)

    assert response.status_code == 404, response.content
    assert "404" in documented_statuses()[(path_template(path), method)]
    assert snapshot() == before


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/projects/{project}/claim-types/{claim_type}/",
        "/api/v1/projects/{project}/members/{user}/",
    ],
)
def test_an_item_of_another_project_is_not_found_under_this_one(
    client_for, owner, world, outsider, path
):
    """The item exists and the caller owns the project in the path, but the item is foreign."""
    foreign_claim_type = world["foreign"].claim_types.first()
    url = path.format(
        project=world["project"].pk, claim_type=foreign_claim_type.pk, user=outsider.pk
    )

    for method, body in (("get", None), ("patch", {"role": "owner"}), ("delete", None)):
        response = getattr(client_for(owner), method)(url, body, format="json")
        assert response.status_code == 404, (method, response.content)
    assert foreign_claim_type in ClaimType.objects.all()
