"""What the front page shows: its slots, and the stories in them (pinned, or the newest as a fallback).

Slots, in the order they are filled: the lead, a row of sub-leads, then each section's block of picks.
A slot's pin counts only while its story is public (Article.objects.published()) and the pin has not expired;
otherwise the slot takes the newest story not already in an earlier slot, so no story fills two slots. The
"Tin mới" list beside the lead is the plain chronological river (all but the lead), not a slot.
The candidates come in one query, whatever is pinned, compiled once per process (articles/compiled.py); their
teasers come after (prerender/reads.py), for the stories shown only.
"""
import dataclasses
from datetime import timedelta

from django.db import router
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from articles.compiled import CompiledQuery
from articles.models import Article
from articles.views import ids_of_any, newest
from prerender import reads

SUBLEADS = 4
SECTION_PICKS = 4
LATEST = 12
FEATURED_MAX_AGE = timedelta(days=3)  # a story marked featured leads, unpinned, for at most this long
LEAD = "lead"


def sublead_slots():
    return [f"sub-{n}" for n in range(1, SUBLEADS + 1)]


def section_slots(section_id):
    return [f"section-{section_id}-{n}" for n in range(1, SECTION_PICKS + 1)]


def slot_section(slot):
    """The section id a section-block slot belongs to, or None for the lead and sub-leads."""
    if not slot.startswith("section-"):
        return None
    return int(slot.split("-")[1])


def all_slots(sections):
    """Every slot key for the given sections (dicts or models with an id), in filling order."""
    keys = [LEAD, *sublead_slots()]
    for section in sections:
        keys += section_slots(section["id"] if isinstance(section, dict) else section.pk)
    return keys


def slot_label(slot, sections_by_id):
    if slot == LEAD:
        return _("Lead")
    if slot.startswith("sub-"):
        return _("Sub-lead %(number)s") % {"number": slot.split("-")[1]}
    _prefix, section_id, number = slot.split("-")
    section = sections_by_id.get(int(section_id))
    return _("%(section)s, pick %(number)s") % {"section": section.name if section else "?", "number": number}


@dataclasses.dataclass(frozen=True)
class PinnedStory:
    """A pin as the site state keeps it: plain values, the expiry as a POSIX timestamp."""

    slot: str
    article_id: int
    expires: float | None = None

    def active(self, now) -> bool:
        return self.expires is None or now.timestamp() < self.expires


def candidates(*, now, featured_since, section_ids, ids):
    """Every story the front page may show at `now`, newest first (LISTED columns): enough of the newest to fill
    every slot even when all pins are gone and the lead and sub-leads all come from one section, the newest
    featured one, each section's newest, and the pinned stories `ids`; only those public at `now`."""
    published = Article.objects.published(now=now)
    spare = 1 + SUBLEADS
    wanted = [newest(published).values("id")[:LATEST + spare],
              newest(published.filter(is_featured=True, published_at__gte=featured_since)).values("id")[:1]]
    wanted += [newest(published.filter(section_id=pk)).values("id")[:SECTION_PICKS + spare] for pk in section_ids]
    condition = ids_of_any(wanted)
    if ids:
        condition |= Q(id__in=ids)
    return newest(published.filter(condition)).values_list(*reads.LISTED)


_CANDIDATES = CompiledQuery("front page", candidates, prepare=True)


def arrange(*, pins, sections, now):
    """The front page at `now`: lead, sub-leads, latest stories and section blocks, from pins and fallbacks.

    `pins` are PinnedStory values (expired ones are ignored), `sections` the menu's dicts (id, name, slug).
    The stories are prerender.reads.Listed values, their teasers not yet given (fill_teasers does that).
    """
    pinned = {p.slot: p.article_id for p in pins if p.active(now)}
    stories = reads.listed(_CANDIDATES.rows(
        using=router.db_for_read(Article), now=now, featured_since=now - FEATURED_MAX_AGE,
        section_ids=[s["id"] for s in sections], ids=sorted(set(pinned.values()))))
    by_id = {story.pk: story for story in stories}
    # A story pinned anywhere is kept for its own slot: earlier slots do not take it as their fallback.
    reserved = {article_id for article_id in pinned.values() if article_id in by_id}
    shown = set()

    def take(slot, fallback):
        story = by_id.get(pinned.get(slot))
        if story is None or story.pk in shown:
            story = next((s for s in fallback if s.pk not in shown and s.pk not in reserved), None)
        if story is not None:
            shown.add(story.pk)
        return story

    featured = [s for s in stories if s.is_featured and s.published_at >= now - FEATURED_MAX_AGE][:1]
    lead = take(LEAD, featured + stories)
    subleads = [story for story in (take(slot, stories) for slot in sublead_slots()) if story]
    # "Tin mới" is the chronological river beside the lead: every newest story but the lead, sub-leads included.
    latest = [s for s in stories if s is not lead][:LATEST]
    by_section = {}
    for story in stories:
        by_section.setdefault(story.section_id, []).append(story)
    blocks = []
    for section in sections:
        own = by_section.get(section["id"], [])
        picks = [story for story in (take(slot, own) for slot in section_slots(section["id"])) if story]
        if picks:
            # Lazy: a cut front page (frontpage/views.py) never needs it again.
            url = reverse_lazy("articles:section", kwargs={"slug": section["slug"]})
            blocks.append({"section": section, "url": url, "stories": picks})
    return {"lead": lead, "subleads": subleads, "latest": latest, "blocks": blocks}
