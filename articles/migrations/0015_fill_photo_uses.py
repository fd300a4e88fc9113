"""Fill PhotoUse from what stories show today: each lead Caption, and each library photo placed in a body as the
editor's figure. From here on photouses.py keeps it in step on every save.

The figure's pattern is copied here as it is now (articles.richtext.PHOTO_FIGURE), so that a later change of the
code cannot change what this migration did.
"""
import html
import re

from django.db import migrations

FIGURE = re.compile(r'<figure data-photo="([1-9][0-9]{0,17})"><figcaption>([^<]*)</figcaption></figure>')
BATCH = 500


def fill(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Caption = apps.get_model("articles", "Caption")
    PhotoUse = apps.get_model("articles", "PhotoUse")
    Photo = apps.get_model("photos", "Photo")
    leads = {}
    for article_id, photo_id, text in (Caption.objects.filter(is_lead=True).order_by("article_id", "order", "id")
                                       .values_list("article_id", "photo_id", "text").iterator(chunk_size=2000)):
        leads.setdefault((article_id, photo_id), text)
    rows = [PhotoUse(article_id=a, photo_id=p, place="lead", caption=text) for (a, p), text in leads.items()]
    PhotoUse.objects.bulk_create(rows, batch_size=BATCH)
    placed = []
    stories = Article.objects.filter(body__contains="data-photo=").order_by("pk").values_list("pk", "body")
    for article_id, body in stories.iterator(chunk_size=200):
        captions = {}
        for match in FIGURE.finditer(body or ""):
            captions.setdefault(int(match.group(1)), html.unescape(match.group(2)))
        placed += [(article_id, photo_id, caption) for photo_id, caption in captions.items()]
        if len(placed) >= BATCH:
            _store(Photo, PhotoUse, placed)
            placed = []
    _store(Photo, PhotoUse, placed)


def _store(Photo, PhotoUse, placed):
    """The text uses of a batch, leaving out figures of photos gone from the library."""
    known = set(Photo.objects.filter(pk__in={p for _, p, _ in placed}).values_list("pk", flat=True))
    PhotoUse.objects.bulk_create([PhotoUse(article_id=a, photo_id=p, place="text", caption=c)
                                  for a, p, c in placed if p in known], batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0014_photo_uses"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
