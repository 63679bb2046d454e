"""The table of Django's database cache, the shared cache when REDIS_URL is not set.

Made here rather than by `createcachetable` so that `migrate` alone prepares a new
installation. It is made whatever CACHES says at migrate time, so that unsetting REDIS_URL
later needs no extra step.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "factcheck_cache"  # settings.CACHES["default"]["LOCATION"] without Redis


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("annotations", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
