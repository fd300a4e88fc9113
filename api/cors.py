"""Cross-origin reads of the public API (/api/), for the partner sites and apps named in NEWSROOM_API_CORS_ORIGINS.

The API is read-only and public, and sends no cookies' worth of anything private (logged-in staff get
uncached answers of the same public data), so any origin may be allowed ("*", the default). A list of origins
narrows it; an empty setting sends no CORS headers at all. Preflights (a browser asking before a conditional
GET with If-None-Match) are answered here, before any view.
"""
from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

API_PREFIX = "/api/"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"
ALLOWED_HEADERS = "If-None-Match, If-Modified-Since, Accept, Accept-Language"
EXPOSED_HEADERS = "ETag, Last-Modified, Cache-Control"
PREFLIGHT_SECONDS = 86400


def allowed_origin(origin):
    """The Access-Control-Allow-Origin value for a request from `origin`, or None."""
    allowed = settings.NEWSROOM_API_CORS_ORIGINS
    if not origin or not allowed:
        return None
    if "*" in allowed:
        return "*"
    return origin if origin in allowed else None


class ApiCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        origin = request.headers.get("Origin")
        allow = allowed_origin(origin)
        preflight = request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
        response = HttpResponse(status=204) if preflight else self.get_response(request)
        if allow is not None:
            response["Access-Control-Allow-Origin"] = allow
            if preflight:
                response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
                response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
                response["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
            else:
                response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if settings.NEWSROOM_API_CORS_ORIGINS and "*" not in settings.NEWSROOM_API_CORS_ORIGINS:
            patch_vary_headers(response, ["Origin"])  # the answer depends on who asks
        return response
