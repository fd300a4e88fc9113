"""Full-text search on PostgreSQL: stored tsvectors of the folded title and of the whole story, GIN-indexed.

PostgreSQL generates both columns from search_title and search_body, which Article.save() keeps
accent-folded, so they are always in step with the story, bulk inserts included. They are stripped
(no positions or weights: search needs neither, and small vectors stay in the row, so checking one is
cheap). The title gets its own column because "title matches first" is the ranking.
The model does not declare them (SQLite has no tsvector); articles/search.py queries them by name.
On SQLite nothing happens here and search falls back to LIKE on the same folded fields.
"""
from django.db import migrations

COLUMN_SQL = """
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_document, DROP COLUMN IF EXISTS search_title_document;
ALTER TABLE articles_article
    ADD COLUMN search_title_document tsvector GENERATED ALWAYS AS (
        strip(to_tsvector('simple'::regconfig, coalesce(search_title, '')))
    ) STORED,
    ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
        strip(to_tsvector('simple'::regconfig, coalesce(search_title, '') || ' ' || coalesce(search_body, '')))
    ) STORED;
CREATE INDEX article_search_title_idx ON articles_article USING gin (search_title_document);
CREATE INDEX article_search_document_idx ON articles_article USING gin (search_document);
"""

REVERSE_SQL = """
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_document, DROP COLUMN IF EXISTS search_title_document;
"""


def add_search_documents(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COLUMN_SQL)


def drop_search_documents(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVERSE_SQL)


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_roles")]
    operations = [migrations.RunPython(add_search_documents, drop_search_documents, elidable=False)]
