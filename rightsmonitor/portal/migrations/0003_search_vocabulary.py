"""The site search index's vocabulary, for spelling suggestions (core.fulltext.vocabulary):
``pg_trgm`` and a GIN trigram index on PostgreSQL, a table of trigrams on SQLite. The stems
already indexed are counted now; every document's stamp is cleared so that
``manage.py rebuild_search_index`` writes each one again, as plain text, with its words."""

from django.db import migrations

from rightsmonitor.core.fulltext import create_vocabulary, drop_vocabulary

TABLE = "portal_search_fulltext"


def create(apps, schema_editor):
    create_vocabulary(schema_editor.connection, TABLE)
    apps.get_model("portal", "SearchDocument").objects.update(stamp="")


def drop(apps, schema_editor):
    drop_vocabulary(schema_editor.connection, TABLE)


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_search_fulltext")]

    operations = [migrations.RunPython(create, drop)]
