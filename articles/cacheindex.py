"""Which cached entries show which key, a purge clock, and a store that never outlives a purge it raced.

For each key (articles/cachekeys.py) the index holds the cache keys of the pages and blocks that show it: a
Redis set (django-redis's raw client) when the cache is Redis, a set kept in the cache under a process lock
for local memory (one process holds it whole), nothing for the dummy cache. A purge deletes exactly those.

The race: a page rendered from data read before a change could be stored after that change's purge and then
serve the old data until it expires. So every purge first advances a clock (one integer in the cache) and marks
each purged key with the clock's new value, then deletes what the index names. A request reads the clock
before it reads any data (in the same round trip as the page), stores its page and indexes it, and only then
reads the marks of the page's keys: a mark newer than its clock means a purge ran since the data was read, and
the request deletes what it stored. Either the purge's deletion comes after the store (and removes it), or the
store's check comes after the mark (and sees it): no order of the two lets the old page stay.
"""
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("newsroom.cache")

CLOCK_KEY = "public:clock"
MARK_PREFIX = "public:purged:"
INDEX_PREFIX = "public:shows:"
# Marks outlive any render: a render taking longer than this stores nothing.
MARK_SECONDS = 600
_local_lock = threading.Lock()


def kind():
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("DummyCache"):
        return "none"
    if backend.startswith("django_redis."):
        return "redis"
    return "local"


def _client():
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def index_seconds():
    return settings.NEWSROOM_PAGE_CACHE_SECONDS + settings.NEWSROOM_STALE_IF_ERROR_SECONDS + 3600


def clock_of(found):
    """The clock as read in a get_many that asked for CLOCK_KEY (0 before the first purge)."""
    return found.get(CLOCK_KEY) or 0


def read_clock():
    return clock_of(cache.get_many([CLOCK_KEY]))


def store(cache_key, value, timeout, keys, clock, started):
    """Store `value` shown by `keys`, unless a purge of one of them ran since `clock` was read; True if kept."""
    keys = [k for k in keys if k != "site"]  # every page shows `site`: its purge is the generation (caching.py)
    if time.monotonic() - started > MARK_SECONDS - 60:
        return False
    backend = kind()
    if backend == "none":
        return False
    cache.set(cache_key, value, timeout)
    try:
        if backend == "redis":
            client = _client()
            member = cache.make_key(cache_key)
            pipe = client.pipeline(transaction=False)
            for key in keys:
                index = cache.make_key(INDEX_PREFIX + key)
                pipe.sadd(index, member)
                pipe.expire(index, index_seconds())
            pipe.execute()
        else:
            with _local_lock:
                for key in keys:
                    members = cache.get(INDEX_PREFIX + key) or set()
                    members.add(cache_key)
                    cache.set(INDEX_PREFIX + key, members, index_seconds())
    except Exception:  # noqa: BLE001 - Redis away: nothing indexed means nothing may be kept
        logger.warning("The page cache's index could not be written", exc_info=True)
        cache.delete(cache_key)
        return False
    found = cache.get_many([CLOCK_KEY, *(MARK_PREFIX + k for k in keys)])
    if clock_of(found) < clock or any(found.get(MARK_PREFIX + k, 0) > clock for k in keys):
        cache.delete(cache_key)  # a purge ran since the data was read (or the clock was lost)
        return False
    return True


def purge(keys):
    """Delete every entry showing one of `keys`, after marking them; True if the cache took it."""
    keys = [k for k in keys if k != "site"]
    backend = kind()
    if backend == "none" or not keys:
        return True
    try:
        if backend == "local":
            _local_lock.acquire()
        cache.add(CLOCK_KEY, 0, None)
        now = cache.incr(CLOCK_KEY)
        if now is None:
            return False  # django-redis answers None when Redis is away
        cache.set_many({MARK_PREFIX + k: now for k in keys}, MARK_SECONDS)
        if backend == "redis":
            client = _client()
            # Read and drop each index in one transaction: a member added in between would be lost otherwise.
            pipe = client.pipeline(transaction=True)
            for key in keys:
                index = cache.make_key(INDEX_PREFIX + key)
                pipe.smembers(index)
                pipe.delete(index)
            results = pipe.execute()
            members = sorted({m for found in results[::2] for m in found})
            for start in range(0, len(members), 500):
                client.delete(*members[start:start + 500])
        else:
            members = set()
            for key in keys:
                members |= cache.get(INDEX_PREFIX + key) or set()
            cache.delete_many([INDEX_PREFIX + k for k in keys] + sorted(members))
        return True
    except ValueError:
        return False  # the clock vanished between add and incr (evicted): the caller tries again
    except Exception:  # noqa: BLE001 - Redis away: the caller remembers the purge and sends it again
        logger.warning("A page cache purge could not reach the cache", exc_info=True)
        return False
    finally:
        if backend == "local":
            _local_lock.release()


def members(key):
    """The cache keys of the entries indexed under `key` (tests and the bench count with it)."""
    backend = kind()
    if backend == "redis":
        found = _client().smembers(cache.make_key(INDEX_PREFIX + key))
        return {m.decode() if isinstance(m, bytes) else m for m in found}
    if backend == "local":
        return {cache.make_key(m) for m in cache.get(INDEX_PREFIX + key) or ()}
    return set()
