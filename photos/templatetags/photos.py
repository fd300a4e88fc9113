"""Template helpers for photos: the sources of a <picture>, from renditions made once and reused."""
from django import template

from .. import renditions

register = template.Library()


@register.simple_tag
def picture_sources(photo, sizes=""):
    """{% picture_sources photo sizes="..." as pic %}: srcsets, sizes, src, width and height (or None).

    Reads prefetched renditions (renditions.with_renditions) or the cache; makes missing ones once.
    """
    return renditions.picture(photo, sizes=sizes or "")
