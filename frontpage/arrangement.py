"""What the front page shows: its slots, and the stories in them (pinned, or the newest as a fallback).

Slots, in the order they are filled: the lead, a row of sub-leads, then each section's block of picks.
A slot's pin counts only while its story is public (Article.objects.published()) and the pin has not expired;
otherwise the slot takes the newest story not already in an earlier slot, so no story fills two slots. The
"Tin mới" list beside the lead is the plain chronological river (all but the lead), not a slot.
The stories come in one query (ids of every candidate, then the teasers), whatever is pinned.
"""
import dataclasses
from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from articles.views import for_teasers, ids_of_any, newest

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


def arrange(*, pins, sections, now, also=(), read=for_teasers):
    """The front page at `now`: lead, sub-leads, latest stories and section blocks, from pins and fallbacks.

    `pins` are PinnedStory values (expired ones are ignored), `sections` the menu's dicts (id, name, slug).
    The stories `also` (ids, e.g. the most-read list) come in the same query, those public under "also" by id.
    `read` makes the one query's stories from a queryset (by default with what the teaser template shows).
    """
    published = Article.objects.published(now=now)
    pinned = {p.slot: p.article_id for p in pins if p.active(now)}
    # Enough of the newest to fill every slot even when all pins are gone and the lead and sub-leads all
    # come from one section.
    spare = 1 + SUBLEADS
    wanted = [newest(published).values("id")[:LATEST + spare],
              newest(published.filter(is_featured=True, published_at__gte=now - FEATURED_MAX_AGE)).values("id")[:1]]
    wanted += [newest(published.filter(section_id=s["id"])).values("id")[:SECTION_PICKS + spare] for s in sections]
    condition = ids_of_any(wanted)
    if pinned or also:
        condition |= Q(id__in=sorted(set(pinned.values()) | set(also)))
    stories = list(newest(read(published.filter(condition))))
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
    blocks = []
    for section in sections:
        own = [s for s in stories if s.section_id == section["id"]]
        picks = [story for story in (take(slot, own) for slot in section_slots(section["id"])) if story]
        if picks:
            blocks.append({"section": section, "url": reverse("articles:section", kwargs={"slug": section["slug"]}),
                           "stories": picks})
    return {"lead": lead, "subleads": subleads, "latest": latest, "blocks": blocks,
            "also": {i: by_id[i] for i in also if i in by_id}}
