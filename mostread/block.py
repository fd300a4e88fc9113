"""Đọc nhiều as a hole (articles/holes.py): cached on its own, filled into the home and story pages per request.

The block shows the most-read key and each story it lists: a flush of the counts purges `most-read`, a story
taken down purges its own key, and a publish elsewhere leaves it alone.
"""
from django.conf import settings
from django.template.loader import render_to_string

from articles import cachekeys
from articles.models import Article

from . import ranking


def render(params):
    """The block, leaving out the story `leave_out` (the one being read): (html, keys)."""
    leave_out = params.get("leave_out", "")
    ids = ranking.ranking_ids()
    stories = {}
    if ids:
        stories = {a.pk: a for a in Article.objects.published().filter(pk__in=ids).select_related("section")
                   .only("title", "slug", "section__slug")}
    shown = ranking.pick(ids, stories, leave_out=int(leave_out) if leave_out.isdigit() else None)
    keys = {cachekeys.MOST_READ} | {cachekeys.story(story.pk) for story in shown}
    return render_to_string("mostread/_block.html", {"most_read": shown}), sorted(keys)


def register():
    from articles.caching import register_hole

    # Kept as long as the ranking it shows (NEWSROOM_MOST_READ_SECONDS); a flush purges it sooner.
    register_hole("most-read", render, seconds=settings.NEWSROOM_MOST_READ_SECONDS)
