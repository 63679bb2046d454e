"""``gunicorn.conf.py``: a worker is connected to the database and warmed up before its
first request, and boots even when it cannot be."""

import logging
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


class BootingWorker:
    """What the hook uses of gunicorn's worker."""

    log = logging.getLogger("gunicorn.error")


def boot():
    runpy.run_path(str(CONF))["post_worker_init"](BootingWorker())


@pytest.mark.django_db(transaction=True)
def test_a_booting_worker_opens_its_database_connection_and_warms_up():
    connection.close()
    assert connection.connection is None

    boot()

    assert connection.connection is not None
    assert connection.is_usable()
    if connection.vendor == "postgresql":
        assert connection.prepared_statements  # the hot reads (tests/test_warmup.py)


@pytest.mark.django_db(transaction=True)
def test_a_worker_whose_warm_up_fails_still_boots(monkeypatch, caplog):
    def broken():
        raise RuntimeError("a bug in the warm-up")

    monkeypatch.setattr("annotations.warmup.warm_up", broken)

    boot()

    assert connection.is_usable()
    assert "Warm-up failed" in caplog.text


def test_the_hook_leaves_a_worker_of_another_django_app_alone():
    """gunicorn reads the file for whatever it serves from this directory."""
    script = (
        "import runpy, sys, django; from django.conf import settings; "
        "settings.configure(INSTALLED_APPS=['django.contrib.contenttypes']); django.setup(); "
        f"runpy.run_path({str(CONF)!r})['post_worker_init'](None); "
        "print('annotations' in sys.modules)"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "False"
