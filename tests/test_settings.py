"""Production configuration: the health check, ``check --deploy`` and refusing bad settings.

Settings are read once at start, so the production cases run ``manage.py`` in a subprocess
with the environment a deployment would have.
"""

import ast
import json
import os
import re
import secrets
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        # A deployment has none of these; the browser tests set the last one for the process.
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "SECURE_SSL_REDIRECT",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    environment.update(env)
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def production_env(tmp_path, **overrides) -> dict:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "factcheck.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://factcheck.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        **overrides,
    }


HEALTH_PROBE = """
import json
from django.test import Client
response = Client().get("/healthz", HTTP_HOST="factcheck.example.org")
print(json.dumps({"status": response.status_code, "body": response.content.decode()}))
"""


def probe_healthz(tmp_path, **overrides) -> dict:
    result = manage("shell", "-c", HEALTH_PROBE, env=production_env(tmp_path, **overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_healthz_answers_json_after_checking_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):  # the SELECT 1 that proves the database answers
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_needs_no_login_and_only_answers_get(client, db):
    assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_healthz_answers_503_without_details_when_the_database_is_down(tmp_path):
    unreachable = "postgres://nobody:secret-password@127.0.0.1:9/factcheck?connect_timeout=2"
    probe = probe_healthz(tmp_path, DATABASE_URL=unreachable)
    assert probe["status"] == 503
    assert json.loads(probe["body"]) == {"status": "error", "database": "unavailable"}


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off(tmp_path):
    env = production_env(tmp_path, SECRET_KEY="")
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


@pytest.mark.parametrize("redirect", ["1", "0"])
def test_healthz_over_plain_http_is_not_redirected_in_production(tmp_path, redirect):
    """The container health check speaks plain HTTP, with or without the SSL redirect."""
    answer = probe_healthz(tmp_path, SECURE_SSL_REDIRECT=redirect)
    assert answer["status"] == 200
    assert json.loads(answer["body"])["database"] == "ok"


def test_ssl_redirect_can_be_turned_off_for_a_plain_http_deployment(tmp_path):
    probe = (
        "from django.test import Client; "
        'print(Client().get("/admin/", HTTP_HOST="factcheck.example.org").status_code)'
    )
    redirected = manage("shell", "-c", probe, env=production_env(tmp_path))
    plain = manage("shell", "-c", probe, env=production_env(tmp_path, SECURE_SSL_REDIRECT="0"))
    assert redirected.stdout.strip().splitlines()[-1] == "301"
    assert plain.stdout.strip().splitlines()[-1] == "302"  # to the admin login, over HTTP


def test_plain_http_trial_can_turn_off_secure_cookies(tmp_path):
    show = (
        "from django.conf import settings; "
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
    )
    secure = manage("shell", "-c", show, env=production_env(tmp_path))
    plain = manage("shell", "-c", show, env=production_env(tmp_path, SECURE_COOKIES="0"))
    assert secure.stdout.split()[-2:] == ["True", "True"]
    assert plain.stdout.split()[-2:] == ["False", "False"]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _runtime_distributions() -> set[str]:
    """The runtime dependencies in pyproject.toml and everything they require."""
    with open(ROOT / "pyproject.toml", "rb") as file:
        pending = [_requirement_name(r) for r in tomllib.load(file)["project"]["dependencies"]]
    found = set()
    while pending:
        name = pending.pop()
        if name in found:
            continue
        try:
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:  # only for other Pythons or platforms
            continue
        found.add(name)
        for requirement in requirements:
            if "extra ==" not in requirement:
                pending.append(_requirement_name(requirement))
    return found


def _requirement_name(requirement: str) -> str:
    return _normalise(re.match(r"[A-Za-z0-9_.-]+", requirement).group(0))


def _third_party_imports() -> set[str]:
    modules = set()
    for package in ("factcheck", "annotations"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    return modules - set(sys.stdlib_module_names) - {"factcheck", "annotations"}


def test_app_imports_only_runtime_dependencies():
    """The Docker image installs ``pip install .`` without the dev extras; it must still run."""
    providers = metadata.packages_distributions()
    runtime = _runtime_distributions()
    missing = {
        module: providers.get(module, ["(not installed)"])
        for module in _third_party_imports()
        if not any(_normalise(dist) in runtime for dist in providers.get(module, []))
    }
    assert not missing, f"imported but not in [project] dependencies: {missing}"


def test_compose_file_runs_postgres_and_the_app_with_health_checks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    db, web = compose["services"]["db"], compose["services"]["web"]
    assert db["image"] == "postgres:16"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in db["volumes"])
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert "migrate --noinput" in " ".join(web["command"])
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"):
        assert ":?" in web["environment"][name], f"{name} must be required, not defaulted"
    assert web["environment"]["DEBUG"] == "0"


def test_compose_file_runs_redis_and_the_app_uses_it_as_its_cache():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    redis, web = compose["services"]["redis"], compose["services"]["web"]
    assert redis["image"].startswith("redis:")
    assert "redis-cli" in redis["healthcheck"]["test"]
    assert web["depends_on"]["redis"]["condition"] == "service_healthy"
    assert web["environment"]["REDIS_URL"] == "redis://redis:6379/0"


DATABASE_OPTIONS = """
from django.conf import settings
print("options=" + settings.DATABASES["default"].get("OPTIONS", {}).get("options", ""))
"""


@pytest.mark.parametrize(("jit", "expected"), [(None, "-c jit=off"), ("1", "")])
def test_postgresql_connections_turn_just_in_time_compilation_off(tmp_path, jit, expected):
    # Compiling the document list's plan took 1.2 s of a 1.3 s request with JIT on.
    env = production_env(tmp_path, DATABASE_URL="postgres://factcheck@db.example.org:5432/fc")
    if jit is not None:
        env["DATABASE_JIT"] = jit
    result = manage("shell", "-c", DATABASE_OPTIONS, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"options={expected}"


@pytest.mark.skipif("'postgres' not in os.environ.get('DATABASE_URL', '')")
def test_the_app_connection_to_postgresql_runs_without_jit(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
