import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache

from annotations.models import Role
from tests.factories import UserFactory, make_document, make_project


@pytest.fixture(autouse=True)
def _fresh_throttle_counters(request):
    """Throttle counters live in the cache; one test's requests must not throttle another.

    The database cache (the tests' default) is rolled back with each test's transaction;
    tests that commit, and any other cache, are cleared after the test.
    """
    committed = "transactional_db" in request.fixturenames
    if committed:
        request.getfixturevalue("transactional_db")  # so it is torn down after this
    yield
    if committed or not isinstance(caches["default"], DatabaseCache):
        caches["default"].clear()


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
