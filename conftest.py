import pytest

from annotations.models import Role
from tests.factories import UserFactory, make_document, make_project


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Hashing test passwords with PBKDF2 costs ~0.5 s per user; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner(db):
    return UserFactory(username="olivia")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rita")


@pytest.fixture
def annotator(db):
    return UserFactory(username="anna")


@pytest.fixture
def outsider(db):
    return UserFactory(username="oscar")


@pytest.fixture
def project(owner, reviewer, annotator):
    return make_project(
        owner=owner, **{Role.REVIEWER.value: reviewer, Role.ANNOTATOR.value: annotator}
    )


@pytest.fixture
def other_project(outsider):
    return make_project(owner=outsider, name="Other newsroom")


@pytest.fixture
def document(project):
    return make_document(project)
