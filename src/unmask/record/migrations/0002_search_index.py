"""Full-text index of organizations' search text: FTS5 on SQLite, a GIN index on PostgreSQL."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE record_organization_fts USING fts5("
    " search_text, content='record_organization', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER record_organization_fts_ai AFTER INSERT ON record_organization BEGIN"
    " INSERT INTO record_organization_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER record_organization_fts_ad AFTER DELETE ON record_organization BEGIN"
    " INSERT INTO record_organization_fts(record_organization_fts, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER record_organization_fts_au AFTER UPDATE OF search_text ON record_organization"
    " BEGIN"
    " INSERT INTO record_organization_fts(record_organization_fts, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    " INSERT INTO record_organization_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO record_organization_fts(record_organization_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS record_organization_fts_au",
    "DROP TRIGGER IF EXISTS record_organization_fts_ad",
    "DROP TRIGGER IF EXISTS record_organization_fts_ai",
    "DROP TABLE IF EXISTS record_organization_fts",
]
POSTGRESQL = [
    "CREATE INDEX record_organization_search ON record_organization"
    " USING gin (to_tsvector('simple', search_text))",
]
POSTGRESQL_REVERSE = ["DROP INDEX IF EXISTS record_organization_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("record", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
