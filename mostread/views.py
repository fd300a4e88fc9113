"""The view beacon's endpoint: cheap, quiet, never a 500, and it counts only public stories read by people."""
import logging

from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import beacon, counter

logger = logging.getLogger("newsroom.mostread")
TEXT = "text/plain; charset=utf-8"


def _no_content():
    return HttpResponse(status=204)


# No CSRF token: the beacon carries no cookie and changes nothing but a counter, and a forged count needs a
# ticket that only a public story page hands out. require_POST answers anything else with 405.
@csrf_exempt
@require_POST
@never_cache
def count(request):
    """Count one reading of a story: 204 whether counted or not (bots, reloads), 400 for junk."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = beacon.MAX_BODY + 1
    if length > beacon.MAX_BODY:
        return HttpResponseBadRequest(_("The request is too large."), content_type=TEXT)
    article_id = beacon.article_id_from(request.POST.get("ve", ""))
    if article_id is None:
        return HttpResponseBadRequest(_("Not a valid ticket."), content_type=TEXT)
    try:
        if beacon.is_bot(request):
            return _no_content()
        now = timezone.now()
        if beacon.is_public(article_id) and beacon.first_view_this_hour(request, article_id, counter.hour_of(now)):
            counter.count_view(article_id, now)
    except Exception:  # noqa: BLE001 - a reader's page never waits on, or sees, a counting failure
        logger.warning("A story view could not be counted", exc_info=True)
    return _no_content()
