"""Search documents over a bounded prefix of the story, so that no body is too long to save.

PostgreSQL refuses a tsvector over 1 MB, counting each distinct word and its positions ("string is too
long for tsvector"), and a generated column that fails makes the whole INSERT or UPDATE fail: a 4 MB
results table could not be saved at all. The story document is now made from at most SEARCH_PREFIX_CHARS
characters of the folded title and body, cut at the last space before the bound so that no half word is
indexed. search_body itself keeps the whole folded text (the SQLite fallback searches all of it).
PostgreSQL 15 cannot change a generated column's expression, so both columns and their GIN indexes are
made again, under the same names, with the same shape as 0003 (stripped vectors, 'simple' config).
Then every story's folded copy is made again: until now the last word of a paragraph and the first of
the next were folded into one ("<p>Bắc</p><p>Kạn</p>" -> "backan"), so neither could be found.
"""
from django.db import migrations
from django.utils.html import strip_tags

from articles.text import fold

# Why 500,000 fits: the folded text is ASCII words and single spaces (text.fold). Before strip(), PostgreSQL
# counts for a word's first use its letters, an alignment byte, a 2-byte count and a 2-byte position: at
# most twice the characters it took (word and space) from three letters up; each later use adds at most
# 2 bytes for 2 or more characters, and none past 256 uses or position 16,383. The 36 one-letter and 1,296
# two-letter words add under 1,400 bytes more. So 500,000 characters make at most 1,001,400 bytes, below
# the 1,048,575 allowed; that is some 80,000 words of running text, far past any story but a data table.
SEARCH_PREFIX_CHARS = 500_000

_DOCUMENT = "coalesce(search_title, '') || ' ' || coalesce(search_body, '')"


def _bounded(document: str, limit: int) -> str:
    # left(x, n + 1) reversed: the first space found is the last one at or before the bound.
    return (
        f"CASE WHEN length({document}) <= {limit} THEN {document} "
        f"ELSE left({document}, {limit} + 1 - strpos(reverse(left({document}, {limit} + 1)), ' ')) END"
    )


def _columns_sql(story_document: str) -> str:
    return f"""
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_document, DROP COLUMN IF EXISTS search_title_document;
ALTER TABLE articles_article
    ADD COLUMN search_title_document tsvector GENERATED ALWAYS AS (
        strip(to_tsvector('simple'::regconfig, coalesce(search_title, '')))
    ) STORED,
    ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
        strip(to_tsvector('simple'::regconfig, {story_document}))
    ) STORED;
CREATE INDEX article_search_title_idx ON articles_article USING gin (search_title_document);
CREATE INDEX article_search_document_idx ON articles_article USING gin (search_document);
"""


BOUNDED_SQL = _columns_sql(_bounded(_DOCUMENT, SEARCH_PREFIX_CHARS))
UNBOUNDED_SQL = _columns_sql(_DOCUMENT)  # as 0003 made them


def bound_search_documents(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BOUNDED_SQL)


def unbound_search_documents(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNBOUNDED_SQL)


def refold_bodies(apps, schema_editor):
    """Fold every story again as Article.save() now does, with tags as word breaks."""
    Article = apps.get_model("articles", "Article")
    stories = Article.objects.only("id", "kicker", "sapo", "body", "search_body").order_by("id")
    changed = []
    for story in stories.iterator(chunk_size=200):
        folded = fold(" ".join([story.kicker, story.sapo, strip_tags(story.body.replace("<", " <"))]))
        if folded != story.search_body:
            story.search_body = folded
            changed.append(story)
        if len(changed) >= 200:
            Article.objects.bulk_update(changed, ["search_body"])
            changed = []
    Article.objects.bulk_update(changed, ["search_body"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_photos")]
    operations = [
        migrations.RunPython(bound_search_documents, unbound_search_documents, elidable=False),
        migrations.RunPython(refold_bodies, migrations.RunPython.noop, elidable=True),
    ]
