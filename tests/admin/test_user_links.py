"""Staff reviewers cannot open the user admin, so no admin page links them there."""

import re

import pytest
from django.urls import reverse

from annotations import services
from annotations.models import VerificationStatus

USER_ADMIN = "/admin/auth/user/"


def user_admin_links(html: str) -> list[str]:
    return re.findall(r'href="(/admin/auth/user/[^"]*)"', html)


@pytest.fixture
def reviewed(annotation_a, staff_reviewer):
    """An annotation the reviewer reviewed and changed: it names two users and has history."""
    services.set_verification_status(
        user=staff_reviewer, annotation=annotation_a, status=VerificationStatus.MISLEADING
    )
    services.review_annotation(user=staff_reviewer, annotation=annotation_a, decision="approve")
    return annotation_a


def pages(annotation):
    project, document = annotation.project, annotation.document
    membership = project.memberships.first()
    return [
        reverse("admin:annotations_project_change", args=[project.pk]),
        reverse("admin:annotations_project_history", args=[project.pk]),
        reverse("admin:annotations_annotation_change", args=[annotation.pk]),
        reverse("admin:annotations_annotation_history", args=[annotation.pk]),
        reverse("admin:annotations_document_change", args=[document.pk]),
        reverse("admin:annotations_document_history", args=[document.pk]),
        reverse("admin:annotations_membership_change", args=[membership.pk]),
        reverse("admin:annotations_membership_history", args=[membership.pk]),
    ]


@pytest.mark.django_db
def test_staff_reviewer_pages_name_users_without_linking_to_the_user_admin(
    reviewer_client, reviewed
):
    for url in pages(reviewed):
        response = reviewer_client.get(url)
        assert response.status_code == 200, url
        assert user_admin_links(response.text) == [], url
    page = reviewer_client.get(reverse("admin:annotations_annotation_change", args=[reviewed.pk]))
    assert "anna" in page.text and "rita" in page.text  # annotator, reviewer: as plain names


@pytest.mark.django_db
def test_staff_owner_editing_members_gets_no_user_admin_links(client, staff_owner, reviewed):
    client.force_login(staff_owner)
    for url in pages(reviewed):
        response = client.get(url)
        assert response.status_code == 200, url
        assert user_admin_links(response.text) == [], url


@pytest.mark.django_db
def test_superuser_history_links_users_to_the_user_admin(client, django_user_model, reviewed):
    admin_user = django_user_model.objects.create_superuser("eddie", "e@example.org", "pw")
    client.force_login(admin_user)
    for url in pages(reviewed):
        assert client.get(url).status_code == 200, url
    history = client.get(reverse("admin:annotations_annotation_history", args=[reviewed.pk]))
    links = user_admin_links(history.text)
    assert f"{USER_ADMIN}{reviewed.annotator_id}/change/" in links
    assert f"{USER_ADMIN}{reviewed.reviewed_by_id}/change/" in links
