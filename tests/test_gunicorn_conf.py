"""``gunicorn.conf.py``: a worker is connected to the database before its first request."""

import logging
import runpy
from pathlib import Path

import pytest
from django.db import connection

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


class BootingWorker:
    """What the hook uses of gunicorn's worker."""

    log = logging.getLogger("gunicorn.error")


@pytest.mark.django_db(transaction=True)
def test_a_booting_worker_opens_its_database_connection():
    connection.close()
    assert connection.connection is None

    runpy.run_path(str(CONF))["post_worker_init"](BootingWorker())

    assert connection.connection is not None
    assert connection.is_usable()
