"""Reading stored renders for the public views, with the published check in the same query.

The story page reads the story's id, version, section and its stored render in one query that starts from
Article.objects.published(): an unpublished story's render is never read, let alone served. Lists read
their stories' places and which stored render is current in one query (also from published()), and the teasers
from this process's memory of that very render, or else in a second query. Both queries are compiled once per
process (articles/compiled.py). A render that is missing or not current is rendered
(and stored) on the spot: correct first, fast as soon as it is stored.
"""
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.db import router
from django.utils import timezone
from django.utils.safestring import SafeString

from articles.caching import section_slugs
from articles.compiled import CompiledQuery
from articles.models import Article, Section

from . import fragments, store
from .models import StoryRender


class Stored:
    """A stored render as read for the story page: its page parts only (a model instance costs more to make).

    `identity` names these very bytes ("story:version:stamp:render time:fingerprint": each store moves the stamp on
    and sets the time, prerender/store.py): the page's ETag is made from it, not by hashing the page
    (articles/caching.py: named_by).
    """

    __slots__ = ("identity", "title", "head", "json_ld", "story", "keys")

    def __init__(self, identity, title, head, json_ld, story, keys):
        self.identity, self.title, self.head, self.json_ld, self.story, self.keys = (
            identity, title, head, json_ld, story, keys)

    @property
    def key_list(self) -> list[str]:
        return self.keys.split()


@dataclass
class StoryRow:
    """A published story as its page needs it: where it lives and its stored render."""

    pk: int
    section_id: int
    section_slug: str
    render: Stored | StoryRender


def _current(row_version, version, fingerprint, stale, current_fingerprint) -> bool:
    return row_version == version and not stale and fingerprint == current_fingerprint


STORY_FIELDS = ["title", "head", "json_ld", "story", "keys"]


def _story_query(slug, now):
    # The slug is unique: no ordering to sort by.
    return (Article.objects.published(now=now).filter(slug=slug).order_by()
            .values_list("pk", "version", "section_id", "render__version", "render__fingerprint",
                         "render__stale", "render__stamp", "render__rendered_at",
                         *[f"render__{f}" for f in STORY_FIELDS])[:1])


_STORY = CompiledQuery("story page", _story_query, prepare=True)


def published_story(slug) -> StoryRow | None:
    """The published story at `slug` with its current stored render (rendered now if need be), or None."""
    rows = _STORY.rows(using=router.db_for_read(Article), slug=slug, now=timezone.now())
    if not rows:
        return None
    pk, version, section_id, r_version, r_fingerprint, r_stale, r_stamp, r_rendered_at, *values = rows[0]
    if _current(r_version, version, r_fingerprint, r_stale, fragments.fingerprint()):
        render = Stored(f"{pk}:{r_version}:{r_stamp}:{r_rendered_at.timestamp()}:{r_fingerprint}", *values)
    else:
        render = store.render_story(pk)
        if render is None:  # taken off between the two queries
            return None
    # The section's slug from the site state's menu (no join: 202 -> 180 us for the query, best of six rounds); a
    # section the state does not list yet is read.
    section_slug = section_slugs().get(section_id) or section_slug_now(section_id)
    return StoryRow(pk=pk, section_id=section_id, section_slug=section_slug, render=render)


def section_slug_now(section_id) -> str | None:
    """The section's slug as the database has it (the site state's may be a second old on another server)."""
    return Section.objects.filter(pk=section_id).values_list("slug", flat=True).first()


# --- Lists: the stories' places, then their teasers from this process's memory or the stored renders ---------

# What a list reads of each story: where it goes (the front page's rules, a list's cursor) and which stored render
# is current. The teasers themselves come from _memory, or from the stored renders in a second query.
LISTED = ("id", "section_id", "published_at", "is_featured", "version", "title", "render__version",
          "render__fingerprint", "render__stale", "render__stamp", "render__rendered_at")


class Listed:
    """A published story in a list: its place and, once fill_teasers ran, its teasers (`teaser_<variant>`)."""

    def __init__(self, row):
        (self.pk, self.section_id, self.published_at, self.is_featured, self.version, self.title, self.r_version,
         self.r_fingerprint, self.r_stale, self.r_stamp, self.r_rendered_at) = row
        self.teaser_keys = []

    @property
    def id(self):
        return self.pk

    def render_identity(self):
        """Which stored render this is: each store and each stale mark moves the stamp on (prerender/store.py)."""
        return (self.r_version, self.r_stamp, self.r_rendered_at, self.r_fingerprint)

    def __repr__(self):
        return f"<Listed {self.pk}>"


def listed(rows) -> list[Listed]:
    return [Listed(row) for row in rows]


