"""Counting story views: hourly buckets in Redis when the cache is Redis, else straight into the database.

Redis holds one hash per hour (`mostread:h:<YYYYMMDDHH>`, story id -> views); `flush_most_read` moves complete
and current buckets into HourlyViews (rename first, so views keep counting into a fresh hash meanwhile). Only
stories the public can read are ever written to the database. Without Redis (a single server on local
memory) each counted view updates its row at once. A Redis that fails mid-way costs the view, not the page:
the counter falls back to the database for that view.
"""
import datetime
import logging

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import F

from .models import HourlyViews

logger = logging.getLogger("newsroom.mostread")

BUCKET_PREFIX = "mostread:h:"
FLUSHING_SUFFIX = ":dang-chuyen"
# Buckets outlive the ranking window, so a flush that was not run for a day still finds them.
BUCKET_SECONDS = 3 * 24 * 3600
FLUSH_LOCK_SECONDS = 600


def hour_of(moment) -> datetime.datetime:
    """The start of the UTC hour `moment` falls in."""
    return moment.astimezone(datetime.timezone.utc).replace(minute=0, second=0, microsecond=0)


def _bucket_key(hour) -> str:
    return f"{BUCKET_PREFIX}{hour:%Y%m%d%H}"


def _hour_of_key(key: str) -> datetime.datetime:
    stamp = key[len(BUCKET_PREFIX):len(BUCKET_PREFIX) + 10]
    return datetime.datetime.strptime(stamp, "%Y%m%d%H").replace(tzinfo=datetime.timezone.utc)


def redis_client():
    """The raw Redis connection behind the default cache, or None when the cache is not Redis."""
    if caches["default"].__class__.__module__.split(".")[0] != "django_redis":
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _full_key(client_key: str) -> str:
    # Counters share the cache's Redis, under its key prefix, so two sites on one Redis keep apart.
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return f"{prefix}:{client_key}" if prefix else client_key


def count_view(article_id: int, moment) -> None:
    """Add one view of the story in the hour of `moment` (Redis, or the database without it)."""
    client = redis_client()
    if client is not None:
        key = _full_key(_bucket_key(hour_of(moment)))
        try:
            pipe = client.pipeline(transaction=False)
            pipe.hincrby(key, str(article_id), 1)
            pipe.expire(key, BUCKET_SECONDS)
            pipe.execute()
            return
        except Exception:  # noqa: BLE001 - any Redis failure: count this view in the database instead
            logger.warning("Redis refused a view count; counted in the database instead", exc_info=True)
    add_views({article_id: 1}, hour_of(moment))


def add_views(counts, hour) -> int:
    """Add {story id: views} to the hour's rows, for public stories only; returns the views written."""
    from articles.models import Article

    public = set(Article.objects.published().filter(pk__in=list(counts)).values_list("pk", flat=True))
    written = 0
    for article_id, views in counts.items():
        if article_id not in public or views <= 0:
            continue
        with transaction.atomic():
            if not HourlyViews.objects.filter(article_id=article_id, hour=hour).update(views=F("views") + views):
                try:
                    with transaction.atomic():
                        HourlyViews.objects.create(article_id=article_id, hour=hour, views=views)
                except IntegrityError:  # another process made the row meanwhile
                    HourlyViews.objects.filter(article_id=article_id, hour=hour).update(views=F("views") + views)
        written += views
    return written


def flush() -> int:
    """Move every Redis bucket into the database; returns the views written. Safe to run concurrently."""
    client = redis_client()
    if client is None:
        return 0  # without Redis, views are in the database already
    lock = client.lock(_full_key("mostread:flush-lock"), timeout=FLUSH_LOCK_SECONDS, blocking_timeout=0)
    if not lock.acquire():
        return 0  # another flush is running; its run covers these views
    try:
        return _flush_buckets(client)
    finally:
        lock.release()


def _claim(client, key, flushing) -> bool:
    """Rename a bucket for flushing (atomic: new views go to a fresh hash from here on)."""
    try:
        return bool(client.renamenx(key, flushing))
    except Exception:  # noqa: BLE001 - the bucket expired between the scan and the rename
        return False


def _flush_buckets(client) -> int:
    written = 0
    pattern = _full_key(BUCKET_PREFIX) + "*"
    keys = {k.decode() if isinstance(k, bytes) else k for k in client.scan_iter(match=pattern, count=500)}
    # What an interrupted flush left first: renaming a bucket onto it would overwrite its views.
    keys = sorted(keys, key=lambda k: (not k.endswith(FLUSHING_SUFFIX), k))
    prefix_length = len(_full_key(""))
    for key in keys:
        flushing = key if key.endswith(FLUSHING_SUFFIX) else key + FLUSHING_SUFFIX
        if flushing != key and not _claim(client, key, flushing):
            continue  # a leftover of the same hour is still there, or the bucket expired: next run
        raw = client.hgetall(flushing)
        counts = {}
        for field, value in raw.items():
            try:
                counts[int(field)] = int(value)
            except ValueError:
                continue
        written += add_views(counts, _hour_of_key(key[prefix_length:]))
        client.delete(flushing)  # only once the database has them: a failed write leaves them for next time
    if written:
        ranking_changed()
    return written


def ranking_changed():
    """New counts: the ranking is made again and the most-read blocks are purged (and the CDN told)."""
    from articles import cachekeys
    from articles.caching import purge_keys

    from .ranking import RANKING_KEY

    caches["default"].delete(RANKING_KEY)
    purge_keys({cachekeys.MOST_READ})
