"""Xem thêm: the story page's related stories, a hole (articles/holes.py) assembled per request from shared parts.

Published stories of the same section or sharing a tag, newest first, never the story itself. The newest
RELATED_COUNT + 1 of the section and of each tag are parts of their own, shared by every story of that section
or tag and purged with its list (`section-N`, `tag-N-list`) and the stories they show; a story's block merges
them newest first and leaves the story out, with no database, so a story read for the first time costs no query
for its related block once its section's and tags' parts are cached.
"""
from django.db.models import Exists, OuterRef
from django.template.loader import get_template

from . import cachekeys, holes
from .caching import register_assembled_hole
from .models import Article

RELATED_COUNT = 6
# One to spare: the story being read may be among its section's or a tag's newest.
LISTED = RELATED_COUNT + 1
_FIELDS = ("title", "slug", "kicker", "published_at", "section__slug", "section__name")


def related_stories(*, section_id, tag_ids=(), exclude=None):
    """The related stories (one query): the newest of the section's and of each tag's, merged."""
    from .views import ids_of_any, newest

    published = Article.objects.published()
    if exclude is not None:
        published = published.exclude(pk=exclude)
    candidates = [newest(published.filter(section_id=section_id)).values("id")[:RELATED_COUNT]]
    if tag_ids:
        # Exists, not a join: a story with two of the tags would take two of the six places.
        sharing = Exists(Article.tags.through.objects.filter(article_id=OuterRef("pk"), tag_id__in=list(tag_ids)))
        candidates.append(newest(published.filter(sharing)).values("id")[:RELATED_COUNT])
    rows = newest(published.filter(ids_of_any(candidates))).select_related("section").only(*_FIELDS)
    return list(rows[:RELATED_COUNT])


def newest_listed(*, section_ids=(), tag_ids=()):
    """The newest LISTED published stories of each section and of each tag, all in one query:
    ({section id: stories}, {tag id: stories}), newest first."""
    from .views import ids_of_any, newest

    section_ids, tag_ids = list(section_ids), list(tag_ids)
    if not section_ids and not tag_ids:
        return {}, {}
    published = Article.objects.published()
    candidates = [newest(published.filter(section_id=pk)).values("id")[:LISTED] for pk in section_ids]
    candidates += [newest(published.filter(tags=pk)).values("id")[:LISTED] for pk in tag_ids]
    tagged = Article.tags.through.objects
    # Which of the tags each story has, to deal the rows out to the tags' lists.
    rows = newest(published.filter(ids_of_any(candidates))).select_related("section").only(*_FIELDS).annotate(
        **{f"_has_tag_{pk}": Exists(tagged.filter(article_id=OuterRef("pk"), tag_id=pk)) for pk in tag_ids})
    rows = list(rows)
    by_section = {pk: [r for r in rows if r.section_id == pk][:LISTED] for pk in section_ids}
    by_tag = {pk: [r for r in rows if getattr(r, f"_has_tag_{pk}")][:LISTED] for pk in tag_ids}
    return by_section, by_tag


def merged(lists, *, exclude=None):
    """The related items of the parts' lists, (published_at, id, html): newest first as related_stories, each
    once, never `exclude`."""
    items = {item[1]: item for listed in lists for item in listed if item[1] != exclude}
    return sorted(items.values(), key=lambda item: (item[0], item[1]), reverse=True)[:RELATED_COUNT]


def _ids(value):
    return [int(part) for part in str(value or "").split(".") if part.isdigit()][:20]


def render_lists(many):
    """The parts for [{'section': id} or {'tag': id}, ...]: [({'items': [(published_at, id, html)] newest first,
    'frame': the block's frame}, keys)]."""
    asked = []
    for params in many:
        section_ids, tag_ids = _ids(params.get("section")), _ids(params.get("tag"))
        asked.append(("section", section_ids[0]) if section_ids else ("tag", tag_ids[0]) if tag_ids else None)
    by_section, by_tag = newest_listed(section_ids={pk for kind, pk in filter(None, asked) if kind == "section"},
                                       tag_ids={pk for kind, pk in filter(None, asked) if kind == "tag"})
    template = get_template("articles/_related_story.html")
    frame = holes.frame("articles/_related.html", "related")
    parts = []
    for which in asked:
        if which is None:
            parts.append(({"items": [], "frame": frame}, []))
            continue
        kind, pk = which
        stories = by_section[pk] if kind == "section" else by_tag[pk]
        key = cachekeys.section(pk) if kind == "section" else cachekeys.tag_list(pk)
        items = [(story.published_at, story.pk, template.render({"story": story})) for story in stories]
        keys = sorted({key} | {cachekeys.story(story.pk) for story in stories})
        parts.append(({"items": items, "frame": frame}, keys))
    return parts


def parts(params):
    """The parts of the block for {'section': id, 'tags': 'id.id', 'exclude': story id}."""
    section_ids = _ids(params.get("section"))
    if not section_ids:
        return []
    return [("related-list", {"section": section_ids[0]})] + [
        ("related-list", {"tag": pk}) for pk in _ids(params.get("tags"))]


def assemble(params, lists):
    """The block from its parts, leaving out the story being read (no database, no template)."""
    if not lists:
        return ""  # no section
    exclude = _ids(params.get("exclude"))
    items = merged([listed["items"] for listed in lists], exclude=exclude[0] if exclude else None)
    return holes.Framed("articles/_related.html", "related", lists[0]["frame"],
                        [html for _published_at, _pk, html in items])


def listed(lists):
    """The ids of the stories the parts list (a story among none of them has the block of its section and tags)."""
    return {item[1] for listed in lists for item in listed["items"]}


def register():
    register_assembled_hole("related", parts=parts, assemble=assemble, part_renders={"related-list": render_lists},
                            leave_out=holes.LeaveOut("exclude", listed))


def hole_params(article, tag_ids):
    """What the article page's related hole is asked for (the story's section and tags, leaving the story out)."""
    return {"section": article.section_id, "tags": ".".join(str(pk) for pk in tag_ids), "exclude": article.pk}
