"""The PostgreSQL backend's health check: no round trip for a live connection, a new
connection for one the server ended (``factcheck/postgresql/base.py``)."""

import time

import psycopg
import pytest
from django.conf import settings
from django.core.signals import request_started
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.factories import UserFactory, make_document, make_project
from tests.queries import statement_sql

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the backend is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


def other_connection():
    """A second, independent connection to the same database (as an operator's psql)."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def last_statement(pid: int) -> str:
    with other_connection() as operator:
        row = operator.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return row.fetchone()[0]


def next_request():
    """What Django does between two requests on a kept connection, then before the first query."""
    connection.close_if_unusable_or_obsolete()
    connection.close_if_health_check_failed()


def test_the_app_uses_the_backend_with_health_checks():
    assert settings.DATABASES["default"]["ENGINE"] == "factcheck.postgresql"
    assert connection.health_check_enabled


def test_a_live_idle_connection_is_kept_without_asking_the_server():
    pid = backend_pid()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last thing this backend ran'")

    next_request()

    assert connection.connection is not None
    # The check sent nothing: the backend's last statement is still the request's own.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'marker'")
    next_request()
    assert last_statement(pid) == "SELECT 'marker'"


def wait_until_closed_by_server(pid: int):
    with other_connection() as operator:
        operator.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            alive = operator.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
            if not alive.fetchone():
                return
            time.sleep(0.02)
    raise AssertionError("the backend did not end")


def test_a_connection_the_server_ended_is_replaced_before_the_query():
    pid = backend_pid()
    wait_until_closed_by_server(pid)

    next_request()

    assert backend_pid() != pid


def test_a_request_after_a_server_side_termination_still_answers():
    client = Client()
    assert client.get("/healthz").status_code == 200
    wait_until_closed_by_server(backend_pid())

    # The test client leaves out what a server does as a request starts: closing
    # connections that are obsolete and arming the health check.
    request_started.send(sender=None)
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["database"] == "ok"


# --- prepared statements ----------------------------------------------------------------


def prepared_here() -> dict[str, tuple[int, int]]:
    """This connection's prepared statements: name → (generic plans, custom plans)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, generic_plans, custom_plans FROM pg_prepared_statements")
        return {name: (generic, custom) for name, generic, custom in cursor.fetchall()}


def test_a_statement_is_prepared_once_per_connection_and_runs_with_its_generic_plan():
    sql = "SELECT count(*) FROM annotations_annotation WHERE id = ANY(%s) AND version >= %s"
    runs = []
    for _ in range(3):
        executed, params = connection.prepared(sql, [[1, 2, 3], 1])
        with connection.cursor() as cursor:
            cursor.execute(executed, params)
            runs.append(cursor.fetchone()[0])

    assert executed.startswith("EXECUTE fc_") and connection.statement_sql(executed) == sql
    assert runs == [0, 0, 0]
    name = executed.split("(")[0].removeprefix("EXECUTE ")
    assert prepared_here()[name] == (3, 0)


def test_a_statement_is_planned_again_as_its_runs_double():
    """A generic plan made on the tables as they were at the first run (often empty) is
    replaced at 16, 32, 64 … runs, so that it follows the data as it grows."""
    sql = "SELECT count(*) FROM annotations_annotation WHERE version >= %s"

    def run(times):
        for _ in range(times):
            executed, params = connection.prepared(sql, [1])
            with connection.cursor() as cursor:
                cursor.execute(executed, params)
        return prepared_here()[executed.split("(")[0].removeprefix("EXECUTE ")]

    assert run(15) == (15, 0)
    assert run(5) == (5, 0)  # prepared anew before the 16th run: runs 16 to 20
    assert run(11) == (16, 0)
    assert run(1) == (1, 0)  # and again before the 32nd


def test_named_parameters_keep_one_number_each():
    sql = "SELECT %(a)s::int + %(b)s::int + %(a)s::int, '100%%'"
    executed, params = connection.prepared(sql, {"a": 1, "b": 10})
    with connection.cursor() as cursor:
        cursor.execute(executed, params)
        assert cursor.fetchone() == (12, "100%")


def test_a_statement_postgresql_cannot_prepare_is_sent_as_text_and_the_transaction_lives():
    sql = "SELECT %s IS NULL"  # no type PostgreSQL could give the parameter
    with transaction.atomic():
        executed, params = connection.prepared(sql, [None])
        assert executed == sql
        with connection.cursor() as cursor:
            cursor.execute(executed, params)
            assert cursor.fetchone() == (True,)


def test_a_save_goes_through_prepared_statements():
    annotator = UserFactory()
    document = make_document(make_project(annotator=[annotator]))
    sentence = document.sentences.first()
    client = APIClient()
    client.force_authenticate(annotator)
    before = set(prepared_here())

    body = {"sentence": sentence.pk, "claim_type": document.project.claim_types.first().pk}
    response = client.post("/api/v1/annotations/", body, format="json")

    assert response.status_code == 201
    assert len(set(prepared_here()) - before) == 2  # the lookup and the write


def test_behind_a_transaction_pooler_statements_are_sent_as_text(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    sql = "SELECT %s::int"
    assert connection.prepared(sql, [1]) == (sql, [1])


def test_a_saves_lookup_plan_never_walks_the_callers_annotations():
    """A generic plan made while the tables are empty serves the connection as they grow:
    the lookup of the caller's earlier spans must start from the sentences named, not from
    every annotation of the caller (which made each save slower than the one before)."""
    annotator = UserFactory()
    document = make_document(make_project(annotator=[annotator]))
    sentence = document.sentences.first()
    client = APIClient()
    client.force_authenticate(annotator)
    body = {"sentence": sentence.pk, "claim_type": document.project.claim_types.first().pk}
    with CaptureQueriesContext(connection) as queries:
        assert client.post("/api/v1/annotations/", body, format="json").status_code == 201
    lookup = next(q["sql"] for q in queries.captured_queries if "ANY" in statement_sql(q["sql"]))

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {lookup}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "annotation_unique_span_per_annotator" in plan
    assert "annotation_by_annotator" not in plan
