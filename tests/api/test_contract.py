"""The OpenAPI schema is the contract: schemathesis checks the app against it.

Every operation of ``/api/schema/`` is called in-process (WSGI) with generated requests,
valid and invalid, and each answer is checked by every one of schemathesis' checks: no
5xx, only documented statuses, content types and headers, bodies that match their schema,
valid data accepted, invalid data refused, missing required headers refused, unsupported
methods answered 405 with ``Allow``, credentials not ignored. A fixed seed and a bounded
number of examples keep the run repeatable and short; one test per operation, and each
failure prints a ``curl`` line that reproduces it. How statuses are judged:
``schemathesis.toml``. Why: README, "The schema is the contract".
"""

import json
import tomllib
from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig

from annotations.models import Role
from tests.factories import SAMPLE_TEXT, UserFactory, make_annotation, make_document, make_project

TOKEN = "c0ffee" * 6 + "c0de"
SEED = 20261201
MAX_EXAMPLES = 8

# The check settings live in schemathesis.toml, shared with `schemathesis run`.
CHECKS = tomllib.loads((Path(__file__).parents[2] / "schemathesis.toml").read_text())["checks"]

# The fixture's rows get these ids (sequences are reset for the test), so half the
# generated paths name real objects and reach the success paths; ``*`` as If-Match lets
# half the edits and deletions through.
IDS = {"projects": [1], "documents": [1, 2], "annotations": [1, 2, 3, 4], "users": [1, 2, 3]}
ANY_ID = sorted({pk for ids in IDS.values() for pk in ids})

CONFIG = {
    "seed": SEED,
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
    "dictionaries": {
        "ids": {"values": ANY_ID},
        "claim_type_ids": {"values": list(range(1, 9))},
        "user_ids": {"values": IDS["users"]},
        "any_version": {"values": ["*"]},
    },
    "parameters": {
        "path.id": {"dictionary": "ids", "probability": 0.5},
        "path.claim_type_id": {"dictionary": "claim_type_ids", "probability": 0.5},
        "path.user_id": {"dictionary": "user_ids", "probability": 0.5},
        "header.If-Match": {"dictionary": "any_version", "probability": 0.5},
    },
    "checks": {"enabled": True, **CHECKS},
}


@pytest.fixture
def contract_user(django_db_reset_sequences):
    """An owner of a project with documents, annotations, claim types and members."""
    owner = UserFactory(username="contract-owner")
    reviewer = UserFactory(username="contract-reviewer")
    annotator = UserFactory(username="contract-annotator")
    project = make_project(
        owner=owner, **{Role.REVIEWER.value: reviewer, Role.ANNOTATOR.value: annotator}
    )
    for n in range(2):
        document = make_document(project, text=f"{SAMPLE_TEXT} Document {n} ends here.")
        make_annotation(document, user=annotator, sentence_index=0)
        make_annotation(document, user=owner, sentence_index=1)
    return owner


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Keep the WSGI app from closing the test's database connection after each request,
    as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _token(contract_user, settings):
    settings.ALLOWED_HOSTS = ["*"]
    Token.objects.create(user=contract_user, key=TOKEN)


def load_schema():
    """The schema /api/schema/ serves, called through the WSGI app."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    config = SchemathesisConfig.from_dict(
        {**CONFIG, "auth": {"openapi": {"tokenAuth": {"api_key": f"Token {TOKEN}"}}}}
    )
    loaded = schemathesis.openapi.from_dict(
        json.loads(json.dumps(document, default=str)), config=config
    )
    loaded.app = get_wsgi_application()
    return loaded


schema = load_schema()


@schema.parametrize()
def test_api_answers_as_its_schema_says(case):
    case.call_and_validate()
