"""Infrastructure middleware of the project (not tied to the newsroom's content)."""
import logging

from . import errors

logger = logging.getLogger("newsroom.faults")


class DatabaseFailureMiddleware:
    """Turn a database that cannot be reached into the Vietnamese 503 page, and log it.

    Only errors raised by a view (or while its template renders) reach process_exception; the same
    error raised elsewhere (in another middleware, or by the 404 page's menu) reaches handler500,
    which newsroom/errors.py turns into the same page. A cached public page is served before any query,
    so it never gets here. The next request finds Django's connection closed (it closes one that had
    errors at the end of the request) and connects again: nothing has to be restarted.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not errors.is_database_failure(exception):
            return None
        response = errors.database_unavailable(request)
        # A cut-off save is worth its traceback; a page view during an outage is one line, not thousands.
        logger.error("Database unavailable, answered 503 to %s %s: %s", request.method, request.path,
                     exception, exc_info=request.method not in errors.SAFE_METHODS)
        return response
