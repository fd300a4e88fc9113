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


def front_page_context(*, pins, sections, now):
    """The arranged stories with their stored teasers: what _home_content.html needs (most read is a hole)."""
    page = arrangement.arrange(pins=pins, sections=sections, now=now)
    shown = {story.pk: story for story in [page["lead"], *page["subleads"], *page["latest"],
                                           *[s for block in page["blocks"] for s in block["stories"]]] if story}
    prerender_reads.fill_teasers(shown.values(), *TEASERS)
    return {**page, "shown": list(shown.values())}


def home_meta():
    """The home page's title, description and structured data: the site state alone decides them."""
    name = seo.paper_name()
    return seo.PageMeta(
        title=_("%(paper)s - Local news and current affairs") % {"paper": name},
        description=_("The latest news from %(paper)s: current affairs, economy, society, culture, sport.") % {
            "paper": name},
        path="/", structured_data=seo.website_structured_data(),
    )


class _Mark:
    """A story in the cut front page: its teasers are shell.FRAGMENT."""

    teaser_lead = teaser_latest = teaser_sublead = teaser_pick = teaser_pick_small = shell.FRAGMENT


def home_content(request, context) -> str:
    """_home_content.html for `context`: the template cut once per site state and arrangement shape
    (prerender/shell.py), the stories' stored teasers joined in per request."""
    lead, latest, subleads, blocks = context["lead"], context["latest"], context["subleads"], context["blocks"]
    structure = (lead is not None, len(latest), len(subleads),
                 tuple((block["section"]["id"], len(block["stories"])) for block in blocks))
    mark = _Mark()
    skeleton = {
        "lead": mark if lead else None, "latest": [mark] * len(latest), "subleads": [mark] * len(subleads),
        "blocks": [{**block, "stories": [mark] * len(block["stories"])} for block in blocks],
    }
    pieces = shell.cut_content(request, "articles/_home_content.html", skeleton, structure)
    teasers = ([lead.teaser_lead] if lead else []) + [s.teaser_latest for s in latest]
    teasers += [s.teaser_sublead for s in subleads]
    for block in blocks:
        teasers += [s.teaser_pick if n == 0 else s.teaser_pick_small for n, s in enumerate(block["stories"])]
    return shell.join_content(pieces, teasers)


@read_only
@public_page
def home(request):
    state = site_state(request)
    context = front_page_context(pins=layouts.pins_from_state(state), sections=state["sections"], now=timezone.now())
    shows(request, cachekeys.HOME, cachekeys.LATEST)
    shows_teasers(request, context["shown"])

    def frame():
        """The title, head tags and JSON-LD: what the site state alone decides (the paper's name), made once per
        state."""
        meta = home_meta()
        return meta.title, loader.render_to_string("_head_meta.html", {"meta": meta}, request), meta.json_ld

    title, head, json_ld = shell.per_state(request, ("home frame",), frame)
    return HttpResponse(shell.page(request, title=title, head=head, json_ld=json_ld,
                                   content=home_content(request, context)))
