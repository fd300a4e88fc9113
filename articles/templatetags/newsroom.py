from django import template
from django.urls import reverse

from .. import richtext, text

register = template.Library()


@register.filter
def vn_datetime(value):
    """Render a datetime as 'Thứ Tư, 22/7/2020 - 08:30' in the newsroom's time zone."""
    return text.vietnamese_datetime(value)


@register.filter
def trusted_body_html(block):
    """A block of a body that Article.save() has already passed through richtext.sanitize_html."""
    return richtext.trusted(block)


@register.simple_tag
def section_url(section):
    """The address of a section given as a model or as the cached menu's {'slug': ...} dict."""
    slug = section["slug"] if isinstance(section, dict) else section.slug
    return reverse("articles:section", kwargs={"slug": slug})


@register.filter
def iso_datetime(value):
    """ISO 8601 to the whole second for <time datetime> and meta tags (the HTML validator refuses microseconds)."""
    return text.iso_datetime(value)
