"""gunicorn's settings for Factcheck, read from the directory gunicorn starts in.

Command-line options still win; this file only adds what a flag cannot say. gunicorn reads
it for any app started in this directory (the peers benchmark starts doccano's here): the
hook below acts only for Factcheck.
"""


def serving_factcheck() -> bool:
    try:
        from django.apps import apps
    except ImportError:
        return False
    return apps.ready and apps.is_installed("annotations")


def post_worker_init(worker):
    """Connect each worker to the database and warm it up while it boots, not during its
    first requests.

    A worker's first request spent 10 to 15 ms opening its connection (kept afterwards by
    ``CONN_MAX_AGE``), and its first pages up to twice their usual time
    (``annotations.warmup``). Run after the fork, so no connection is shared between
    processes (even with ``--preload``). A database that is down now is connected to by the
    first request instead, as it always was; a warm-up that fails only leaves its work to
    the first requests.
    """
    if not serving_factcheck():
        return
    from django.db import DatabaseError, connection

    from annotations.warmup import warm_up

    try:
        connection.ensure_connection()
    except DatabaseError as error:
        worker.log.warning("Database not reachable at worker boot (%s); connecting later.", error)
        return
    try:
        warm_up()
    except Exception:  # an optimisation: never the reason a worker does not start
        worker.log.exception("Warm-up failed; the first requests will do its work.")
