"""The home page: the arrangement live now (pins from the cached site state), through the page cache."""
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import cachekeys, seo
from articles.caching import public_page, shows, site_state
from articles.views import read_only, shows_teasers

from . import arrangement, layouts


def front_page_context(*, pins, sections, now):
    """Everything home.html needs: the arranged stories and the page's metadata (most read is a hole)."""
    page = arrangement.arrange(pins=pins, sections=sections, now=now)
    name = seo.paper_name()
    meta = seo.PageMeta(
        title=_("%(paper)s - Local news and current affairs") % {"paper": name},
        description=_("The latest news from %(paper)s: current affairs, economy, society, culture, sport.") % {
            "paper": name},
        path="/", structured_data=seo.website_structured_data(),
    )
    return {**page, "meta": meta}


@read_only
@public_page
def home(request):
    state = site_state(request)
    context = front_page_context(pins=layouts.pins_from_state(state), sections=state["sections"], now=timezone.now())
    shows(request, cachekeys.HOME, cachekeys.LATEST)
    shown = [context["lead"], *context["subleads"], *context["latest"]]
    shows_teasers(request, [story for story in shown if story] + [s for b in context["blocks"] for s in b["stories"]])
    return render(request, "articles/home.html", context)
