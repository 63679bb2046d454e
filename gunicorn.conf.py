"""gunicorn's settings for Factcheck, read from the directory gunicorn starts in.

Command-line options still win; this file only adds what a flag cannot say.
"""


def post_worker_init(worker):
    """Connect each worker to the database while it boots, not during its first request.

    A worker's first request spent 10 to 15 ms opening its connection (kept afterwards by
    ``CONN_MAX_AGE``). Run after the fork, so no connection is shared between processes
    (even with ``--preload``). A database that is down now is connected to by the first
    request instead, as it always was.
    """
    from django.db import DatabaseError, connection

    try:
        connection.ensure_connection()
    except DatabaseError as error:
        worker.log.warning("Database not reachable at worker boot (%s); connecting later.", error)
