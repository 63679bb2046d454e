"""The cache every process shares: Redis with REDIS_URL, else a table made by ``migrate``."""

from tests.test_settings import manage

SHOW_CACHE = """
from django.core.cache import cache
from django.conf import settings
print(settings.CACHES["default"]["BACKEND"])
print(cache.add("probe", 1, 30), cache.add("probe", 2, 30), cache.get("probe"))
"""


def test_without_redis_a_fresh_database_gets_its_cache_table_from_migrate(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    assert manage("migrate", "--noinput", env=env).returncode == 0

    result = manage("shell", "-c", SHOW_CACHE, env=env)

    assert result.returncode == 0, result.stderr
    backend, outcome = result.stdout.strip().splitlines()[-2:]
    assert backend == "django.core.cache.backends.db.DatabaseCache"
    assert outcome == "True False 1"  # add() is what the login limits rely on


def test_redis_url_selects_djangos_redis_cache(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "REDIS_URL": "redis://h:6379/2"}
    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.CACHES)", env=env
    )

    assert result.returncode == 0, result.stderr
    assert "'django.core.cache.backends.redis.RedisCache'" in result.stdout
    assert "'redis://h:6379/2'" in result.stdout
