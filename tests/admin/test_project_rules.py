"""The admin keeps the API's rules for projects and claim types (the same services), and
the auth admin never deletes a project's last owner."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from annotations import messages, services
from annotations.models import Annotation, ClaimType, Membership, Project, Role
from tests.admin.test_documents_and_projects import inline_data
from tests.admin.test_memberships import message_texts
from tests.factories import UserFactory, make_annotation

USERS = reverse("admin:auth_user_changelist")


@pytest.fixture
def superuser(superuser_client, django_user_model):
    return django_user_model.objects.get(username="eddie")


def claim_type_rows(client, project):
    """The project page's POST data, unchanged, and each claim type's row by slug."""
    url = reverse("admin:annotations_project_change", args=[project.pk])
    page = client.get(url)
    formsets = {f.formset.prefix: f.formset for f in page.context["inline_admin_formsets"]}
    data = {"name": project.name, "slug": project.slug, "description": project.description}
    for prefix, formset in formsets.items():
        data.update(inline_data(prefix, formset))
    rows = {form.instance.slug: n for n, form in enumerate(formsets["claim_types"].forms)}
    return url, data, rows


def defaults(project):
    return list(project.claim_types.filter(is_default=True).values_list("slug", flat=True))


# --- claim types on the project page ------------------------------------------------------


@pytest.mark.django_db
class TestClaimTypeInline:
    def test_the_default_moves_to_another_claim_type_in_one_save(self, owner_client, project):
        url, data, rows = claim_type_rows(owner_client, project)
        del data[f"claim_types-{rows['event']}-is_default"]
        data[f"claim_types-{rows['quote']}-is_default"] = "on"

        response = owner_client.post(url, data)

        assert response.status_code == 302, response.context["errors"]
        assert defaults(project) == ["quote"]

    def test_two_defaults_are_a_form_error(self, owner_client, project):
        url, data, rows = claim_type_rows(owner_client, project)
        data[f"claim_types-{rows['quote']}-is_default"] = "on"

        response = owner_client.post(url, data)

        assert response.status_code == 200
        assert messages.ONE_DEFAULT_CLAIM_TYPE in response.text
        assert defaults(project) == ["event"]

    def test_a_taken_shortcut_is_a_form_error_naming_its_holder(self, owner_client, project):
        url, data, rows = claim_type_rows(owner_client, project)
        data[f"claim_types-{rows['statistic']}-shortcut"] = "2"

        response = owner_client.post(url, data)

        assert response.status_code == 200
        assert "already used by &#x27;Quote / attribution&#x27;" in response.text
        assert project.claim_types.get(slug="statistic").shortcut == "1"

    def test_two_new_rows_with_one_shortcut_are_a_form_error(self, owner_client, project):
        url, data, rows = claim_type_rows(owner_client, project)
        n = len(rows)
        data["claim_types-TOTAL_FORMS"] = str(n + 2)
        for row, name in ((n, "Rumour"), (n + 1, "Gossip")):
            data.update(
                {
                    f"claim_types-{row}-name": name,
                    f"claim_types-{row}-slug": name.lower(),
                    f"claim_types-{row}-shortcut": "r",
                    f"claim_types-{row}-color": "#000000",
                    f"claim_types-{row}-position": "9",
                }
            )

        response = owner_client.post(url, data)

        assert response.status_code == 200
        assert messages.SHORTCUT_REPEATED in response.text
        assert not project.claim_types.filter(shortcut="r").exists()

    def test_a_new_row_is_saved_by_the_service_as_the_owner(self, owner_client, project):
        url, data, rows = claim_type_rows(owner_client, project)
        n = len(rows)
        data.update(
            {
                "claim_types-TOTAL_FORMS": str(n + 1),
                f"claim_types-{n}-name": "Rumour",
                f"claim_types-{n}-slug": "rumour",
                f"claim_types-{n}-shortcut": "r",
                f"claim_types-{n}-color": "#000000",
                f"claim_types-{n}-position": "9",
            }
        )

        response = owner_client.post(url, data)

        assert response.status_code == 302, response.context["errors"]
        assert project.claim_types.get(slug="rumour").shortcut == "r"

    def test_a_claim_type_in_use_cannot_be_deleted_inline(
        self, owner_client, project, document, annotator
    ):
        make_annotation(document, user=annotator)
        url, data, rows = claim_type_rows(owner_client, project)
        data[f"claim_types-{rows['statistic']}-DELETE"] = "on"

        response = owner_client.post(url, data)

        assert response.status_code == 200
        assert "would require deleting the following protected related objects" in response.text
        assert project.claim_types.filter(slug="statistic").exists()


# --- the claim type admin -----------------------------------------------------------------


@pytest.mark.django_db
class TestClaimTypeAdmin:
    def change(self, client, claim_type, **fields):
        data = {
            "project": claim_type.project_id,
            "position": claim_type.position,
            "name": claim_type.name,
            "slug": claim_type.slug,
            "shortcut": claim_type.shortcut,
            "color": claim_type.color,
            "description": claim_type.description,
            **({"is_default": "on"} if claim_type.is_default else {}),
            **fields,
        }
        url = reverse("admin:annotations_claimtype_change", args=[claim_type.pk])
        return client.post(url, {k: v for k, v in data.items() if v is not None})

    def test_a_taken_shortcut_names_the_claim_type_holding_it(self, owner_client, project):
        statistic = project.claim_types.get(slug="statistic")

        response = self.change(owner_client, statistic, shortcut="2")

        assert response.status_code == 200
        assert (
            "The shortcut &#x27;2&#x27; is already used by &#x27;Quote / attribution&#x27;"
            in response.text
        )
        statistic.refresh_from_db()
        assert statistic.shortcut == "1"

    def test_ticking_default_moves_the_mark(self, owner_client, project):
        response = self.change(
            owner_client, project.claim_types.get(slug="opinion"), is_default="on"
        )

        assert response.status_code == 302
        assert defaults(project) == ["opinion"]

    def test_adding_a_claim_type_goes_through_the_service(self, owner_client, project):
        response = owner_client.post(
            reverse("admin:annotations_claimtype_add"),
            {
                "project": project.pk,
                "position": "3",
                "name": "Rumour",
                "slug": "rumour",
                "shortcut": "1",
                "color": "#000000",
                "description": "",
            },
        )

        assert response.status_code == 200
        assert "already used by" in response.text
        assert not ClaimType.objects.filter(slug="rumour").exists()

    def test_a_claim_type_in_use_is_not_deleted(self, owner_client, project, document, annotator):
        make_annotation(document, user=annotator)
        statistic = project.claim_types.get(slug="statistic")
        url = reverse("admin:annotations_claimtype_delete", args=[statistic.pk])

        owner_client.post(url, {"post": "yes"})

        assert ClaimType.objects.filter(pk=statistic.pk).exists()


# --- projects -----------------------------------------------------------------------------


@pytest.mark.django_db
class TestProjectAdmin:
    def test_a_superuser_deletes_a_project_with_annotations(
        self, superuser_client, superuser, project, document, annotator
    ):
        annotation = make_annotation(document, user=annotator)
        url = reverse("admin:annotations_project_delete", args=[project.pk])
        assert "Cannot delete" not in superuser_client.get(url).text

        response = superuser_client.post(url, {"post": "yes"})

        assert response.status_code == 302
        assert not Project.objects.filter(pk=project.pk).exists()
        assert not Annotation.objects.filter(pk=annotation.pk).exists()
        assert Annotation.history.filter(id=annotation.pk).latest().history_user == superuser

    def test_owners_change_a_project_through_the_service(self, owner_client, project):
        url, data, _ = claim_type_rows(owner_client, project)
        data["name"] = "Renamed desk"

        response = owner_client.post(url, data)

        assert response.status_code == 302
        assert Project.objects.get(pk=project.pk).name == "Renamed desk"

    def test_owners_may_not_delete_their_project(self, owner_client, project):
        url = reverse("admin:annotations_project_delete", args=[project.pk])

        assert owner_client.post(url, {"post": "yes"}).status_code == 403
        assert Project.objects.filter(pk=project.pk).exists()


# --- users --------------------------------------------------------------------------------


@pytest.mark.django_db
class TestUserDeletion:
    def delete(self, client, user):
        url = reverse("admin:auth_user_delete", args=[user.pk])
        return client.post(url, {"post": "yes"}, follow=True)

    def test_deleting_a_projects_only_owner_is_refused_naming_the_project(
        self, superuser_client, project, owner
    ):
        response = self.delete(superuser_client, owner)

        assert message_texts(response) == [
            messages.LAST_OWNER_OF.format(users="olivia", project=project.name)
        ]
        assert Membership.objects.get(project=project, user=owner).role == Role.OWNER

    def test_the_confirmation_page_is_not_even_shown(self, superuser_client, project, owner):
        url = reverse("admin:auth_user_delete", args=[owner.pk])

        response = superuser_client.get(url)

        assert response.status_code == 302
        assert response["Location"] == reverse("admin:auth_user_change", args=[owner.pk])

    def test_an_owner_with_a_co_owner_is_deleted(self, superuser_client, project, owner, reviewer):
        services.add_member(project=project, user=reviewer, role=Role.OWNER)

        self.delete(superuser_client, owner)

        assert not type(owner).objects.filter(pk=owner.pk).exists()
        assert list(project.memberships.filter(role=Role.OWNER).values_list("user", flat=True)) == [
            reviewer.pk
        ]

    def test_a_member_who_is_not_an_owner_is_deleted(self, superuser_client, project, annotator):
        self.delete(superuser_client, annotator)

        assert not type(annotator).objects.filter(pk=annotator.pk).exists()

    def test_the_bulk_delete_refuses_when_the_selection_holds_all_owners(
        self, superuser_client, project, owner, reviewer, other_project, outsider
    ):
        services.add_member(project=project, user=reviewer, role=Role.OWNER)
        selected = [owner.pk, reviewer.pk, outsider.pk]

        response = superuser_client.post(
            USERS,
            {"action": "delete_selected", ACTION_CHECKBOX_NAME: selected, "post": "yes"},
            follow=True,
        )

        assert message_texts(response) == [
            " ".join(
                [
                    messages.LAST_OWNER_OF.format(users="oscar", project=other_project.name),
                    messages.LAST_OWNER_OF.format(users="olivia, rita", project=project.name),
                ]
            )
        ]
        assert type(owner).objects.filter(pk__in=selected).count() == 3

    def test_the_bulk_delete_deletes_users_whose_projects_keep_an_owner(
        self, superuser_client, annotator, reviewer
    ):
        extra = UserFactory(username="zed")
        response = superuser_client.post(
            USERS,
            {
                "action": "delete_selected",
                ACTION_CHECKBOX_NAME: [annotator.pk, reviewer.pk, extra.pk],
                "post": "yes",
            },
            follow=True,
        )

        assert response.status_code == 200
        assert not type(extra).objects.filter(pk__in=[annotator.pk, reviewer.pk, extra.pk]).exists()
