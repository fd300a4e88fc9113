"""Old addresses answered where the site would say 404 (as django.contrib.redirects does)."""
from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.utils.cache import patch_cache_control

from newsroom.errors import DATABASE_ERRORS

from . import addresses


class RedirectFallbackMiddleware:
    """A 404 for GET or HEAD becomes a 301 to where the old address leads now, or the 410 of a taken-down story.

    Placed inside CommonMiddleware, so that an old address without its trailing slash is answered in one hop
    too (CommonMiddleware leaves a response that is no longer a 404 alone).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        try:
            where = addresses.destination(request.path, request.META.get("QUERY_STRING", ""))
        except DATABASE_ERRORS:
            return response  # the 404 stands; the database is someone else's alarm
        if where is None:
            return response
        if where is addresses.GONE:
            from articles.views import gone

            return gone(request)
        redirect = HttpResponsePermanentRedirect(where)
        # As long as a public page may be kept, so that a story moved again is followed soon everywhere.
        patch_cache_control(redirect, public=True, max_age=settings.NEWSROOM_BROWSER_CACHE_SECONDS)
        return redirect
