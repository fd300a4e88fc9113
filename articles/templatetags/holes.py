"""{% hole "name" key=value ... %}: a block filled in per request by the page cache (articles/holes.py)."""
from django import template

from .. import holes

register = template.Library()


@register.simple_tag(takes_context=True)
def hole(context, name, **params):
    """The hole's placeholder inside public_page; outside it (the staff preview), the block itself."""
    request = context.get("request")
    if getattr(request, "_newsroom_keys", None) is not None:
        return holes.placeholder(name, params)
    return holes.render_inline(name, params)
