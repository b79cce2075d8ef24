"""Side tables of the full-text indexes (core.fulltext): FTS5 on SQLite, tsvector on PostgreSQL."""

from django.db import migrations

from rightsmonitor.core.fulltext import create_index_table, drop_index_table

TABLES = ["recommendations_fulltext", "recommendations_action_fulltext"]


def create(apps, schema_editor):
    for table in TABLES:
        create_index_table(schema_editor.connection, table)


def drop(apps, schema_editor):
    for table in TABLES:
        drop_index_table(schema_editor.connection, table)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
