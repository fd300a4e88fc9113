"""What a public page shows, by name, and which of those names each change throws away.

A key names one thing the public sees (DESIGN12 §1): a story, a section's list, a person, a tag, a photo, the
front page's arrangement, the newest stories, the most-read block, or the whole site. Pages and blocks declare
the keys they show (caching.shows); a change purges exactly the keys it changes (caching.purge_keys), and the
same names go to the CDN as Surrogate-Key / Cache-Tag.

The rules, computed from the story as it was before the save and as it is after:
- a story enters or leaves the public (publish, unpublish, trash, restore, its scheduled time), or a public
  story's lists change (section, publish time, tags, bylines): the story, the lists of its old and new state
  (section, authors, tags) and `latest`;
- a public story's text changes (a typo, a correction, a caption): the story only;
- a photo, an author, a tag: their own key; a section (the menu), the masthead: `site`; the front page: `home`;
- a draft that never went out: nothing.
A scheduled story also refreshes the site state, which caps the pages it will change to its time (caching.py).
"""
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

HOME = "home"
LATEST = "latest"
MOST_READ = "most-read"
SITE = "site"


def story(pk):
    return f"story-{pk}"


def section(pk):
    return f"section-{pk}"


def author(pk):
    return f"author-{pk}"


def author_list(pk):
    return f"author-{pk}-list"


def tag(pk):
    return f"tag-{pk}"


def tag_list(pk):
    return f"tag-{pk}-list"


def photo(pk):
    return f"photo-{pk}"


# Keys that only blocks show (holes, articles/holes.py): no response names them in its Surrogate-Key, since a page
# carries its own keys and not its blocks', so a CDN holds nothing under them and is never sent their purges.
BLOCK_ONLY = frozenset({MOST_READ})


def is_list_key(key) -> bool:
    """Keys of lists and site-wide things (kept when a response's key header must be shortened)."""
    return key in (HOME, LATEST, MOST_READ, SITE) or key.startswith("section-") or key.endswith("-list")


# --- What pages show -----------------------------------------------------------------------------------------

def teaser_keys(article):
    """A teaser shows the story (title, kicker, sapo, link) and its lead photo (listing querysets prefetch it)."""
    keys = {story(article.pk)}
    for caption in getattr(article, "lead_captions", None) or ():
        keys.add(photo(caption.photo_id))
    return keys


def bylines_keys(bylines):
    return {author(b.author_id) for b in bylines}


def story_page_keys(article, *, captions=(), bylines=(), tags=(), photo_ids=()):
    """The story's page: the story, its people, its topics, its photos (captions and those placed in the text)."""
    keys = {story(article.pk)} | bylines_keys(bylines) | {tag(t.pk) for t in tags}
    keys |= {photo(c.photo_id) for c in captions} | {photo(pk) for pk in photo_ids}
    return keys


def membership_keys(article_id, section_id, author_ids=(), tag_ids=()):
    """Everything a story's presence in the lists touches."""
    keys = {story(article_id), LATEST}
    if section_id is not None:
        keys.add(section(section_id))
    keys |= {author_list(pk) for pk in author_ids if pk is not None}
    keys |= {tag_list(pk) for pk in tag_ids if pk is not None}
    return keys


# --- What a change purges --------------------------------------------------------------------------------------

_STATE_FIELDS = ("status", "section_id", "published_at", "trashed_at", "first_published_at", "is_featured")


class _Seen:
    """A story's state as far as the public is concerned (before or after a change)."""

    def __init__(self, status, section_id, published_at, trashed_at, first_published_at, is_featured, now):
        from .models import Status

        self.section_id, self.published_at, self.is_featured = section_id, published_at, is_featured
        out = status == Status.PUBLISHED and trashed_at is None and published_at is not None
        self.visible = out and published_at <= now
        self.scheduled = out and published_at > now
        # An unpublished story's address answers 410: it has a page of its own still.
        self.has_page = status in (Status.PUBLISHED, Status.UNPUBLISHED) or first_published_at is not None

    @property
    def matters(self):
        return self.visible or self.scheduled or self.has_page

    def places(self):
        return (self.visible, self.scheduled, self.section_id, self.published_at)


def _seen_in_database(article_id, now):
    from .models import Article

    row = Article.objects.filter(pk=article_id).values_list(*_STATE_FIELDS).first()
    return _Seen(*row, now=now) if row else None


def _lists_of(article_id):
    """(section id, author ids, tag ids) of a story as the database has them (one query)."""
    from .models import Article

    rows = list(Article.objects.filter(pk=article_id).values_list("section_id", "bylines__author_id", "tags__id"))
    if not rows:
        return None, set(), set()
    return rows[0][0], {r[1] for r in rows if r[1]}, {r[2] for r in rows if r[2]}


def _story_lists_keys(article_id, *extra_sections):
    section_id, author_ids, tag_ids = _lists_of(article_id)
    keys = membership_keys(article_id, section_id, author_ids, tag_ids)
    return keys | {section(pk) for pk in extra_sections if pk is not None}


def _purge(keys, *, state=False):
    from . import caching

    if state:
        caching.refresh_state()
    if keys:
        return caching.purge_keys(keys)
    return None


def _before_story_save(sender, instance, raw=False, **kwargs):
    # Read from the database: the form's copy may be older than a workflow move made meanwhile.
    instance._public_before = None if raw or instance.pk is None else _seen_in_database(instance.pk, timezone.now())


