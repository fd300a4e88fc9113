"""What the site answers when a request fails outside a view's care: a refused request (400), a database
that cannot be reached (503), and the 500 page that hands over to the 503 when the database was the cause.

Each page is rendered from its template alone, without the request context: the context processors read
the site state, and through it the database, which may be exactly what failed.
"""
import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template import loader
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("newsroom.faults")

# Django wraps the driver's errors in its own when they pass through a cursor or a connect(); psycopg2's
# are listed too for the rare driver call that does not.
DATABASE_ERRORS = (OperationalError, InterfaceError)
try:
    import psycopg2
except ImportError:  # SQLite-only installs
    pass
else:
    DATABASE_ERRORS += (psycopg2.OperationalError, psycopg2.InterfaceError)

# A restart or a failover of PostgreSQL takes seconds; readers and crawlers that honour Retry-After come
# back after this many.
RETRY_AFTER_SECONDS = 30
# Requests that send nothing to keep; any other method was a form or an API write that did not happen.
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def is_database_failure(error) -> bool:
    """Whether an exception means the database could not be reached or dropped the connection."""
    return isinstance(error, DATABASE_ERRORS)


def _drop_queued_messages(request):
    # The view may have queued "Đã lưu bài..." before the write that failed; shown on the next page, it would
    # contradict this one. Reading the storage marks its messages as shown, so none is kept for later.
    storage = getattr(request, "_messages", None)
    if storage is not None:
        try:
            list(storage)
        except DATABASE_ERRORS:  # messages kept in the session: nothing can be stored then either
            pass


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After, in Vietnamese; a form sent now is told plainly that nothing was saved."""
    _drop_queued_messages(request)
    context = {
        "NEWSROOM_NAME": settings.NEWSROOM_NAME,
        "not_saved": request.method not in SAFE_METHODS,
        "retry_after": RETRY_AFTER_SECONDS,
    }
    response = HttpResponse(loader.get_template("503.html").render(context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Never kept by a browser or a CDN: the site is back in seconds and must not keep answering this.
    add_never_cache_headers(response)
    return response


def server_error(request):
    """handler500: the 503 page when the database failed (a 404 page's menu, a middleware), else the 500 page."""
    # Django calls the handler inside its `except` block, so the exception being handled is still at hand.
    if is_database_failure(sys.exc_info()[1]):
        return database_unavailable(request)
    from articles.views import server_error as site_server_error

    return site_server_error(request)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}".replace(".", ",") + " MB"


def bad_request(request, exception=None):
    """handler400 in Vietnamese: a form over DATA_UPLOAD_MAX_MEMORY_SIZE is told the limit and that it was not kept."""
    context = {
        "NEWSROOM_NAME": settings.NEWSROOM_NAME,
        "too_big": isinstance(exception, RequestDataTooBig),
        "limit": _megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
    }
    return HttpResponseBadRequest(loader.get_template("400.html").render(context))
