from django.conf import settings


def newsroom(request):
    """The paper's name and address for every template."""
    return {"NEWSROOM_NAME": settings.NEWSROOM_NAME, "NEWSROOM_SITE_URL": settings.NEWSROOM_SITE_URL}