def _story_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    now = timezone.now()
    before = getattr(instance, "_public_before", None)
    after = _Seen(*(getattr(instance, name) for name in _STATE_FIELDS), now=now)
    if not ((before and before.matters) or after.matters):
        return  # a draft that never went out
    keys = {story(instance.pk)}
    listed = (before and (before.visible or before.scheduled)) or after.visible or after.scheduled
    if listed and (before is None or before.places() != after.places()):
        keys |= _story_lists_keys(instance.pk, before.section_id if before else None)
    if (after.visible or (before and before.visible)) and (before is None or before.is_featured != after.is_featured):
        keys.add(HOME)
    scheduled = after.scheduled or (before is not None and before.scheduled)
    # Marked on the instance, so that the admin's article_changed for this very save purges nothing twice.
    instance._cache_purge = _purge(keys, state=scheduled)


def _story_announced(sender, article=None, action=None, **kwargs):
    """article_changed (after the commit): a workflow move, a restore, a deletion, or a save already purged."""
    if article is None:
        return
    already = article.__dict__.pop("_cache_purge", None)
    if action == "save" and already is not None and already.sent:
        return  # the save's own purge (post_save) was sent with its commit
    seen = _seen_in_database(article.pk, timezone.now())
    if seen is not None and not seen.matters:
        return  # a move between private states (a draft sent for review)
    if action == "save":
        _purge({story(article.pk)})
        return
    keys = _story_lists_keys(article.pk, getattr(article, "section_id", None))
    _purge(keys, state=True)


def _moved(sender, instance, created=False, raw=False, **kwargs):
    """A workflow move (the status is written with update(), which sends no post_save): its Transition row."""
    from .models import Status

    if raw or not created or instance.article_id is None:
        return
    public = (Status.PUBLISHED, Status.UNPUBLISHED)
    seen = _seen_in_database(instance.article_id, timezone.now())
    if instance.from_status in public or instance.to_status in public or (seen and seen.matters):
        _purge(_story_lists_keys(instance.article_id),
               state=Status.PUBLISHED in (instance.from_status, instance.to_status))


def _story_part_changed(sender, instance, raw=False, **kwargs):
    """A byline, caption or correction: the story's page; a byline also the person's list."""
    from .models import Byline

    if raw:
        return
    seen = _seen_in_database(instance.article_id, timezone.now())
    if seen is None or not seen.matters:
        return
    keys = {story(instance.article_id)}
    if sender is Byline and (seen.visible or seen.scheduled):
        keys |= {author_list(instance.author_id), LATEST}
    _purge(keys, state=seen.scheduled and sender is Byline)


def _tags_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action == "pre_clear":
        # The tags about to go, for post_clear (which names none).
        instance._tags_cleared = (set(instance.articles.values_list("pk", flat=True)) if reverse
                                  else set(instance.tags.values_list("pk", flat=True)))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    ids = set(pk_set or ()) if action != "post_clear" else getattr(instance, "_tags_cleared", set())
    pairs = [(pk, instance.pk) for pk in ids] if reverse else [(instance.pk, pk) for pk in ids]
    now = timezone.now()
    keys, scheduled = set(), False
    for article_id in {a for a, _ in pairs}:
        seen = _seen_in_database(article_id, now)
        if seen is None or not seen.matters:
            continue
        keys.add(story(article_id))
        if seen.visible or seen.scheduled:
            keys |= {tag_list(t) for a, t in pairs if a == article_id} | {LATEST}
            scheduled = scheduled or seen.scheduled
    if keys:
        _purge(keys, state=scheduled)


def _own_key(key_of):
    def changed(sender, instance, raw=False, **kwargs):
        if not raw:
            _purge(key_of(instance))
    return changed


def _tag_deleted(sender, instance, **kwargs):
    _purge({tag(instance.pk), tag_list(instance.pk), LATEST})


def listen_for_changes():
    """Connect every purge rule (called once, from ArticlesConfig.ready())."""
    from photos.models import Photo

    from .models import Article, Author, Byline, Caption, Correction, Section, Tag, Transition
    from .signals import article_changed

    pre_save.connect(_before_story_save, sender=Article, dispatch_uid="cachekeys-story-before")
    post_save.connect(_story_saved, sender=Article, dispatch_uid="cachekeys-story-saved")
    post_delete.connect(lambda sender, instance, **kw: _purge(_story_lists_keys(instance.pk, instance.section_id)),
                        sender=Article, dispatch_uid="cachekeys-story-deleted", weak=False)
    article_changed.connect(_story_announced, dispatch_uid="cachekeys-story-announced")
    post_save.connect(_moved, sender=Transition, dispatch_uid="cachekeys-moved")
    for model in (Byline, Caption, Correction):
        post_save.connect(_story_part_changed, sender=model, dispatch_uid=f"cachekeys-saved-{model.__name__}")
        post_delete.connect(_story_part_changed, sender=model, dispatch_uid=f"cachekeys-deleted-{model.__name__}")
    m2m_changed.connect(_tags_changed, sender=Article.tags.through, dispatch_uid="cachekeys-tags")
    own = {
        Photo: _own_key(lambda p: {photo(p.pk)}),
        Author: _own_key(lambda a: {author(a.pk)}),
        Tag: _own_key(lambda t: {tag(t.pk)}),
        # The section menu is on every page.
        Section: _own_key(lambda s: {SITE}),
    }
    for model, receiver in own.items():
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"cachekeys-own-{model.__name__}")
    for model in (Photo, Author, Section):
        post_delete.connect(own[model], sender=model, weak=False, dispatch_uid=f"cachekeys-gone-{model.__name__}")
    post_delete.connect(_tag_deleted, sender=Tag, dispatch_uid="cachekeys-gone-Tag")
