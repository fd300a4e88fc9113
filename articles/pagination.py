"""Keyset pagination for lists of stories: page 5000 of a section costs what page 1 costs.

A page is named by the story it continues from (`?truoc=<cursor>` for older stories, `?sau=<cursor>`
for newer ones), never by an OFFSET, so the database seeks straight into the (published_at, id) index.
A cursor URL always shows the same stories, which also makes it a good cache key; only cursors naming a
story of the list are accepted, so there are at most two pages per story to cache.
"""
import datetime
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

PAGE_SIZE = 20
NO_SUCH_PAGE = _("This page does not exist.")
_CURSOR = re.compile(r"^(\d{1,17})-(\d{1,18})$")


def make_cursor(article) -> str:
    """'<microseconds since 1970>-<id>' for a story's place in a newest-first list."""
    stamp = article.published_at
    micros = (stamp - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)) // datetime.timedelta(microseconds=1)
    return f"{micros}-{article.pk}"


def parse_cursor(value):
    """(published_at, id) from a cursor, or None for anything malformed or out of range."""
    match = _CURSOR.match(value or "")
    if not match:
        return None
    try:
        stamp = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(
            microseconds=int(match.group(1)))
    except OverflowError:
        return None
    if stamp.year > 9000:
        return None
    return stamp, int(match.group(2))


@dataclass
class StoryPage:
    stories: list = field(default_factory=list)
    older: str | None = None  # cursor for the next (older) page
    newer: str | None = None  # cursor for the previous (newer) page
    is_first: bool = True

    def __iter__(self):
        return iter(self.stories)

    def __len__(self):
        return len(self.stories)

    @property
    def has_other_pages(self):
        return bool(self.older or self.newer)


def page_query(queryset, direction, stamp=None, pk=None, size=PAGE_SIZE):
    """The sliced queryset a page reads: the first page (`direction` None), or from the story at (stamp, pk) on,
    that story first, towards older stories ("truoc") or newer ones ("sau")."""
    if direction is None:
        return queryset.order_by("-published_at", "-id")[:size + 1]
    # The named story itself comes first in each query: one query both checks the cursor and reads the page.
    if direction == "truoc":
        return (queryset.filter(Q(published_at__lt=stamp) | Q(published_at=stamp, id__lte=pk))
                .order_by("-published_at", "-id")[:size + 2])
    return (queryset.filter(Q(published_at__gt=stamp) | Q(published_at=stamp, id__gte=pk))
            .order_by("published_at", "id")[:size + 2])


def story_page(stories, params, size=PAGE_SIZE) -> StoryPage:
    """One page of `stories` (published stories, any filter) newest first, placed by the request's cursor.

    `stories` is a queryset, or a function of (direction, stamp, pk, size) answering page_query's rows (a list
    compiled once, prerender/reads.py). The cursor must name a story of this list exactly as make_cursor wrote it;
    anything else answers 404, so made-up cursors cannot each become a page of their own in the cache.
    """
    read = stories if callable(stories) else (
        lambda direction, stamp, pk, size: list(page_query(stories, direction, stamp, pk, size)))
    given = [name for name in ("truoc", "sau") if name in params]
    if len(given) > 1:
        raise Http404(NO_SUCH_PAGE)
    page = StoryPage()
    if not given:
        rows = read(None, None, None, size)
        page.stories = rows[:size]
        page.older = make_cursor(rows[size - 1]) if len(rows) > size else None
        return page

    value = params[given[0]]
    place = parse_cursor(value)
    if place is None:
        raise Http404(NO_SUCH_PAGE)
    stamp, pk = place
    rows = read(given[0], stamp, pk, size)
    if not rows or rows[0].pk != pk or make_cursor(rows[0]) != value:
        raise Http404(NO_SUCH_PAGE)
    rows = rows[1:]
    if given[0] == "truoc":
        page.is_first = False
        page.stories = rows[:size]
        page.older = make_cursor(rows[size - 1]) if len(rows) > size else None
        page.newer = make_cursor(rows[0]) if rows else None
    else:
        page.is_first = len(rows) <= size
        page.stories = list(reversed(rows[:size]))
        page.newer = make_cursor(page.stories[0]) if len(rows) > size else None
        page.older = make_cursor(page.stories[-1]) if page.stories else None
    return page
