"""Reading captured queries: the SQL behind a prepared statement's ``EXECUTE``."""

from django.db import connection


def statement_sql(sql: str) -> str:
    """``sql``, or the statement it executes when it is an ``EXECUTE`` of a prepared one
    (``factcheck/postgresql/base.py``): tests read what ran, not how it was sent."""
    return connection.statement_sql(sql) if hasattr(connection, "statement_sql") else sql
