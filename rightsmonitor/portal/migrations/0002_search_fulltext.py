"""Side table of the site search's full-text index (core.fulltext): FTS5 on SQLite, tsvector on
PostgreSQL. Fill it with ``manage.py rebuild_search_index``."""

from django.db import migrations

from rightsmonitor.core.fulltext import create_index_table, drop_index_table

TABLE = "portal_search_fulltext"


def create(apps, schema_editor):
    create_index_table(schema_editor.connection, TABLE)


def drop(apps, schema_editor):
    drop_index_table(schema_editor.connection, TABLE)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
