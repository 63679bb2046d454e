"""Django's PostgreSQL backend, with a cheaper health check of a kept connection.

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

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
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
