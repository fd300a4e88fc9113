"""When stored renders go stale, and when they render again.

- A change to one story (its save, a workflow move, a caption, a correction, a byline, its tags) marks its
  render stale in the change's transaction and renders it right after the commit, in that request: one
  story, a few milliseconds.
- A change that many stories show (a photo's credit, an author's name, a tag's name, a section's name)
  marks stale the renders that show it (the key table) and leaves them to the task queue and to the
  first read. So does any purge the page cache announces (articles.signals.keys_purged) for these keys.
- A template or settings change needs no signal: the fingerprint no longer matches (see store.py).
"""
from django.db import transaction
from django.core.signals import setting_changed
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save

from articles.models import Article, Author, Byline, Caption, Correction, Section, Status, Tag
from articles.signals import article_changed, keys_purged
from photos.models import Photo

from . import fragments, store, tasks

# The keys whose change marks renders stale (a story's own changes are handled one by one, below).
SHARED_KEY_PREFIXES = ("author-", "tag-", "photo-")


def _render_after_commit(article_id):
    transaction.on_commit(lambda: store.render_if_out_of_date(article_id))


def story_part_changed(sender, instance, raw=False, **kwargs):
    """A caption, correction or byline of a story: its render is stale now and renders after the commit."""
    if raw:
        return
    store.mark_stale([instance.article_id])
    _render_after_commit(instance.article_id)


def story_saved(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    store.mark_stale([instance.pk])
    if instance.status == Status.PUBLISHED and instance.trashed_at is None:
        _render_after_commit(instance.pk)


def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    ids = [instance.pk] if not reverse else list(pk_set or ())
    if reverse and action == "post_clear":
        ids = []  # a tag emptied of its stories: the tag's own delete marks them (tag_changed)
    store.mark_stale(ids)
    for article_id in ids:
        _render_after_commit(article_id)


def story_moved(sender, article, action, **kwargs):
    """article_changed (already after the commit): a workflow move, a restore, a save in the admin."""
    if action == "delete":
        return  # the row and its render are gone
    store.render_story(article.pk)  # the sender says the story changed, whatever its version says


def shown_thing_changed(sender, instance, raw=False, **kwargs):
    """A photo, author or tag: every render showing it is stale, rendered by the queue and on first read."""
    if raw or instance.pk is None:
        return
    prefix = {Photo: "photo", Author: "author", Tag: "tag"}[sender]
    if store.mark_stale_keys([f"{prefix}-{instance.pk}"]):
        tasks.queue_render_stale()


def section_changed(sender, instance, raw=False, **kwargs):
    """A section's name or address shows on each of its stories (breadcrumbs, teasers, JSON-LD)."""
    if raw or instance.pk is None:
        return
    from .models import StoryRender

    if StoryRender.objects.filter(article__section_id=instance.pk).update(
            stale=True, stamp=F("stamp") + 1):
        tasks.queue_render_stale()


def purged(sender, keys, **kwargs):
    """The page cache threw pages away (after the commit): the renders showing the same people, tags and
    photos are stale too. Stories' own keys are left alone: their changes render at once (above)."""
    shared = [k for k in keys if k.startswith(SHARED_KEY_PREFIXES) and not k.endswith("-list")]
    if shared and store.mark_stale_keys(shared):
        tasks.render_stale.enqueue()


def connect():
    for model in (Caption, Correction, Byline):
        post_save.connect(story_part_changed, sender=model, dispatch_uid=f"prerender-save-{model.__name__}")
        post_delete.connect(story_part_changed, sender=model, dispatch_uid=f"prerender-delete-{model.__name__}")
    post_save.connect(story_saved, sender=Article, dispatch_uid="prerender-story-saved")
    m2m_changed.connect(tags_changed, sender=Article.tags.through, dispatch_uid="prerender-tags")
    article_changed.connect(story_moved, dispatch_uid="prerender-story-moved")
    for model in (Photo, Author, Tag):
        post_save.connect(shown_thing_changed, sender=model, dispatch_uid=f"prerender-shown-{model.__name__}")
    post_save.connect(section_changed, sender=Section, dispatch_uid="prerender-section")
    keys_purged.connect(purged, dispatch_uid="prerender-keys-purged")
    setting_changed.connect(fragments.forget_templates, dispatch_uid="prerender-forget-templates")
