"""The page cache's early door: hits answered before URL resolution (articles/caching.py decides what a hit is)."""
from . import caching


class PageCacheMiddleware:
    """Answer a stored public page before the URL is resolved and the view's wrappers run; anything else goes on.

    Last in MIDDLEWARE (innermost), so every other middleware's request and response work runs on a hit exactly
    as on a hit answered by the view's public_page: only URL resolution and the view wrappers are skipped. Only
    bare requests (no query string, no session cookie) and only pages this process holds in its local level
    (NEWSROOM_PAGE_CACHE_LOCAL_SECONDS) are answered here (caching.early_response): everything else goes to the
    view without a round trip to the shared cache spent on it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = caching.early_response(request)
        if response is None:
            response = self.get_response(request)
        return response
