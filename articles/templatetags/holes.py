"""{% hole "name" key=value ... %}: a block filled in per request by the page cache (articles/holes.py)."""
from django import template
from django.utils.html import format_html

from .. import holes

register = template.Library()


@register.simple_tag(takes_context=True)
def hole(context, name, **params):
    """The hole's placeholder inside public_page; outside it (the staff preview), the block itself."""
    request = context.get("request")
    if getattr(request, "_newsroom_keys", None) is not None:
        return holes.placeholder(name, params)
    return holes.render_inline(name, params)


def story_page_end(article_id, related_params, *, placeholders=True, preview=False):
    """What a story page shows after the story: related stories and most read, and except in a preview the view
    beacon. The blocks are holes: placeholders inside public_page (filled per response), the blocks themselves
    elsewhere (the staff preview). The story view calls this directly, without a template (0.2 ms a cold page)."""
    from mostread import beacon

    def block(name, params):
        return holes.placeholder(name, params) if placeholders else holes.render_inline(name, params)

    return format_html("{}\n{}\n{}", block("related", related_params), block("most-read", {"leave_out": article_id}),
                       "" if preview else beacon.script(article_id))


@register.simple_tag(takes_context=True, name="story_page_end")
def story_page_end_tag(context, article, related_params, preview=False):
    request = context.get("request")
    return story_page_end(article.pk, related_params, preview=preview,
                          placeholders=getattr(request, "_newsroom_keys", None) is not None)
