"""Search reads every word a reader sees, and knows which words stand together.

The search documents keep their word positions (no strip()), so that a query's words side by side in
order (a phrase, `<->`) can rank before the same words scattered. The bound of 0005 stays as it was: its
arithmetic already counts every word's positions (PostgreSQL measures a vector before strip), so 500,000
folded characters still make a vector under 1 MB. Both generated columns and their GIN indexes are made
again under the same names (PostgreSQL 15 cannot change a generated column's expression).

Then every story's folded copy is made again with its photos' captions and credits and its byline's names
(articles/search.py keeps it so from now on).
"""
from django.db import migrations

from articles.text import fold_story

SEARCH_PREFIX_CHARS = 500_000  # as in 0005
_DOCUMENT = "coalesce(search_title, '') || ' ' || coalesce(search_body, '')"
_CUT = f"{SEARCH_PREFIX_CHARS} + 1 - strpos(reverse(left({_DOCUMENT}, {SEARCH_PREFIX_CHARS} + 1)), ' ')"
_BOUNDED = f"CASE WHEN length({_DOCUMENT}) <= {SEARCH_PREFIX_CHARS} THEN {_DOCUMENT} ELSE left({_DOCUMENT}, {_CUT}) END"


def _columns_sql(vector) -> str:
    return f"""
ALTER TABLE articles_article DROP COLUMN IF EXISTS search_document, DROP COLUMN IF EXISTS search_title_document;
ALTER TABLE articles_article
    ADD COLUMN search_title_document tsvector GENERATED ALWAYS AS (
        {vector.format("coalesce(search_title, '')")}
    ) STORED,
    ADD COLUMN search_document tsvector GENERATED ALWAYS AS ({vector.format(_BOUNDED)}) STORED;
CREATE INDEX article_search_title_idx ON articles_article USING gin (search_title_document);
CREATE INDEX article_search_document_idx ON articles_article USING gin (search_document);
"""


def keep_positions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_columns_sql("to_tsvector('simple'::regconfig, {})"))


def strip_positions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_columns_sql("strip(to_tsvector('simple'::regconfig, {}))"))


def fold_everything(apps, schema_editor):
    """Fold every story again with its captions, photo credits and byline names."""
    Article = apps.get_model("articles", "Article")
    Caption = apps.get_model("articles", "Caption")
    Byline = apps.get_model("articles", "Byline")
    changed = []
    for story in Article.objects.only("id", "kicker", "sapo", "body", "search_body").order_by("id").iterator(chunk_size=200):
        captions = Caption.objects.filter(article_id=story.pk).order_by("position", "order", "id")
        photo_words = [w for pair in captions.values_list("text", "photo__credit") for w in pair if w]
        names = Byline.objects.filter(article_id=story.pk).order_by("order", "id").values_list("author__name", flat=True)
        folded = fold_story(story.kicker, story.sapo, story.body, *photo_words, *names)
        if folded != story.search_body:
            story.search_body = folded
            changed.append(story)
        if len(changed) >= 200:
            Article.objects.bulk_update(changed, ["search_body"])
            changed = []
    Article.objects.bulk_update(changed, ["search_body"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_photos_app")]
    operations = [
        migrations.RunPython(keep_positions, strip_positions, elidable=False),
        migrations.RunPython(fold_everything, migrations.RunPython.noop, elidable=True),
    ]
