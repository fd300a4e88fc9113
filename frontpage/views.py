"""The home page: the arrangement live now (pins from the cached site state), through the page cache."""
from django.http import HttpResponse
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import cachekeys, seo
from articles.caching import public_page, shows, site_state
from articles.views import read_only, shows_teasers
from prerender import reads as prerender_reads
from prerender import shell

from . import arrangement, layouts

# The teasers the front page shows (prerender/fragments.py's TEASERS).
TEASERS = ("lead", "latest", "sublead", "pick", "pick_small")


def _stories_with_teasers(queryset):
    return prerender_reads.with_teasers(queryset, *TEASERS)


def front_page_context(*, pins, sections, now):
    """Everything home.html needs: the arranged stories with their stored teasers and the page's metadata (most
    read is a hole)."""
    page = arrangement.arrange(pins=pins, sections=sections, now=now, read=_stories_with_teasers)
    shown = {story.pk: story for story in [page["lead"], *page["subleads"], *page["latest"],
                                           *[s for block in page["blocks"] for s in block["stories"]]] if story}
    prerender_reads.fill_teasers(shown.values(), *TEASERS)
    name = seo.paper_name()
    meta = seo.PageMeta(
        title=_("%(paper)s - Local news and current affairs") % {"paper": name},
        description=_("The latest news from %(paper)s: current affairs, economy, society, culture, sport.") % {
            "paper": name},
        path="/", structured_data=seo.website_structured_data(),
    )
    return {**page, "shown": list(shown.values()), "meta": meta}


@read_only
@public_page
def home(request):
    state = site_state(request)
    context = front_page_context(pins=layouts.pins_from_state(state), sections=state["sections"], now=timezone.now())
    shows(request, cachekeys.HOME, cachekeys.LATEST)
    shows_teasers(request, context["shown"])
    meta = context["meta"]
    return HttpResponse(shell.page(
        request, title=meta.title, head=loader.render_to_string("_head_meta.html", context, request),
        json_ld=meta.json_ld, content=loader.render_to_string("articles/_home_content.html", context, request)))
