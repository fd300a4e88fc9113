from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html

from mostread import beacon

register = template.Library()


@register.simple_tag
def view_beacon(article):
    """The deferred script that counts a reading of this story (story pages only, never previews)."""
    return format_html('<script src="{}" defer data-endpoint="{}" data-ticket="{}"></script>',
                       static("mostread/beacon.js"), reverse("mostread:count"), beacon.ticket(article.pk))
