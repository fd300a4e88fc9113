"""Template helpers for photos: the sources of a <picture>, from renditions made once and reused."""
from django import template
from django.utils.html import format_html

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


@register.simple_tag
def picture_preload(photo, crop="", sizes=""):
    """A <link rel=preload> for the lead photo, for {% block head %}: the browser fetches it before layout."""
    pic = images.picture(photo, crop=crop or "", sizes=sizes or "")
    if pic is None:
        return ""
    if pic.webp_srcset:
        return format_html('<link rel="preload" as="image" type="image/webp" imagesrcset="{}" imagesizes="{}" '
                           'fetchpriority="high">', pic.webp_srcset, pic.sizes)
    return format_html('<link rel="preload" as="image" href="{}" fetchpriority="high">', pic.src)
