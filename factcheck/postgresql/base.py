"""Django's PostgreSQL backend, with a cheaper health check of a kept connection and
prepared statements for the few big statements of the annotation endpoints (``prepared``).

With ``CONN_HEALTH_CHECKS`` Django asks a persistent connection ``SELECT 1`` before a
request's first query, so that a connection the server dropped meanwhile is replaced
instead of failing the request. That is a round trip on every request: a quarter of a save.

A server that ends a connection says so on the socket: a FATAL message when it shuts down,
restarts or terminates the backend (``pg_terminate_backend``, ``idle_session_timeout``),
the end of the stream when the backend died. So an idle connection with nothing waiting to
be read is alive as far as a ``SELECT 1`` could tell, and this backend checks that with a
non-blocking ``select()`` instead. Anything waiting, or a connection not idle, gets
Django's own check. (A silent network partition fools both: ``SELECT 1`` would block too.)
"""

import functools
import hashlib
import re
import select

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql import base
from django.db.backends.postgresql.base import Database
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared_statements: dict[str, str] = {}  # name → SQL, on this connection
        self._prepared_runs: dict[str, int] = {}

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and self._idle_with_nothing_to_read()
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _idle_with_nothing_to_read(self) -> bool:
        connection = self.connection
        if connection.closed or connection.info.transaction_status != TransactionStatus.IDLE:
            return False
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable

    # --- prepared statements -------------------------------------------------------------

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        self.prepared_statements = {}  # a new session has none
        self._prepared_runs = {}
        return connection

    def prepared(self, sql: str, params) -> tuple[str, object]:
        """``(sql, params)`` as the ``EXECUTE`` of a statement prepared on this connection.

        Django sends every statement as text, so PostgreSQL plans it each time: for the
        annotation endpoints' few big statements, planning took longer than running them
        (0.5 ms against 0.2 ms for a save's lookup). Prepared once per connection with a
        generic plan (``plan_cache_mode``: the custom plans PostgreSQL would otherwise keep
        choosing are no better for these statements of id arrays), each later run is an
        ``EXECUTE``, and the plan is made again as the runs double (``_replan_due``).
        The ``PREPARE`` goes on the raw connection, outside Django's query log,
        as Django's own connection setup does. Behind a transaction-mode pooler
        (``DISABLE_SERVER_SIDE_CURSORS``) and with Django's pool, whose connections a
        statement cannot follow, ``sql`` is sent as it is.
        """
        if self.pool or self.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
            return sql, params
        self.ensure_connection()
        name, execute, numbered = _statement(sql, isinstance(params, dict))
        if name not in self.prepared_statements and (
            name in _UNPREPARABLE or not self._prepare(name, sql, numbered)
        ):
            return sql, params
        runs = self._prepared_runs[name] = self._prepared_runs.get(name, 0) + 1
        if _replan_due(runs) and not self._prepare(name, sql, numbered, replace=True):
            return sql, params
        return execute, params

    def statement_sql(self, executed: str) -> str:
        """The SQL behind an ``EXECUTE`` that ``prepared`` gave (for tests and logs)."""
        match = re.match(r"EXECUTE (fc_\w+)\(", executed)
        if match is None:
            return executed
        return self.prepared_statements.get(match.group(1), executed)

    def _prepare(self, name: str, sql: str, numbered_sql: str, *, replace=False) -> bool:
        """Prepare ``name`` on this connection (``replace``: anew, for a fresh plan); False
        (and remembered) if PostgreSQL cannot type a parameter of it. A savepoint keeps a
        caller's transaction intact then."""
        raw = self.connection
        # Outside autocommit psycopg opens the transaction with the first statement.
        in_transaction = not raw.autocommit or raw.info.transaction_status != TransactionStatus.IDLE
        if in_transaction:
            raw.execute("SAVEPOINT fc_prepare")
        try:
            if not self.prepared_statements:
                raw.execute("SET plan_cache_mode = force_generic_plan")
            if replace:
                raw.execute(f"DEALLOCATE {name}")
            raw.execute(f"PREPARE {name} AS {numbered_sql}")
        except Database.Error:
            if in_transaction:
                raw.execute("ROLLBACK TO SAVEPOINT fc_prepare")
            _UNPREPARABLE.add(name)
            self.prepared_statements.pop(name, None)
            return False
        finally:
            if in_transaction:
                raw.execute("RELEASE SAVEPOINT fc_prepare")
        self.prepared_statements[name] = sql
        return True


def _replan_due(runs: int) -> bool:
    """Whether a statement that has run ``runs`` times gets a new plan first: at 16, 32,
    64 … 1,024 runs, then every 1,024.

    A generic plan is made from the tables as they are at its first run, often empty on a
    new database, and PostgreSQL makes a new one only when the tables are analyzed, which
    may be never (autovacuum off) or long after they have grown a hundredfold. Planning
    again as the runs double keeps a plan within a factor of the data it was made for, at
    the cost of one planning per thousand runs once the connection has settled.
    """
    return runs >= 16 and (runs & (runs - 1) == 0 if runs <= 1024 else runs % 1024 == 0)


# Statements PostgreSQL could not prepare (a parameter it cannot type): sent as text from
# then on in this process.
_UNPREPARABLE: set[str] = set()


@functools.lru_cache(maxsize=256)
def _statement(sql: str, named: bool) -> tuple[str, str, str]:
    """A statement's name, the ``EXECUTE`` that runs it, and its text with ``$n``."""
    name = "fc_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:20]
    names = [] if named else None
    execute = f"EXECUTE {name}({_arguments(sql, names)})"
    return name, execute, _numbered(sql, names)


# ``%s`` and ``%(name)s`` placeholders, and ``%%`` (a literal ``%``).
_PLACEHOLDER = re.compile(r"%%|%s|%\((\w+)\)s")


def _numbered(sql: str, names: list | None) -> str:
    """``sql`` with ``$1``, ``$2``… for its placeholders (a name keeps its first number)."""
    count = 0

    def number(match):
        nonlocal count
        if match.group(0) == "%%":
            return "%"
        if names is None:
            count += 1
            return f"${count}"
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return _PLACEHOLDER.sub(number, sql)


def _arguments(sql: str, names: list | None) -> str:
    """The ``EXECUTE``'s argument list: one placeholder a parameter, in ``$n`` order."""
    if names is None:
        return ", ".join(["%s"] * sum(1 for m in _PLACEHOLDER.finditer(sql) if m.group(0) != "%%"))
    _numbered(sql, names)
    return ", ".join(f"%({name})s" for name in names)


def id_array(ids) -> str:
    """Integer ids as PostgreSQL's array text (``{1,2,3}``), a parameter for a ``bigint[]``:
    psycopg adapts a list element by element in Python, milliseconds for thousands of ids."""
    return "{" + ",".join(map(str, ids)) + "}"


def prepared(sql: str, params, using: str = DEFAULT_DB_ALIAS) -> tuple[str, object]:
    """``connections[using].prepared(sql, params)``; ``(sql, params)`` on another backend."""
    wrapper = connections[using]
    if isinstance(wrapper, DatabaseWrapper):
        return wrapper.prepared(sql, params)
    return sql, params
