"""The most-read list: the public stories with the most views over the last hours, cached on its own.

The ranking (story ids, best first) is kept in the cache for NEWSROOM_MOST_READ_SECONDS, not tied to the
page cache's generation, so a publication elsewhere does not recompute it. Pages turn the ids into stories
in the query they already make (Article.objects.published(), so a story taken down drops out at once), which
is why a few more ids than shown are kept.
"""
import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from articles.models import Article

from .counter import hour_of
from .models import HourlyViews

RANKING_KEY = "mostread:ranking"
SHOWN = 5
KEPT = SHOWN * 2  # spare ids for stories taken down since the ranking was made, and for the story being read


def ranking_ids(now=None) -> list:
    """Ids of the most-read public stories of the last NEWSROOM_MOST_READ_HOURS hours, best first."""
    ids = cache.get(RANKING_KEY)
    if ids is None:
        ids = compute_ranking(now or timezone.now())
        cache.set(RANKING_KEY, ids, settings.NEWSROOM_MOST_READ_SECONDS)
    return ids


def compute_ranking(now) -> list:
    since = hour_of(now) - datetime.timedelta(hours=settings.NEWSROOM_MOST_READ_HOURS - 1)
    rows = (HourlyViews.objects.filter(hour__gte=since, article__in=Article.objects.published(now=now))
            .values("article_id").annotate(total=Sum("views")).order_by("-total", "-article_id")[:KEPT])
    return [row["article_id"] for row in rows]


def pick(ids, stories_by_id, *, leave_out=None, count=SHOWN) -> list:
    """The stories to show, in ranking order: those the page's query found public, at most `count`."""
    stories = [stories_by_id[i] for i in ids if i in stories_by_id and i != leave_out]
    return stories[:count]
