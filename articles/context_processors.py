from django.conf import settings
from django.utils.functional import SimpleLazyObject

from masthead import identity

from .caching import site_state


def newsroom(request):
    """The paper's name, masthead and address, and the section menu (read lazily, from the cached site state)."""
    paper = SimpleLazyObject(lambda: identity.current(request))
    return {
        "NEWSROOM_NAME": SimpleLazyObject(lambda: paper.paper_name),
        "NEWSROOM_SITE_URL": settings.NEWSROOM_SITE_URL,
        "masthead": paper,
        "nav_sections": lambda: site_state(request)["sections"],
    }
