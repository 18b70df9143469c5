"""The database-specific half of the Dutch search (decision 00XX-learning-search).

PostgreSQL: the ``unaccent`` extension, a text search configuration ``proeftuin_dutch`` (a copy
of ``dutch`` whose words pass ``unaccent`` before the Dutch stemmer) and a GIN index on the
vector. SQLite: an FTS5 table holding the stems that ``proeftuin.core.learning.search`` makes.
Each half runs only on its own database.
"""

from django.db import migrations

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'proeftuin_dutch') THEN
        CREATE TEXT SEARCH CONFIGURATION proeftuin_dutch (COPY = pg_catalog.dutch);
        ALTER TEXT SEARCH CONFIGURATION proeftuin_dutch
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, dutch_stem;
      END IF;
    END $$
    """,
    "CREATE INDEX IF NOT EXISTS learning_search_vector_gin "
    "ON learning_searchentry USING gin (vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS learning_search_vector_gin",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS proeftuin_dutch",
]
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS learning_search_fts USING fts5("
    "entry_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS learning_search_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("learning", "0002_search_entries")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        )
    ]
