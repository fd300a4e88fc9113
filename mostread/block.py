"""Đọc nhiều as a hole (articles/holes.py): one part, filled into the home and story pages per request.

The part lists the most-read public stories with one to spare, rendered once for every page; the story being
read is left out when a page is filled, with no database. The part shows the most-read key and each story it
lists: a flush of the counts purges `most-read`, a story taken down purges its own key, and a publish elsewhere
leaves it alone.
"""
from django.conf import settings
from django.template.loader import get_template

from articles import cachekeys, holes
from articles.models import Article

from . import ranking


def render_list(many):
    """The part (it takes no parameters): [({'items': (id, html) of the SHOWN + 1 most-read public stories, best
    first, 'frame': the block's frame}, keys)]."""
    ids = ranking.ranking_ids()
    stories = {}
    if ids:
        stories = {a.pk: a for a in Article.objects.published().filter(pk__in=ids).select_related("section")
                   .only("title", "slug", "section__slug")}
    listed = ranking.pick(ids, stories, count=ranking.SHOWN + 1)
    template = get_template("mostread/_block_story.html")
    keys = {cachekeys.MOST_READ} | {cachekeys.story(story.pk) for story in listed}
    items = [(story.pk, template.render({"story": story})) for story in listed]
    part = ({"items": items, "frame": holes.frame("mostread/_block.html", "most_read")}, sorted(keys))
    return [part for _params in many]


def parts(params):
    return [("most-read-list", {})]


def assemble(params, values):
    """The block, leaving out the story `leave_out` (the one being read): no database, no template."""
    leave_out = params.get("leave_out", "")
    leave_out = int(leave_out) if leave_out.isdigit() else None
    listed = values[0]
    shown = [html for pk, html in listed["items"] if pk != leave_out][:ranking.SHOWN]
    return holes.Framed("mostread/_block.html", "most_read", listed["frame"], shown)


def listed(values):
    return {pk for pk, _html in values[0]["items"]}


def register():
    from articles.caching import register_assembled_hole

    # Kept as long as the ranking it shows (NEWSROOM_MOST_READ_SECONDS); a flush purges it sooner.
    register_assembled_hole("most-read", parts=parts, assemble=assemble,
                            part_renders={"most-read-list": render_list}, seconds=settings.NEWSROOM_MOST_READ_SECONDS,
                            leave_out=holes.LeaveOut("leave_out", listed))
