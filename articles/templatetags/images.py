"""Template helpers for photos: the sources of a <picture>, from renditions made once and reused."""
from django import template

from .. import images

register = template.Library()


@register.simple_tag
def picture_sources(photo, crop="", sizes=""):
    """{% picture_sources photo crop="3x2" as pic %}: srcsets, sizes, src, width and height (or None).

    Reads prefetched renditions (images.with_renditions) or the cache; makes missing ones once.
    """
    return images.picture(photo, crop=crop or "", sizes=sizes or "")


@register.simple_tag
def photo_thumbnail_url(photo, crop=""):
    """The URL of a photo's smallest rendition."""
    return images.thumbnail_url(photo, crop=crop or "")
