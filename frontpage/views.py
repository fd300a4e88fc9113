"""The home page: the arrangement live now (pins from the cached site state), through the page cache."""
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import seo
from articles.caching import public_page, site_state
from articles.views import read_only
from mostread import ranking

from . import arrangement, layouts


def front_page_context(*, pins, sections, now):
    """Everything home.html needs: the arranged stories, the most-read list and the page's metadata."""
    most_read_ids = ranking.ranking_ids(now)
    page = arrangement.arrange(pins=pins, sections=sections, now=now, also=most_read_ids)
    name = seo.paper_name()
    meta = seo.PageMeta(
        title=_("%(paper)s - Local news and current affairs") % {"paper": name},
        description=_("The latest news from %(paper)s: current affairs, economy, society, culture, sport.") % {
            "paper": name},
        path="/", structured_data=seo.website_structured_data(),
    )
    return {**page, "most_read": ranking.pick(most_read_ids, page["also"]), "meta": meta}


@read_only
@public_page
def home(request):
    state = site_state(request)
    context = front_page_context(pins=layouts.pins_from_state(state), sections=state["sections"], now=timezone.now())
    return render(request, "articles/home.html", context)
