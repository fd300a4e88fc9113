"""Every change to the front page: save a layout (draft, now, or at a time), bring an earlier one back, cancel.

The one door, like articles/workflow.py for stories: the admin calls these, they check who asks and what is
pinned, and a change the public can see purges the page cache after the commit. The live layout's pins travel
in the cached site state (articles/caching.py), so the home page reads no layout row per request; the state
expires at the next scheduled switch or pin expiry, so both happen by themselves.
"""
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import roles
from articles import cachekeys
from articles.caching import purge_keys, refresh_state
from articles.models import Article, Section, Status

from . import arrangement
from .models import Layout, Pin


class FrontPageError(Exception):
    """A change refused, with the reason an editor reads (and a list of them when several)."""

    def __init__(self, *messages):
        super().__init__(" ".join(str(m) for m in messages))
        self.messages = [str(m) for m in messages]


def _check_editor(user):
    if not roles.may_arrange_front_page(user):
        raise PermissionDenied(_("Only editors may change the front page."))


def _check_pins(pins, *, goes_live_at):
    """Refuse unknown slots, a story twice, a story the public cannot see by then, a pick from another section."""
    errors = []
    sections = list(Section.objects.values("id"))
    known = set(arrangement.all_slots(sections))
    ids = [article_id for article_id, _expires in pins.values()]
    if len(ids) != len(set(ids)):
        errors.append(_("A story can stand in one slot only."))
    stories = {a.pk: a for a in Article.objects.filter(pk__in=ids, status=Status.PUBLISHED,
                                                       published_at__lte=goes_live_at).only("id", "section_id")}
    for slot, (article_id, expires_at) in pins.items():
        if slot not in known:
            errors.append(_("There is no slot “%(slot)s” on the front page.") % {"slot": slot})
            continue
        story = stories.get(article_id)
        if story is None:
            errors.append(_("Story #%(id)s is not published, so it cannot go on the front page.") % {"id": article_id})
            continue
        section_id = arrangement.slot_section(slot)
        if section_id is not None and story.section_id != section_id:
            errors.append(_("Story #%(id)s belongs to another section than its block.") % {"id": article_id})
        if expires_at is not None and expires_at <= goes_live_at:
            errors.append(_("A pin's end (story #%(id)s) must come after the layout goes live.") % {"id": article_id})
    if errors:
        raise FrontPageError(*errors)


def _purge():
    """The pins live in the site state: rebuild it, and purge the front page (now and after the commit)."""
    refresh_state()
    purge_keys({cachekeys.HOME})


@transaction.atomic
def layout_save(*, pins, by, kind, goes_live_at=None, restored_from=None) -> Layout:
    """Save the arrangement `pins` ({slot: (article id, expires_at or None)}) as a new layout."""
    _check_editor(by)
    now = timezone.now()
    if kind == Layout.Kind.SCHEDULE:
        if goes_live_at is None or goes_live_at <= now:
            raise FrontPageError(_("A scheduled switch needs a time in the future."))
    elif kind in (Layout.Kind.PUBLISH, Layout.Kind.RESTORE):
        goes_live_at = now
    else:
        goes_live_at = None
    if restored_from is None:  # a layout brought back is restored as it was, expired pins and all
        _check_pins(pins, goes_live_at=goes_live_at or now)
    layout = Layout.objects.create(kind=kind, goes_live_at=goes_live_at, restored_from=restored_from, created_by=by,
                                   created_at=now)
    Pin.objects.bulk_create(Pin(layout=layout, slot=slot, article_id=article_id, expires_at=expires_at)
                            for slot, (article_id, expires_at) in pins.items())
    if goes_live_at is not None:
        _purge()
    return layout


def pins_of(layout):
    """{slot: (article id, expires_at)} of a saved layout."""
    return {p.slot: (p.article_id, p.expires_at) for p in layout.pins.all()}


def layout_restore(*, layout, by) -> Layout:
    """Bring an earlier layout back on the front page now (as a new layout, so this too can be undone)."""
    return layout_save(pins=pins_of(layout), by=by, kind=Layout.Kind.RESTORE, restored_from=layout)


def layout_undo(*, by) -> Layout:
    """Undo the last change on the front page: the layout live before the current one comes back."""
    _check_editor(by)
    live = list(Layout.objects.live()[:2])
    if len(live) < 2:
        raise FrontPageError(_("There is no earlier front page to go back to."))
    return layout_restore(layout=live[1], by=by)


@transaction.atomic
def layout_cancel(*, layout, by) -> Layout:
    """Call off a scheduled switch; the layout stays in the log as a cancelled draft."""
    _check_editor(by)
    layout = Layout.objects.select_for_update().get(pk=layout.pk)
    if layout.goes_live_at is None or layout.goes_live_at <= timezone.now():
        raise FrontPageError(_("Only a switch still ahead can be cancelled."))
    layout.goes_live_at, layout.cancelled_by, layout.cancelled_at = None, by, timezone.now()
    layout.save(update_fields=["goes_live_at", "cancelled_by", "cancelled_at"])
    _purge()
    return layout


# --- The site state's part (articles/caching.py) ------------------------------------------------------------

def state_part(now):
    """The live layout's pins as plain values, and when the front page next changes by itself (one query)."""
    live = Layout.objects.live(now).values("id")[:1]
    upcoming = Layout.objects.scheduled(now).values("id")[:1]
    rows = (Layout.objects.filter(Q(pk=Subquery(live)) | Q(pk=Subquery(upcoming)))
            .values_list("pk", "goes_live_at", "pins__slot", "pins__article_id", "pins__expires_at"))
    pins, changes = [], []
    for _pk, goes_live_at, slot, article_id, expires_at in rows:
        if goes_live_at > now:
            changes.append(goes_live_at)  # the next scheduled switch
        elif slot is not None:
            pins.append((slot, article_id, expires_at.timestamp() if expires_at else None))
            if expires_at and expires_at > now:
                changes.append(expires_at)
    return tuple(sorted(pins)), min(changes) if changes else None


def pins_from_state(state):
    """The live pins the site state holds, as arrangement.PinnedStory values."""
    return [arrangement.PinnedStory(slot, article_id, expires) for slot, article_id, expires in state.get("frontpage", ())]


def pins_for_preview(layout):
    return [arrangement.PinnedStory(p.slot, p.article_id, p.expires_at.timestamp() if p.expires_at else None)
            for p in layout.pins.all()]
