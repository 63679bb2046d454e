"""The membership services: a project that has an owner always keeps one."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from annotations import messages, services
from annotations.models import Membership, Role


def roles(project):
    return dict(project.memberships.values_list("user__username", "role"))


@pytest.mark.django_db
class TestLastOwner:
    def test_the_last_owner_cannot_be_demoted(self, project, owner):
        with pytest.raises(ValidationError) as exc:
            services.change_membership(
                user=owner, project=project, member=owner, role=Role.REVIEWER
            )
        assert exc.value.messages == [messages.LAST_OWNER]
        assert roles(project)["olivia"] == Role.OWNER

    def test_the_last_owner_cannot_be_removed(self, project, owner):
        membership = project.memberships.get(user=owner)
        with pytest.raises(ValidationError, match="at least one owner"):
            services.remove_member(user=owner, membership=membership)
        assert Membership.objects.filter(pk=membership.pk).exists()

    def test_superusers_are_bound_by_the_rule_too(self, project, owner, django_user_model):
        admin_user = django_user_model.objects.create_superuser("eddie", "e@example.org", "pw")
        with pytest.raises(ValidationError):
            services.remove_members(user=admin_user, memberships=project.memberships.all())
        assert roles(project) == {"olivia": "owner", "rita": "reviewer", "anna": "annotator"}

    def test_add_member_cannot_demote_the_last_owner(self, project, owner):
        with pytest.raises(ValidationError):
            services.add_member(project=project, user=owner, role=Role.ANNOTATOR)
        assert roles(project)["olivia"] == Role.OWNER

    def test_an_owner_may_step_down_once_another_owner_exists(self, project, owner, reviewer):
        services.change_membership(user=owner, project=project, member=reviewer, role=Role.OWNER)
        services.change_membership(user=owner, project=project, member=owner, role=Role.REVIEWER)
        assert roles(project) == {"olivia": "reviewer", "rita": "owner", "anna": "annotator"}

    def test_promoting_and_demoting_in_one_change_is_checked_as_a_whole(
        self, project, owner, annotator
    ):
        services.change_members(
            user=owner,
            project=project,
            roles={owner.pk: None, annotator.pk: Role.OWNER},
        )
        assert roles(project) == {"rita": "reviewer", "anna": "owner"}

    def test_removing_both_owners_at_once_is_refused(self, project, owner, reviewer):
        services.change_membership(user=owner, project=project, member=reviewer, role=Role.OWNER)
        with pytest.raises(ValidationError):
            services.remove_members(
                user=owner, memberships=project.memberships.filter(role=Role.OWNER)
            )
        assert project.memberships.filter(role=Role.OWNER).count() == 2


@pytest.mark.django_db
def test_only_owners_change_members(project, reviewer, annotator):
    with pytest.raises(PermissionDenied):
        services.change_membership(
            user=reviewer, project=project, member=annotator, role=Role.REVIEWER
        )
    assert roles(project)["anna"] == Role.ANNOTATOR


@pytest.mark.django_db
def test_an_unknown_role_is_refused(project, owner, annotator):
    with pytest.raises(ValidationError, match="Unknown role"):
        services.change_membership(user=owner, project=project, member=annotator, role="boss")
