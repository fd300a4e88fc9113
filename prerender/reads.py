"""Reading stored renders for the public views, with the published check in the same query.

The story page reads the story's id, version, section and its stored render in one query that starts from
Article.objects.published(): an unpublished story's render is never read, let alone served. Lists read
their stories' ids and stored teasers in one query. A render that is missing or not current is rendered
(and stored) on the spot: correct first, fast as soon as it is stored.
"""
import datetime
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import F
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles.models import Article

from . import fragments, store
from .models import StoryRender

_CHECK = {"_r_version": F("render__version"), "_r_fingerprint": F("render__fingerprint"),
          "_r_stale": F("render__stale"), "_r_teasers_show": F("render__teasers_show")}


@dataclass
class StoryRow:
    """A published story as its page needs it: where it lives and its stored render."""

    pk: int
    section_id: int
    section_slug: str
    render: StoryRender

    @property
    def tag_ids(self) -> list[int]:
        return [int(k[4:]) for k in self.render.key_list if k.startswith("tag-")]


def _current(row_version, version, fingerprint, stale, current_fingerprint) -> bool:
    return row_version == version and not stale and fingerprint == current_fingerprint


STORY_FIELDS = ["title", "head", "json_ld", "story", "keys"]
_PROBE_SLUG = "\x00prerender-probe"
_PROBE_NOW = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
_story_sql = {}


def _story_query(slug, now):
    return (Article.objects.published(now=now).filter(slug=slug)
            .values_list("pk", "version", "section_id", "section__slug", "render__version", "render__fingerprint",
                         "render__stale", *[f"render__{f}" for f in STORY_FIELDS])[:1])


def _story_row(slug):
    """_story_query's one row, its SQL compiled once per process and database: for a query this small, Django's
    compiler costs more than the query itself (bench/results/template-choice.md has the page's other parts)."""
    alias = router.db_for_read(Article)
    connection = connections[alias]
    compiled = _story_sql.get(alias)
    if compiled is None:
        sql, params = _story_query(_PROBE_SLUG, _PROBE_NOW).using(alias).query.sql_with_params()
        params = list(params)
        probe_now = connection.ops.adapt_datetimefield_value(_PROBE_NOW)
        compiled = _story_sql[alias] = (sql, params, params.index(_PROBE_SLUG), params.index(probe_now))
    sql, params, slug_at, now_at = compiled
    params = list(params)
    params[slug_at] = slug
    params[now_at] = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def published_story(slug) -> StoryRow | None:
    """The published story at `slug` with its current stored render (rendered now if need be), or None."""
    fields = STORY_FIELDS
    row = _story_row(slug)
    if row is None:
        return None
    pk, version, section_id, section_slug, r_version, r_fingerprint, r_stale, *values = row
    if _current(r_version, version, r_fingerprint, r_stale, fragments.fingerprint()):
        render = StoryRender(article_id=pk, version=r_version, **dict(zip(fields, values)))
    else:
        render = store.render_story(pk)
        if render is None:  # taken off between the two queries
            return None
    return StoryRow(pk=pk, section_id=section_id, section_slug=section_slug, render=render)


def with_teasers(queryset, *variants, fields=()):
    """`queryset` (stories) reading, in its own query, the stored teasers `variants` and whether they are
    current; only the columns a list needs besides, and `fields`."""
    return queryset.only("id", "version", "published_at", "section_id", "is_featured", *fields).annotate(
        **_CHECK, **{f"_t_{v}": F(f"render__teaser_{v}") for v in variants})


def fill_teasers(stories, *variants):
    """Give each story of `stories` (read through with_teasers) its teasers as `teaser_<variant>` and the keys
    they show as `teaser_keys`; stories whose stored render is not current are rendered first (and stored)."""
    current = fragments.fingerprint()
    for story in stories:
        if _current(story._r_version, story.version, story._r_fingerprint, story._r_stale, current):
            story.teaser_keys = story._r_teasers_show.split()
            for variant in variants:
                setattr(story, f"teaser_{variant}", mark_safe(getattr(story, f"_t_{variant}")))  # noqa: S308
            continue
        render = store.render_story(story.pk)
        story.teaser_keys = render.teasers_show.split() if render else []
        for variant in variants:
            html = getattr(render, f"teaser_{variant}") if render else ""
            setattr(story, f"teaser_{variant}", mark_safe(html))  # noqa: S308 - rendered by our templates
    return stories
