"""Photos stand in the body's text: every captioned photo that was not the lead moves into its story's body.

Before, a caption's `position` (a number typed in the form) put its photo after the N-th top-level block of the
body. Each such caption becomes the figure the editor's photo widget writes (articles/richtext.PHOTO_FIGURE:
`<figure data-photo="ID"><figcaption>caption</figcaption></figure>`) at the same place: after the N-th block, before
the first for 0, last for a number past the end (as the pages placed it), in the old order (position, order, id)
where several share a place. Then the caption row goes; the lead caption stays, the lead photo chosen apart.

The page shows what it showed before, in the same places, including a photo that was also placed in the text
already (it then stands twice, as it did; the editor can remove one). Each changed story's version moves on, so a
form opened before the migration is refused as stale instead of saving the old body over the new one. The
searchable copy is folded again the way articles/search.story_text now folds it: the captions are words of the
body, and the credits of the photos placed in the body are searched as the credits of captioned photos were.

The reverse changes nothing: the code from before this migration already shows photos placed in the body where
they stand, so the stories read the same; 0013's reverse gives the captions back their position column.
"""
from django.db import migrations
from django.db.models import F

from articles.rendering import place_after_blocks
from articles.richtext import PHOTO_FIGURE, photo_figure
from articles.text import fold_story

CHUNK = 500


def placed_ids(body: str) -> list[int]:
    return [int(m.group(1)) for m in PHOTO_FIGURE.finditer(body or "")]


def refold(story, lead_words, credits, names) -> str:
    """articles.search.story_text as of this migration."""
    placed_credits = [credits[pk] for pk in placed_ids(story.body) if credits.get(pk)]
    return fold_story(story.kicker, story.sapo, story.body, *lead_words, *placed_credits, *names)


def captions_into_body(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Caption = apps.get_model("articles", "Caption")
    Byline = apps.get_model("articles", "Byline")
    Photo = apps.get_model("photos", "Photo")
    moved = set(Caption.objects.filter(is_lead=False).values_list("article_id", flat=True).distinct())
    # Stories with photos the editor placed in the text: their credits are searched now too.
    placed = set(Article.objects.filter(body__contains="data-photo=").values_list("pk", flat=True))
    ids = sorted(moved | placed)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        stories = {s.pk: s for s in Article.objects.filter(pk__in=chunk).only(
            "id", "kicker", "sapo", "body", "search_body", "version")}
        captions = {}
        for caption in Caption.objects.filter(article_id__in=chunk).order_by("position", "order", "id").values(
                "id", "article_id", "photo_id", "text", "position", "is_lead", "photo__credit"):
            captions.setdefault(caption["article_id"], []).append(caption)
        names = {}
        for article_id, name in Byline.objects.filter(article_id__in=chunk).order_by("order", "id").values_list(
                "article_id", "author__name"):
            names.setdefault(article_id, []).append(name)
        gone, moved_here = [], set()
        for pk in chunk:
            story, others = stories[pk], [c for c in captions.get(pk, []) if not c["is_lead"]]
            if others:
                story.body = place_after_blocks(
                    story.body, [(c["position"], photo_figure(c["photo_id"], c["text"])) for c in others])
                gone += [c["id"] for c in others]
                moved_here.add(pk)
        credits = dict(Photo.objects.filter(
            pk__in={i for story in stories.values() for i in placed_ids(story.body)}).values_list("pk", "credit"))
        for pk in chunk:
            story, rows = stories[pk], captions.get(pk, [])
            lead_words = [w for c in rows if c["is_lead"] for w in (c["text"], c["photo__credit"]) if w]
            folded = refold(story, lead_words, credits, names.get(pk, []))
            # One UPDATE per changed story: a bulk_update's CASE over hundreds of long bodies is far slower.
            if pk in moved_here:
                Article.objects.filter(pk=pk).update(body=story.body, search_body=folded, version=F("version") + 1)
            elif folded != story.search_body:
                Article.objects.filter(pk=pk).update(search_body=folded)
        Caption.objects.filter(pk__in=gone).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0011_trash"),
        ("photos", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(captions_into_body, migrations.RunPython.noop, elidable=True),
    ]
