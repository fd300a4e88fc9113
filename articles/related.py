"""Xem thêm: the story page's related stories, a hole (articles/holes.py) cached per story and filled per request.

Published stories of the same section or sharing a tag, newest first, never the story itself. The block shows
the section's and the tags' lists and each story it links, so a publish in the section purges the block, not
the story pages around it.
"""
from django.template.loader import render_to_string

from . import cachekeys
from .caching import register_hole
from .models import Article

RELATED_COUNT = 6


def related_stories(*, section_id, tag_ids=(), exclude=None):
    """The related stories (one query): the newest of the section's and of each tag's, merged."""
    from .views import ids_of_any, newest

    published = Article.objects.published()
    if exclude is not None:
        published = published.exclude(pk=exclude)
    candidates = [newest(published.filter(section_id=section_id)).values("id")[:RELATED_COUNT]]
    if tag_ids:
        candidates.append(newest(published.filter(tags__in=list(tag_ids))).values("id")[:RELATED_COUNT])
    rows = newest(published.filter(ids_of_any(candidates))).select_related("section").only(
        "title", "slug", "kicker", "published_at", "section__slug", "section__name")
    return list(rows[:RELATED_COUNT])


def _ids(value):
    return [int(part) for part in str(value or "").split(".") if part.isdigit()][:20]


def render(params):
    """The block for {'section': id, 'tags': 'id.id', 'exclude': story id}: (html, keys)."""
    section_ids, tag_ids, exclude = _ids(params.get("section")), _ids(params.get("tags")), _ids(params.get("exclude"))
    if not section_ids:
        return "", []
    stories = related_stories(section_id=section_ids[0], tag_ids=tag_ids, exclude=exclude[0] if exclude else None)
    keys = {cachekeys.section(section_ids[0])} | {cachekeys.tag_list(pk) for pk in tag_ids}
    keys |= {cachekeys.story(story.pk) for story in stories}
    return render_to_string("articles/_related.html", {"related": stories}), sorted(keys)


def register():
    register_hole("related", render)


def hole_params(article, tags):
    """What the article page's related hole is asked for."""
    return {"section": article.section_id, "tags": ".".join(str(t.pk) for t in tags), "exclude": article.pk}
