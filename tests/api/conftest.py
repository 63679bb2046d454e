import pytest
from rest_framework.test import APIClient

from annotations.models import Role
from tests.factories import UserFactory, make_document


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 at production strength costs ~0.3 s per user; tests do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client_for():
    """An API client logged in (force-authenticated) as ``user``; anonymous for None."""

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def users(owner, reviewer, annotator, outsider):
    """The cast by role name, as the access matrix names them."""
    return {
        Role.OWNER.value: owner,
        Role.REVIEWER.value: reviewer,
        Role.ANNOTATOR.value: annotator,
        "outsider": outsider,
        "anonymous": None,
    }


@pytest.fixture
def other_document(other_project):
    return make_document(other_project, title="Elsewhere")


@pytest.fixture
def second_annotator(project):
    from annotations import services

    user = UserFactory(username="alex")
    services.add_member(project=project, user=user, role=Role.ANNOTATOR)
    return user
