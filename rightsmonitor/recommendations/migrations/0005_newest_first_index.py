"""The search's order (newest document first, undated last, then symbol, paragraph, id) as an
index on PostgreSQL, so that a page of results reads its 25 ids in order instead of sorting
every kept row (docs/decisions/0012). Not a model index: SQLite cannot say NULLS LAST in an
index, and there NULL dates already sort last when descending."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS recommendation_newest ON recommendations_recommendation "
    "(document_date DESC NULLS LAST, symbol, paragraph, id)"
)
DROP = "DROP INDEX IF EXISTS recommendation_newest"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0004_facet_index")]

    operations = [migrations.RunPython(create, drop)]