class _TeaserMemory:
    """Stored teasers this process has read (a least recently used few thousand stories), each with the identity of
    the render it came from.

    A list's own query reads which render is current for each story (prerender/models.py: each stored render and
    each stale mark moves its stamp on); a teaser is taken from here only for
    that very render, so this memory needs no purge and can never show what the database no longer holds.
    """

    SIZE = 3000

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = OrderedDict()

    def get_many(self, wanted, variants):
        """For each (story id, render identity) of `wanted`, its entry (identity, keys shown, teasers) when this
        memory holds that very render's teasers for every one of `variants`, else None (one lock for all)."""
        found = []
        with self.lock:
            entries = self.entries
            for story_id, identity in wanted:
                entry = entries.get(story_id)
                if entry is None or entry[0] != identity or not entry[2].keys() >= variants:
                    found.append(None)
                    continue
                entries.move_to_end(story_id)
                found.append(entry)
        return found

    def put(self, story_id, identity, shows, teasers):
        """Remember a render's teasers; `shows` is the render's teasers_show (keys, space separated)."""
        shows = tuple(shows.split())
        with self.lock:
            entry = self.entries.get(story_id)
            if entry is not None and entry[0] == identity:
                teasers = {**entry[2], **teasers}
            self.entries[story_id] = (identity, shows, teasers)
            self.entries.move_to_end(story_id)
            while len(self.entries) > self.SIZE:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()


_memory = _TeaserMemory()


def forget_teasers():
    """Empty this process's memory of teasers (tests start each with every cache empty)."""
    _memory.clear()

_EMPTY = SafeString("")


def _teasers_query(*, ids, now, variants):
    return (Article.objects.published(now=now).filter(id__in=ids)
            .values_list(*LISTED, "render__teasers_show", *[f"render__teaser_{v}" for v in variants]))


_TEASERS = {}


def _teasers_rows(ids, variants):
    query = _TEASERS.get(variants)
    if query is None:
        query = _TEASERS[variants] = CompiledQuery(
            f"teasers {variants}", lambda ids, now: _teasers_query(ids=ids, now=now, variants=variants))
    return query.rows(using=router.db_for_read(Article), ids=sorted(ids), now=timezone.now())


def _give(story, shows, teasers, variants):
    """Give `story` its teasers (`teaser_<variant>`) and the keys they show (`teaser_keys`, a tuple shared with this
    process's memory: read, never changed)."""
    story.teaser_keys = shows
    for variant, name in _names(variants):
        setattr(story, name, teasers.get(variant) or _EMPTY)


_attribute_names = {}


def _names(variants):
    """(variant, "teaser_<variant>") for each of `variants`, made once per tuple of variants."""
    found = _attribute_names.get(variants)
    if found is None:
        found = _attribute_names[variants] = tuple((variant, f"teaser_{variant}") for variant in variants)
    return found


def _safe(teasers):
    """Stored teasers as safe strings: rendered by our templates (prerender/fragments.py), escaped there."""
    return {variant: SafeString(html or "") for variant, html in teasers.items()}  # noqa: S704


def _render(story, variants):
    render = store.render_story(story.pk)
    if render is None:  # taken off since the list's query: shown as it was a moment ago, without a teaser
        _give(story, (), {}, variants)
        return
    teasers = _safe({v: getattr(render, f"teaser_{v}") for v in fragments.TEASERS})
    if render.fingerprint == fragments.fingerprint():
        _memory.put(story.pk, (render.version, render.stamp, render.rendered_at, render.fingerprint),
                    render.teasers_show, teasers)
    _give(story, tuple(render.teasers_show.split()), teasers, variants)


def fill_teasers(stories, *variants):
    """Give each story of `stories` (Listed) its teasers as `teaser_<variant>` and the keys they show as
    `teaser_keys`: from this process's memory when it holds the current render's, else from the stored renders
    (one query for all); stories whose stored render is not current are rendered first (and stored)."""
    current = fragments.fingerprint()
    needed = frozenset(variants)
    listed_now = []
    for story in stories:
        if _current(story.r_version, story.version, story.r_fingerprint, story.r_stale, current):
            listed_now.append(story)
        else:
            _render(story, variants)
    wanted = []
    remembered = _memory.get_many([(story.pk, story.render_identity()) for story in listed_now], needed)
    for story, entry in zip(listed_now, remembered):
        if entry is None:
            wanted.append(story)
        else:
            _give(story, entry[1], entry[2], variants)
    if not wanted:
        return stories
    rows = {row[0]: row for row in _teasers_rows([s.pk for s in wanted], variants)}
    for story in wanted:
        row = rows.get(story.pk)
        if row is None:  # taken off since the list's query
            _give(story, (), {}, variants)
            continue
        fresh = Listed(row[:len(LISTED)])
        if not _current(fresh.r_version, fresh.version, fresh.r_fingerprint, fresh.r_stale, current):
            _render(story, variants)
            continue
        shows, teasers = row[len(LISTED)], _safe(dict(zip(variants, row[len(LISTED) + 1:])))
        _memory.put(story.pk, fresh.render_identity(), shows, teasers)
        _give(story, tuple(shows.split()), teasers, variants)
    return stories
