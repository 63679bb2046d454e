"""The failed sign-in limit holds across server processes, as with many workers or machines.

Three gunicorn servers, each its own process, run against this test's database and a
shared cache (the database cache, then Redis). Thirty wrong passwords sent at once and
spread over them get exactly twenty 400s and ten 429s: no process counts on its own.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.core.cache.backends.db import DatabaseCache
from django.db import connection

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
SERVERS, ATTEMPTS, LIMIT = 3, 30, 20
PASSWORD = "pw-for-tests-123"  # tests.factories.UserFactory's
START_TIMEOUT = 60  # seconds for a server to listen
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
# A deployment's environment, not this test run's.
NOT_PASSED_ON = {"DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX", "DEBUG", "SECRET_KEY"}


def shared_database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{quote(settings['USER'], safe='')}{password}@{settings['HOST'] or 'localhost'}"
        f":{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """End the process group this test started (a gunicorn master and its worker)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


@contextmanager
def gunicorn_servers(count: int, env: dict, tmp_path: Path):
    """Start ``count`` one-worker gunicorn servers on free ports; yield their ports."""
    environment = {k: v for k, v in os.environ.items() if k not in NOT_PASSED_ON} | env
    processes, logs = [], []
    try:
        for n in range(count):
            log = tmp_path / f"gunicorn-{n}.log"
            logs.append(log)
            processes.append(
                subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
                    [
                        *(sys.executable, "-m", "gunicorn", "factcheck.wsgi:application"),
                        *("--bind", "127.0.0.1:0", "--workers", "1", "--no-control-socket"),
                    ],
                    cwd=ROOT,
                    env=environment,
                    stdout=subprocess.DEVNULL,
                    stderr=log.open("w"),
                    start_new_session=True,
                )
            )
        ports = [
            wait_until_listening(process, log) for process, log in zip(processes, logs, strict=True)
        ]
        yield ports
    finally:
        for process in processes:
            stop(process)


def wait_until_listening(process: subprocess.Popen, log: Path) -> int:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        found = LISTENING.search(log.read_text())
        if found:
            return int(found[1])
        if process.poll() is not None:
            break
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not start:\n{log.read_text()}")


def token_login(port: int, username: str, password: str, source: str = "127.0.0.1"):
    """POST the token login from ``source`` (any 127.x address is this machine)."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        body = json.dumps({"username": username, "password": password})
        client.request("POST", "/api/v1/auth/token/", body, {"Content-Type": "application/json"})
        response = client.getresponse()
        return response.status, response.getheader("Retry-After"), response.read()
    finally:
        client.close()


@pytest.fixture
def redis_url(tmp_path):
    """A Redis server: the one at REDIS_URL (or 127.0.0.1:6379) if it answers, else our own."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.ConnectionError:
        pass
    else:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("No Redis at 127.0.0.1:6379 and no redis-server to start (see .ci/run).")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - a private Redis for this test
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis.from_url(url, socket_timeout=1).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    pytest.fail("redis-server did not start")
                time.sleep(0.1)
        yield url
    finally:
        stop(process)


@dataclass
class SharedCache:
    env: dict  # what the servers need to use it
    slots: Callable[[], int]  # how many failed-attempt slots it holds now


@pytest.fixture(params=["database", "redis"])
def shared_cache(request, transactional_db):
    """One cache the servers share; its counters are removed afterwards."""
    if request.param == "database":
        table = DatabaseCache("factcheck_cache", {})

        def rows() -> int:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT COUNT(*) FROM factcheck_cache WHERE cache_key LIKE %s",
                    ["%login-fail:%"],
                )
                return cursor.fetchone()[0]

        yield SharedCache({}, rows)
        table.clear()
        return
    url = request.getfixturevalue("redis_url")
    prefix = f"factcheck-test-{uuid.uuid4().hex}"  # other runs may share this Redis
    client = redis.Redis.from_url(url)
    yield SharedCache(
        {"REDIS_URL": url, "CACHE_KEY_PREFIX": prefix},
        lambda: sum(1 for _ in client.scan_iter(match=f"{prefix}:*login-fail:*")),
    )
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def test_failed_sign_ins_are_limited_across_server_processes(shared_cache, tmp_path):
    UserFactory(username="anna")
    UserFactory(username="rita")
    env = {
        **shared_cache.env,
        "DATABASE_URL": shared_database_url(),
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
        "THROTTLE_LOGIN": f"{LIMIT}/min",
    }

    with gunicorn_servers(SERVERS, env, tmp_path) as ports:
        with ThreadPoolExecutor(max_workers=6) as pool:
            answers = list(
                pool.map(
                    lambda n: token_login(ports[n % SERVERS], "anna", "wrong"), range(ATTEMPTS)
                )
            )
        every_server_refuses = [token_login(port, "anna", PASSWORD) for port in ports]
        # From another address: the username is still limited, the address is not.
        other_address = [token_login(port, "anna", PASSWORD, "127.0.0.2") for port in ports]
        other_user_elsewhere = token_login(ports[0], "rita", PASSWORD, "127.0.0.2")
        # From the first address, any username is limited.
        other_user_here = token_login(ports[1], "rita", PASSWORD)

    statuses = [status for status, _, _ in answers]
    assert (statuses.count(400), statuses.count(429)) == (LIMIT, ATTEMPTS - LIMIT), answers
    assert all(0 < int(retry) <= 60 for status, retry, _ in answers if status == 429)
    assert [status for status, _, _ in every_server_refuses] == [429] * SERVERS
    assert [status for status, _, _ in other_address] == [429] * SERVERS
    assert other_user_elsewhere[0] == 200 and b"token" in other_user_elsewhere[2]
    assert other_user_here[0] == 429
    # The slots are in the shared cache: a slot per failure, for the address and the username.
    assert shared_cache.slots() == 2 * LIMIT
