from django import template

from mostread import beacon

register = template.Library()


@register.simple_tag
def view_beacon(article):
    """The deferred script that counts a reading of this story (story pages only, never previews)."""
    return beacon.script(article.pk)
