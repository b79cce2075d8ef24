"""The recommendations index's vocabulary, for spelling suggestions (core.fulltext.vocabulary):
``pg_trgm`` and a GIN trigram index on PostgreSQL, a table of trigrams on SQLite; filled from
the recommendations' texts as ``search.index_text`` indexes them (the index holds stems only)."""

from django.db import migrations

from rightsmonitor.core.fulltext import Vocabulary, index_forms

TABLE = "recommendations_fulltext"
BATCH = 2000


def create(apps, schema_editor):
    vocabulary = Vocabulary(TABLE)
    vocabulary.create(schema_editor.connection)
    rows = apps.get_model("recommendations", "Recommendation").objects.values_list("text", "symbol")
    batch = []
    for text, symbol in rows.order_by("pk").iterator(chunk_size=BATCH):
        batch.append(index_forms(f"{text}\n{symbol}"))
        if len(batch) >= BATCH:
            vocabulary.change(added=batch, removed=[])
            batch = []
    if batch:
        vocabulary.change(added=batch, removed=[])


def drop(apps, schema_editor):
    Vocabulary(TABLE).drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0005_newest_first_index")]

    operations = [migrations.RunPython(create, drop)]
