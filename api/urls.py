from functools import wraps

from django.urls import URLPattern, include, path

from articles.views import read_only

from .views import api, index


def _as_public_page(view):
    """An API route answering methods as every public page does (articles.views.read_only): GET, and HEAD as
    a GET whose body the server drops; 405 with Allow: GET, HEAD to anything else, without a CSRF 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method != "HEAD":
            return view(request, *args, **kwargs)
        request.method = "GET"  # Ninja routes by method and has no HEAD of its own
        try:
            return view(request, *args, **kwargs)
        finally:
            request.method = "HEAD"

    return read_only(wrapped)


_patterns, _app_name, _namespace = api.urls
urlpatterns = [
    path("api/v1/", include(([
        URLPattern(pattern.pattern, _as_public_page(index if pattern.name == "api-root" else pattern.callback),
                   pattern.default_args, pattern.name)
        for pattern in _patterns
    ], _app_name), namespace=_namespace)),
]
