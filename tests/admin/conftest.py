"""Admin fixtures: staff users, and annotations in the user's project (A) and another (B)."""

import pytest

from annotations import services
from tests.factories import make_annotation, make_document

B_TEXT = "Secret budget grew by 40% last year. Nobody outside project B may read this."


def make_staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def staff_reviewer(reviewer):
    """A reviewer of project A who is staff but has no Django model permissions."""
    return make_staff(reviewer)


@pytest.fixture
def staff_owner(owner):
    return make_staff(owner)


@pytest.fixture
def owner_client(client, staff_owner, project):
    client.force_login(staff_owner)
    return client


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("eddie", "e@x.org", "pw"))
    return client


@pytest.fixture
def reviewer_client(client, staff_reviewer, project):
    client.force_login(staff_reviewer)
    return client


@pytest.fixture
def annotation_a(document, annotator):
    return make_annotation(
        document,
        user=annotator,
        rationale="Council minutes confirm it.",
        sources=[{"url": "https://example.org/council-minutes", "title": "Minutes"}],
    )


@pytest.fixture
def document_b(other_project):
    return make_document(other_project, text=B_TEXT, title="Project B secret file")


@pytest.fixture
def annotation_b(document_b, outsider):
    return make_annotation(
        document_b,
        user=outsider,
        rationale="B-only rationale",
        sources=[{"url": "https://example.org/b-only-source", "title": "B source"}],
    )


def review(annotation, user, decision="approve"):
    return services.review_annotation(user=user, annotation=annotation, decision=decision)
