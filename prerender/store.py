"""Keeping stored renders: render and store one story, mark renders stale, render the stale ones.

A stored render is current when it is not marked stale, holds the story's version and carries today's
fingerprint; readers check that in the query that reads it (prerender/reads.py) and render again when it is
not, so a render that failed or a mark that came late costs a render, never a wrong page.

Race rule: a render reads the row's stamp before it reads the story, and stores only while the stamp is
unchanged (UPDATE ... WHERE stamp = read, moving it on); every mark of staleness moves the stamp on in the
transaction of the change (or right after its commit), so a render of data read before a change never replaces
a newer one.
"""
import logging

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from articles.models import Article, Status
from newsroom.routers import primary_reads

from . import fragments
from .models import RenderKey, StoryRender

logger = logging.getLogger("newsroom.prerender")


def renderable():
    """Stories worth a stored render: published now or scheduled, outside the trash."""
    return Article.objects.filter(status=Status.PUBLISHED, trashed_at__isnull=True)


def render_story(article_id) -> StoryRender | None:
    """Render the story and store it; the render, or None for a story that has no public page."""
    # From the primary, even inside a reader's request: the stamp and the story must be what the store compares.
    with primary_reads():
        return _render_story(article_id)


def _render_story(article_id):
    from articles.views import with_story_parts

    stamp, previous = StoryRender.objects.filter(pk=article_id).values_list("stamp", "keys").first() or (None, None)
    article = with_story_parts(renderable().filter(pk=article_id).defer("search_title", "search_body")).first()
    if article is None:
        StoryRender.objects.filter(pk=article_id).delete()
        return None
    fields = {**fragments.render(article), "fingerprint": fragments.fingerprint(), "stale": False,
              "rendered_at": timezone.now()}
    if stamp is None:
        try:
            with transaction.atomic():
                stored = StoryRender.objects.create(article_id=article_id, **fields)
        except IntegrityError:
            # Another render stored it meanwhile, from data older or newer than ours: the next read decides.
            mark_stale([article_id])
            return StoryRender(article_id=article_id, **fields)
        _store_keys(stored, previous=None)
        return stored
    # The stamp moves on with the store too, so that (story, stamp) names one stored content (prerender/reads.py
    # keeps teasers in memory by it).
    if StoryRender.objects.filter(pk=article_id, stamp=stamp).update(**fields, stamp=F("stamp") + 1):
        stored = StoryRender(article_id=article_id, stamp=stamp + 1, **fields)
        _store_keys(stored, previous=previous)
        return stored
    # A change came in while rendering: this render is served to this request, never stored.
    return StoryRender(article_id=article_id, stamp=stamp, **fields)


def _store_keys(stored, *, previous):
    wanted = set(stored.key_list)
    if previous is None:  # a new render: no rows yet
        RenderKey.objects.bulk_create([RenderKey(render_id=stored.article_id, key=k) for k in sorted(wanted)],
                                      ignore_conflicts=True)
        return
    if set(previous.split()) == wanted:
        return
    with transaction.atomic():
        RenderKey.objects.filter(render_id=stored.article_id).exclude(key__in=wanted).delete()
        have = set(RenderKey.objects.filter(render_id=stored.article_id).values_list("key", flat=True))
        RenderKey.objects.bulk_create([RenderKey(render_id=stored.article_id, key=k) for k in wanted - have],
                                      ignore_conflicts=True)


def render_if_out_of_date(article_id) -> StoryRender | None:
    """Render the story again unless its stored render is current (after a commit: several changes of one
    transaction ask for it, one render answers)."""
    current = StoryRender.objects.filter(
        pk=article_id, stale=False, fingerprint=fragments.fingerprint(), version=F("article__version"))
    if current.exists():
        return None
    return render_story(article_id)


def mark_stale(article_ids) -> int:
    """Mark the stored renders of these stories stale."""
    ids = list(article_ids)
    if not ids:
        return 0
    return StoryRender.objects.filter(pk__in=ids).update(stale=True, stamp=F("stamp") + 1)


def mark_stale_keys(keys) -> int:
    """Mark stale every stored render that shows any of `keys` (one indexed query on the key table)."""
    keys = sorted(set(keys))
    if not keys:
        return 0
    return StoryRender.objects.filter(
        pk__in=RenderKey.objects.filter(key__in=keys).values("render_id")
    ).update(stale=True, stamp=F("stamp") + 1)


def out_of_date():
    """Stories whose stored render is missing, stale, of an older version or another fingerprint."""
    return renderable().filter(
        Q(render__isnull=True) | Q(render__stale=True) | ~Q(render__version=F("version"))
        | ~Q(render__fingerprint=fragments.fingerprint())
    )


def render_out_of_date(*, limit=None, everything=False, progress=None) -> int:
    """Render the stories whose stored render is not current (all of them with everything=True), newest
    first; returns how many were rendered."""
    stories = renderable() if everything else out_of_date()
    ids = list(stories.order_by("-published_at", "-id").values_list("id", flat=True)[:limit])
    done = 0
    for article_id in ids:
        try:
            render_story(article_id)
        except Exception:  # noqa: BLE001 - one story that fails to render stays out of date, the rest go on
            logger.exception("Story %s could not be rendered", article_id)
            continue
        done += 1
        if progress and done % 500 == 0:
            progress(done, len(ids))
    return done
