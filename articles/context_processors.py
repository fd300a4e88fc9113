from django.conf import settings

from .caching import site_state


def newsroom(request):
    """The paper's name and address, and the section menu (read lazily, from the cached site state)."""
    return {
        "NEWSROOM_NAME": settings.NEWSROOM_NAME,
        "NEWSROOM_SITE_URL": settings.NEWSROOM_SITE_URL,
        "nav_sections": lambda: site_state(request)["sections"],
    }
