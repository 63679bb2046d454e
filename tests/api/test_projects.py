"""Managing projects, claim types and members through the API, with the admin's rules."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import messages, services
from annotations.models import Annotation, ClaimType, Document, Membership, Project, Role
from tests.factories import UserFactory, make_annotation, make_project

PROJECTS = "/api/v1/projects/"


@pytest.fixture
def superuser(db):
    return UserFactory(username="sam", is_superuser=True, is_staff=True)


@pytest.fixture
def as_owner(client_for, owner, project):
    return client_for(owner)


def claim_types_url(project, claim_type=None):
    suffix = "" if claim_type is None else f"{claim_type.pk}/"
    return f"{PROJECTS}{project.pk}/claim-types/{suffix}"


def members_url(project, user=None):
    suffix = "" if user is None else f"{user.pk}/"
    return f"{PROJECTS}{project.pk}/members/{suffix}"


def role_of(user, project):
    return (
        Membership.objects.filter(user=user, project=project).values_list("role", flat=True).first()
    )


# --- projects -----------------------------------------------------------------------------


def test_creating_a_project_makes_the_creator_owner_with_the_default_claim_types(
    client_for, superuser
):
    response = client_for(superuser).post(
        PROJECTS, {"name": "Election 2026", "description": "Claims of the campaign."}, format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "election-2026"
    assert body["role"] == "owner"
    assert response["Location"] == f"{PROJECTS}{body['id']}/"
    assert [ct["slug"] for ct in body["claim_types"]] == [
        slug for slug, *_ in services.DEFAULT_CLAIM_TYPES
    ]
    assert [ct["slug"] for ct in body["claim_types"] if ct["is_default"]] == ["event"]
    assert role_of(superuser, body["id"]) == Role.OWNER


def test_a_user_with_the_add_project_permission_creates_projects_and_owns_them(
    client_for, annotator
):
    annotator.user_permissions.add(Permission.objects.get(codename="add_project"))

    response = client_for(annotator).post(
        PROJECTS, {"name": "Health desk", "slug": "health"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "health"
    assert role_of(annotator, Project.objects.get(slug="health")) == Role.OWNER


def test_creating_a_project_without_the_permission_is_refused(client_for, owner):
    response = client_for(owner).post(PROJECTS, {"name": "Mine"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": messages.CANNOT_CREATE_PROJECT}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "name", "This field is required."),
        ({"name": ""}, "name", "This field may not be blank."),
        ({"name": "x" * 201}, "name", "Ensure this field has no more than 200 characters."),
        ({"name": "!!!"}, "slug", messages.SLUG_EMPTY),
        ({"name": "Desk", "slug": "not a slug"}, "slug", None),
        ({"name": "Desk", "owner": 1}, "owner", messages.UNKNOWN_FIELD),
        ({"name": "Desk", "id": 5}, "id", messages.READ_ONLY_FIELD),
        ({"name": "Desk", "claim_types": []}, "claim_types", messages.UNKNOWN_FIELD),
    ],
)
def test_bad_project_input_answers_400_naming_the_field(
    client_for, superuser, body, field, message
):
    response = client_for(superuser).post(PROJECTS, body, format="json")

    assert response.status_code == 400
    errors = response.json()[field]
    assert message is None or errors == [message]
    assert not Project.objects.exists()


def test_a_taken_project_slug_answers_400(client_for, superuser, project):
    response = client_for(superuser).post(
        PROJECTS, {"name": "Again", "slug": project.slug}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["slug"] == ["Project with this Slug already exists."]


def test_owners_change_the_fields_they_name_and_nothing_else(as_owner, project):
    response = as_owner.patch(f"{PROJECTS}{project.pk}/", {"name": "Desk 2"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Desk 2"
    assert response.json()["role"] == "owner"
    project.refresh_from_db()
    assert (project.name, project.slug) == ("Desk 2", response.json()["slug"])


@pytest.mark.parametrize(
    "body", [{"name": ""}, {"slug": "no spaces"}, {"created_at": "2020-01-01T00:00:00Z"}]
)
def test_bad_project_changes_answer_400_and_change_nothing(as_owner, project, body):
    response = as_owner.patch(f"{PROJECTS}{project.pk}/", body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == set(body)
    assert Project.objects.get(pk=project.pk).name == project.name


def test_deleting_a_project_deletes_its_work_and_records_who(
    client_for, superuser, project, document, annotator
):
    annotation = make_annotation(document, user=annotator, sources=[{"url": "https://a.example/"}])
    other = make_project(owner=superuser)

    response = client_for(superuser).delete(f"{PROJECTS}{project.pk}/")

    assert response.status_code == 204
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not Document.objects.filter(project_id=project.pk).exists()
    assert not ClaimType.objects.filter(project_id=project.pk).exists()
    assert not Membership.objects.filter(project_id=project.pk).exists()
    deletion = Annotation.history.filter(id=annotation.pk).latest("history_date")
    assert (deletion.history_type, deletion.history_user) == ("-", superuser)
    assert Project.objects.filter(pk=other.pk).exists()


def test_owners_cannot_delete_their_project(as_owner, project):
    response = as_owner.delete(f"{PROJECTS}{project.pk}/")

    assert response.status_code == 403
    assert response.json() == {"detail": messages.CANNOT_DELETE_PROJECT}


# --- claim types --------------------------------------------------------------------------


def test_a_new_claim_type_goes_last_with_a_slug_from_its_name(as_owner, project):
    response = as_owner.post(
        claim_types_url(project),
        {"name": "Rumour mill", "shortcut": "r", "color": "#123abc", "description": "Hearsay."},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slug"], body["position"], body["is_default"]) == ("rumour-mill", 8, False)
    assert response["Location"] == claim_types_url(project, ClaimType.objects.get(pk=body["id"]))
    listed = as_owner.get(claim_types_url(project)).json()
    assert listed[-1]["id"] == body["id"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {"name": "Stats", "shortcut": "1"},
            "shortcut",
            "The shortcut '1' is already used by 'Statistic / quantity' in this project.",
        ),
        (
            {"name": "Stats", "slug": "statistic"},
            "slug",
            "Another claim type of this project ('Statistic / quantity') has the slug 'statistic'.",
        ),
        ({"name": "Stats", "color": "red"}, "color", "Use a colour like #1f77b4."),
        ({"name": "Stats", "shortcut": "ab"}, "shortcut", None),
        ({"name": "Stats", "position": -1}, "position", None),
        ({"name": "Stats", "project": 1}, "project", messages.READ_ONLY_FIELD),
        ({"name": "Stats", "colour": "#ffffff"}, "colour", messages.UNKNOWN_FIELD),
        ({"shortcut": "z"}, "name", "This field is required."),
        ({"name": "???"}, "slug", messages.SLUG_EMPTY),
    ],
)
def test_bad_claim_types_answer_400_naming_the_field(as_owner, project, body, field, message):
    before = list(ClaimType.objects.values())

    response = as_owner.post(claim_types_url(project), body, format="json")

    assert response.status_code == 400
    errors = response.json()[field]
    assert message is None or errors == [message]
    assert list(ClaimType.objects.values()) == before


def test_a_slug_or_shortcut_used_in_another_project_is_free_here(as_owner, project, other_project):
    ClaimType.objects.create(project=other_project, slug="rumour", name="Rumour", shortcut="r")

    response = as_owner.post(
        claim_types_url(project), {"name": "Rumour", "shortcut": "r"}, format="json"
    )

    assert response.status_code == 201, response.content


def test_making_a_claim_type_the_default_takes_the_mark_from_the_previous_one(as_owner, project):
    quote = project.claim_types.get(slug="quote")

    response = as_owner.patch(claim_types_url(project, quote), {"is_default": True}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["is_default"] is True
    defaults = project.claim_types.filter(is_default=True).values_list("slug", flat=True)
    assert list(defaults) == ["quote"]


def test_a_new_default_claim_type_leaves_one_default(as_owner, project):
    response = as_owner.post(
        claim_types_url(project), {"name": "Rumour", "is_default": True}, format="json"
    )

    assert response.status_code == 201
    defaults = project.claim_types.filter(is_default=True).values_list("slug", flat=True)
    assert list(defaults) == ["rumour"]


def test_changing_a_claim_type_keeps_its_own_shortcut_and_the_unnamed_fields(as_owner, project):
    statistic = project.claim_types.get(slug="statistic")

    response = as_owner.patch(
        claim_types_url(project, statistic), {"name": "Number", "shortcut": "1"}, format="json"
    )

    assert response.status_code == 200, response.content
    statistic.refresh_from_db()
    assert (statistic.name, statistic.shortcut, statistic.slug) == ("Number", "1", "statistic")


def test_taking_another_claim_types_shortcut_is_refused(as_owner, project):
    statistic = project.claim_types.get(slug="statistic")

    response = as_owner.patch(claim_types_url(project, statistic), {"shortcut": "2"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "shortcut": ["The shortcut '2' is already used by 'Quote / attribution' in this project."]
    }


def test_a_claim_type_in_use_cannot_be_deleted_and_the_answer_says_by_how_many(
    as_owner, project, document, annotator, reviewer
):
    make_annotation(document, user=annotator)
    make_annotation(document, user=reviewer)
    statistic = project.claim_types.get(slug="statistic")

    response = as_owner.delete(claim_types_url(project, statistic))

    assert response.status_code == 409
    assert response.json() == {
        "detail": messages.CLAIM_TYPE_IN_USE.format(count=2),
        "annotation_count": 2,
    }
    assert ClaimType.objects.filter(pk=statistic.pk).exists()


def test_an_unused_claim_type_is_deleted(as_owner, project):
    opinion = project.claim_types.get(slug="opinion")

    response = as_owner.delete(claim_types_url(project, opinion))

    assert response.status_code == 204
    assert not ClaimType.objects.filter(pk=opinion.pk).exists()


def test_reordering_sets_the_display_order(as_owner, project):
    reversed_ids = list(project.claim_types.order_by("-position").values_list("pk", flat=True))

    response = as_owner.put(
        f"{claim_types_url(project)}order/", {"order": reversed_ids}, format="json"
    )

    assert response.status_code == 200, response.content
    assert [ct["id"] for ct in response.json()] == reversed_ids
    assert [ct["position"] for ct in response.json()] == list(range(len(reversed_ids)))
    assert [ct["id"] for ct in as_owner.get(claim_types_url(project)).json()] == reversed_ids


@pytest.mark.parametrize("change", ["missing", "repeated", "foreign", "extra"])
def test_an_order_that_is_not_every_claim_type_once_answers_400(
    as_owner, project, other_project, change
):
    ids = list(project.claim_types.values_list("pk", flat=True))
    order = {
        "missing": ids[1:],
        "repeated": [ids[0], *ids[:-1]],
        "foreign": [*ids[:-1], other_project.claim_types.first().pk],
        "extra": [*ids, other_project.claim_types.first().pk],
    }[change]
    before = list(ClaimType.objects.values_list("pk", "position"))

    response = as_owner.put(f"{claim_types_url(project)}order/", {"order": order}, format="json")

    assert response.status_code == 400
    assert response.json() == {"order": [messages.CLAIM_TYPE_ORDER]}
    assert list(ClaimType.objects.values_list("pk", "position")) == before


# --- members ------------------------------------------------------------------------------


def test_members_are_listed_by_username_with_their_roles(client_for, annotator, project):
    response = client_for(annotator).get(members_url(project))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["user"]["username"], row["role"]) for row in rows] == [
        ("anna", "annotator"),
        ("olivia", "owner"),
        ("rita", "reviewer"),
    ]


def test_owners_add_a_member_by_username(as_owner, project):
    newcomer = UserFactory(username="nina")

    response = as_owner.post(members_url(project), {"username": "nina"}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["user"] == {"id": newcomer.pk, "username": "nina"}
    assert response.json()["role"] == "annotator"
    assert response["Location"] == members_url(project, newcomer)
    assert role_of(newcomer, project) == Role.ANNOTATOR


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"username": "nobody"}, "username", "No active user is called 'nobody'."),
        ({"username": "gone"}, "username", "No active user is called 'gone'."),
        ({"username": "nina", "role": "editor"}, "role", '"editor" is not a valid choice.'),
        ({}, "username", "This field is required."),
        ({"username": "nina", "user": 3}, "user", messages.UNKNOWN_FIELD),
    ],
)
def test_bad_members_answer_400_naming_the_field(as_owner, project, body, field, message):
    UserFactory(username="nina")
    UserFactory(username="gone", is_active=False)

    response = as_owner.post(members_url(project), body, format="json")

    assert response.status_code == 400
    assert response.json()[field] == [message]
    assert project.memberships.count() == 3


def test_adding_a_member_again_answers_409_and_keeps_their_role(as_owner, project, annotator):
    response = as_owner.post(
        members_url(project), {"username": "anna", "role": "owner"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["detail"] == messages.ALREADY_A_MEMBER.format(
        user="anna", role="annotator"
    )
    assert response.json()["member"]["user"]["username"] == "anna"
    assert role_of(annotator, project) == Role.ANNOTATOR


def test_owners_change_a_members_role(as_owner, project, annotator):
    response = as_owner.patch(members_url(project, annotator), {"role": "reviewer"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["role"] == "reviewer"
    assert role_of(annotator, project) == Role.REVIEWER


def test_the_last_owner_cannot_be_demoted_or_removed(as_owner, project, owner):
    demoted = as_owner.patch(members_url(project, owner), {"role": "reviewer"}, format="json")
    removed = as_owner.delete(members_url(project, owner))

    for response in (demoted, removed):
        assert response.status_code == 400
        assert response.json() == {"detail": messages.LAST_OWNER}
    assert role_of(owner, project) == Role.OWNER


def test_an_owner_steps_down_once_another_member_is_owner(as_owner, project, owner, reviewer):
    as_owner.patch(members_url(project, reviewer), {"role": "owner"}, format="json")

    response = as_owner.delete(members_url(project, owner))

    assert response.status_code == 204
    assert role_of(owner, project) is None
    assert as_owner.get(f"{PROJECTS}{project.pk}/").status_code == 404


def test_a_removed_member_no_longer_sees_the_project(as_owner, client_for, project, annotator):
    response = as_owner.delete(members_url(project, annotator))

    assert response.status_code == 204
    assert client_for(annotator).get(f"{PROJECTS}{project.pk}/").status_code == 404


def test_a_user_who_is_not_a_member_is_not_found(as_owner, project, outsider):
    response = as_owner.patch(members_url(project, outsider), {"role": "owner"}, format="json")

    assert response.status_code == 404
    assert role_of(outsider, project) is None


# --- query counts -------------------------------------------------------------------------


def queries_for(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context)


def test_the_member_list_runs_a_fixed_number_of_queries(as_owner, project):
    few = queries_for(as_owner, members_url(project))
    for n in range(20):
        services.add_member(project=project, user=UserFactory(username=f"m{n:02}"))

    # the project, the count, the rows with their users
    assert queries_for(as_owner, members_url(project)) == few == 3


def test_the_claim_type_list_runs_a_fixed_number_of_queries(as_owner, project):
    few = queries_for(as_owner, claim_types_url(project))
    for n in range(20):
        ClaimType.objects.create(project=project, slug=f"extra-{n}", name=f"Extra {n}")

    # the project, the rows
    assert queries_for(as_owner, claim_types_url(project)) == few == 2


def test_the_member_and_claim_type_lists_take_no_ordering(as_owner, project):
    for path in (members_url(project), claim_types_url(project)):
        response = as_owner.get(path, {"ordering": "role"})

        assert response.status_code == 400
        assert response.json() == {"ordering": [messages.UNKNOWN_QUERY_PARAMETER]}


def test_a_method_a_route_does_not_take_answers_405_in_json(as_owner, project):
    response = as_owner.post(f"{PROJECTS}{project.pk}/claim-types/order/", {"order": []})

    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "POST" not allowed.'}


def test_an_empty_member_patch_changes_nothing_but_still_needs_an_owner(
    as_owner, client_for, reviewer, project, annotator
):
    assert as_owner.patch(members_url(project, annotator), {}, format="json").status_code == 200
    assert (
        client_for(reviewer).patch(members_url(project, annotator), {}, format="json").status_code
        == 403
    )
    assert role_of(annotator, project) == Role.ANNOTATOR


def test_a_page_past_the_end_answers_404_in_json(as_owner, project):
    for path in (PROJECTS, members_url(project)):
        response = as_owner.get(path, {"page": 99})

        assert response.status_code == 404
        assert response.json() == {"detail": "Invalid page."}


@pytest.mark.parametrize(
    "suffix",
    [
        "",
        "claim-types/",
        "claim-types/{claim_type}/",
        "claim-types/order/",
        "members/",
        "members/{member}/",
    ],
)
def test_options_describes_each_route_in_json(as_owner, project, annotator, suffix):
    claim_type = project.claim_types.first().pk
    path = f"{PROJECTS}{project.pk}/{suffix.format(member=annotator.pk, claim_type=claim_type)}"

    response = as_owner.options(path)

    assert response.status_code == 200
    assert response.json()["name"]
