"""The public site's page cache: what is stored, under which keys, for how long, and what throws it away.

Every page declares what it shows (`shows(request, "story-12", "section-3", ...)`, names from
articles/cachekeys.py) and is stored with those keys; a reverse index (articles/cacheindex.py) lets a change
purge exactly the pages and blocks that show what it changed (`purge_keys`), now and again after the commit,
and after the commit `articles.signals.keys_purged` tells the CDN and the stored renders, once per transaction.
Responses carry the keys as `Surrogate-Key` (space separated) and `Cache-Tag` (comma separated).

Every page also shows `site` (the section menu, the masthead): one small record in the cache, the site state,
holds the current generation, the menu and what other apps add (the masthead, the front page's pins), and
purging `site` starts a new generation that no stored page belongs to (`purge_everything`).

Scheduled changes (a story's publish time, a front-page switch, a pin's end) are listed in the site state with
the keys they will change; a page or block showing one of those keys never outlives that time, and the first
request after it purges those keys (so the CDN and the stored renders hear of it too). Other pages keep.

Blocks that many pages show and that change with every publish (related stories, most read) are holes: the page
holds a placeholder, the block is assembled from parts cached on their own (articles/holes.py) and filled in on
every response. A page with holes is stored cut at them (holes.split), so filling it is a join; its ETag is made
from the page's own and its blocks' (each a hash of its bytes), not by hashing the filled page on every response.

A hot page this process holds in its local level (NEWSROOM_PAGE_CACHE_LOCAL_SECONDS) is answered by
articles/middleware.py, last in MIDDLEWARE, before URL resolution, for bare requests (GET or HEAD, no query string, no
session cookie); everything else reaches the view's public_page. Both ask `from_cache`, the one test of a hit.

Only changes the public can see purge. Each public view declares the query parameters it reads
(`@public_page(parameters=("truoc", "sau"))`): only those reach the view and the cache key.

Logged-in users (staff) are never served from, nor stored in, the shared cache. Search results are never
stored either (`shared=False`): a hit would tell the next visitor what somebody searched for a moment ago.

The cache may be down (see newsroom/redis_breaker.py): reads then miss and pages are rendered. A purge that
could not reach it is remembered in this process and sent again before the next page is read from the cache,
so a Redis that comes back with its old pages (frozen, then thawed) serves none of the purged ones.
"""
import contextvars
import hashlib
import math
import secrets
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_cache_control
from django.utils.http import http_date

from newsroom.errors import DATABASE_ERRORS

from . import cacheindex, cachekeys
from .models import Article, Section
from .signals import keys_purged

STATE_KEY = "public:state"
GENERATION_KEY = "public:generation"
PAGE_KEY_PREFIX = "public:page:"
STATE_SECONDS = 3600
# Scheduled stories the site state lists with their keys; past this many, the state ends at the last one listed.
SCHEDULED_LISTED = 200
# The longest a Surrogate-Key header gets; past it, a response names its lists and `site` only (a CDN copy lives
# at most NEWSROOM_BROWSER_CACHE_SECONDS anyway).
KEY_HEADER_MAX = 8000
_STATE_PSEUDO_KEY = "#state"  # a purge of the site state itself (never sent to listeners)


_settings_read = {}  # what _local_seconds read of the settings, until they change (tests)


def _local_seconds():
    """How long this process trusts its own copy of the site state and hot pages (the second level).

    0 (dev and tests) asks the shared cache on every request, so a change made on one server shows on every
    server at once; 1 (production's default) saves the round trip to Redis on hot pages, at the price of up to
    one second before another server notices a change (its own show at once).
    """
    seconds = _settings_read.get("local_seconds")
    if seconds is None:
        # Caching turned off on purpose: no copy in memory either.
        seconds = _settings_read["local_seconds"] = (
            0 if settings.CACHES["default"]["BACKEND"].endswith("DummyCache")
            else settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS)
    return seconds


def forget_settings_read(**kwargs):
    """Read the settings again (connected to setting_changed in articles/apps.py)."""
    _settings_read.clear()


LOCAL_PAGES = 500


# What other apps keep in the site state beside the menu (the masthead, the front page's pins): name ->
# (read, keys), read being a function of the current time answering (value, when) where `when` is the next time
# the value changes by itself (a scheduled layout, a pin's expiry), or None, and `keys` what that change shows.
_STATE_PARTS = {}


def add_state_part(name, read, keys=(cachekeys.SITE,)):
    """Keep read(now)'s value in the site state under `name`; pages showing `keys` expire when it next changes."""
    _STATE_PARTS[name] = (read, tuple(keys))


def _scheduled_changes(first):
    """(time, keys) of the next scheduled stories, and the time past which the list is incomplete (or None)."""
    if first is None:
        return [], None
    upcoming = Article.objects.scheduled().order_by("published_at", "id").values("id")[:SCHEDULED_LISTED]
    rows = (Article.objects.filter(pk__in=upcoming)
            .values_list("id", "published_at", "section_id", "bylines__author_id", "tags__id"))
    stories = {}
    for pk, published_at, section_id, author_id, tag_id in rows:
        when, section_id_, authors, tags = stories.setdefault(pk, (published_at, section_id, set(), set()))
        authors.add(author_id)
        tags.add(tag_id)
    changes = [(when.timestamp(), frozenset(cachekeys.membership_keys(pk, section_id, authors, tags)))
               for pk, (when, section_id, authors, tags) in stories.items()]
    complete_until = max(c[0] for c in changes) if len(stories) >= SCHEDULED_LISTED else None
    return changes, complete_until


def _compute_state(now, fallback=None, clock=0):
    """A new site state from the database; with the database down, the last one stored (`fallback`), if any."""
    started = time.monotonic()
    # One query: the section menu, each row carrying the (uncorrelated, computed once) next publish time.
    # Every story belongs to a section, so no sections means no scheduled story either. Then one query for the
    # scheduled stories' keys (only if there are any), one or so per registered part.
    from django.db.models import Subquery

    next_publish = Article.objects.scheduled().order_by("published_at").values("published_at")[:1]
    try:
        rows = list(Section.objects.annotate(next_publish=Subquery(next_publish))
                    .values_list("id", "name", "slug", "description", "next_publish"))
        changes, complete_until = _scheduled_changes(rows[0][4] if rows else None)
        parts = {name: (read(timezone.now()), keys) for name, (read, keys) in _STATE_PARTS.items()}
    except DATABASE_ERRORS:
        if fallback is None:
            raise
        # Its pages may still be served while the database is away (stale if error): a purge since would have
        # deleted them, so those left are as good as the state.
        return fallback
    changes += [(when.timestamp(), frozenset(keys)) for (_, when), keys in parts.values() if when is not None]
    changes.sort(key=lambda change: change[0])
    ends = [c[0] for c in changes[:1]] + ([complete_until] if complete_until else [])
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = secrets.token_hex(8)
        if not cache.add(GENERATION_KEY, generation, None):
            generation = cache.get(GENERATION_KEY) or generation
    state = {
        "generation": generation,
        "next_publish": min(ends) if ends else None,
        "changes": changes,
        "sections": [{"id": pk, "name": name, "slug": slug, "description": description}
                     for pk, name, slug, description, _ in rows],
        "built": now,
        **{name: value for name, ((value, _), _keys) in parts.items()},
    }
    # Kept past its validity (see _valid_state) so that a database outage still finds it; not kept if the state
    # was purged while it was read from the database.
    cacheindex.store(STATE_KEY, state, STATE_SECONDS + settings.NEWSROOM_STALE_IF_ERROR_SECONDS,
                     [_STATE_PSEUDO_KEY], clock, started)
    return state


def _valid_state(state, now):
    return (state is not None and now - state["built"] < STATE_SECONDS
            and (state["next_publish"] is None or now < state["next_publish"]))


def _purge_due(old, now):
    """The state ended because scheduled changes came: purge what they change, once across servers."""
    if old is None or old["next_publish"] is None or now < old["next_publish"]:
        return
    due = [(when, keys) for when, keys in old.get("changes", ()) if when <= now]
    if not due:
        return
    last = max(when for when, _ in due)
    if cache.add(f"public:due:{old['generation']}:{last}", 1, 3600) is False:
        return  # another process purged them already
    purge_keys(set().union(*(keys for _, keys in due)))


def site_state(request=None):
    """The current generation, scheduled changes, section menu and masthead (read once per request)."""
    if request is None:  # code not handed the request (seo's paper name, say) still reads the request's state
        request = current_request()
    state = getattr(request, "_newsroom_state", None)
    now = time.time()
    if not _valid_state(state, now):
        found = cache.get_many([STATE_KEY, cacheindex.CLOCK_KEY])
        state = found.get(STATE_KEY)
        if not _valid_state(state, now):
            old = state
            state = _compute_state(now, fallback=state, clock=cacheindex.clock_of(found))
            _purge_due(old, now)
        if request is not None:
            request._newsroom_state = state
    return state


_section_slugs = {}  # (generation, built) -> {section id: slug}, for the last site state seen


def section_slugs(request=None) -> dict:
    """{section id: slug} of the site state's menu (made once per state). Up to NEWSROOM_PAGE_CACHE_LOCAL_SECONDS old
    on a server that did not make the change: decide nothing lasting (a permanent redirect) on it alone."""
    state = site_state(request)
    key = (state.get("generation"), state.get("built"))
    found = _section_slugs.get(key)
    if found is None:
        found = {section["id"]: section["slug"] for section in state["sections"]}
        _section_slugs.clear()
        _section_slugs[key] = found
    return found


def expiry(keys, state, now, seconds):
    """When an entry showing `keys`, stored now for `seconds`, must go: at the first scheduled change it shows."""
    expires = now + seconds
    keys = set(keys)
    for when, changed in state.get("changes", ()):
        if when >= expires:
            break
        if when > now and (cachekeys.SITE in changed or keys & changed):
            return when
    return expires


class _LocalCache:
    """The optional per-process level: the last site state seen, the purge clock last read, and the most used pages
    and blocks (LRU)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        self.state, self.checked, self.pages = None, 0.0, OrderedDict()
        self.clock, self.clock_read = None, 0.0

    def fresh_state(self, now, seconds):
        state = self.state
        if state is not None and now - self.checked < seconds and _valid_state(state, now):
            return state
        return None

    def remember_state(self, state, now, clock=None):
        with self.lock:
            if self.state is None or state["generation"] != self.state["generation"]:
                self.pages = OrderedDict()
            self.state, self.checked = state, now
            if clock is not None:
                self.clock, self.clock_read = clock, now

    def saw_clock(self, clock, now):
        """The shared cache's purge clock as just read (with the site state, or with blocks' parts)."""
        with self.lock:
            self.clock, self.clock_read = clock, now

    def page(self, key, now, seconds):
        """An entry fetched from the shared cache less than `seconds` ago (a purge elsewhere shows after that); or,
        for one fetched with the purge clock, while the clock read less than `seconds` ago is still that one (no
        purge anywhere since it was fetched)."""
        with self.lock:
            found = self.pages.get(key)
            if found is None:
                return None
            entry, fetched, clock = found
            if now - fetched >= seconds and not (
                    clock is not None and clock == self.clock and now - self.clock_read < seconds):
                del self.pages[key]
                return None
            self.pages.move_to_end(key)
            return entry

    def remember_page(self, key, entry, now, clock=None):
        """Keep `entry`, fetched `now`; `clock`: the purge clock read with it (or before the data it was made from)."""
        with self.lock:
            self.pages[key] = (entry, now, clock)
            self.pages.move_to_end(key)
            while len(self.pages) > LOCAL_PAGES:
                self.pages.popitem(last=False)

    def forget(self, keys):
        """Drop the entries showing any of `keys` (this process's own purge shows at once)."""
        with self.lock:
            for cache_key in [k for k, (entry, *_) in self.pages.items() if keys & set(entry.get("keys", ()))]:
                del self.pages[cache_key]


_local = _LocalCache()

_purge_pending = set()  # keys this process could not purge in the shared cache (it was down)
_pending_lock = threading.Lock()


def _purge_shared(keys):
    """Purge `keys` in the shared cache; remember what did not get through."""
    if cacheindex.kind() == "none":
        return  # caching turned off: nothing stored, nothing to purge
    reached = True
    if cachekeys.SITE in keys:
        generation = secrets.token_hex(8)
        cache.set(GENERATION_KEY, generation, None)
        reached = cache.get(GENERATION_KEY) == generation
    if cachekeys.SITE in keys or _STATE_PSEUDO_KEY in keys:
        reached = cacheindex.purge([_STATE_PSEUDO_KEY]) and cache.delete(STATE_KEY) is not None and reached
    rest = keys - {cachekeys.SITE, _STATE_PSEUDO_KEY}
    if rest:
        reached = cacheindex.purge(sorted(rest)) and reached
    with _pending_lock:
        if reached:
            _purge_pending.difference_update(keys)
        else:
            _purge_pending.update(keys)


def _purge_local(keys):
    if cachekeys.SITE in keys:
        with _local.lock:
            _local.clear()
    else:
        if _STATE_PSEUDO_KEY in keys:
            with _local.lock:
                _local.state = None
        _local.forget(keys)


class _Batch:
    """The keys a transaction purged, announced once after its commit (keys_purged) by the first of its purges'
    after-commit callbacks to run; each callback purges its own keys again first."""

    def __init__(self):
        self.keys, self.sent, self.callbacks = set(), False, []

    def send(self):
        if self.sent:
            return
        self.sent = True
        public = frozenset(self.keys - {_STATE_PSEUDO_KEY})
        if public:
            keys_purged.send(sender=None, keys=public)


_batches = threading.local()


def _open_batch(connection):
    """The transaction's batch; a new one if the last was sent or rolled back (its callbacks gone)."""
    batch = getattr(_batches, "current", None)
    if batch is not None and not batch.sent:
        pending = {id(func) for _sids, func, _robust in connection.run_on_commit}
        if any(id(callback) in pending for callback in batch.callbacks):
            return batch
    batch = _batches.current = _Batch()
    return batch


def purge_keys(keys):
    """Delete every cached page and block showing any of `keys`, now and again after the commit; after the commit
    send keys_purged once per transaction with all its keys. Returns the transaction's batch (`sent` says whether
    it has gone out)."""
    keys = set(keys)
    _purge_local(keys)
    _purge_shared(keys)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        batch = _Batch()
        batch.keys |= keys
        batch.send()  # no transaction: the purge above came after the change
        return batch
    batch = _open_batch(connection)
    batch.keys |= keys

    # One callback per call (a savepoint rolled back drops its own); the first to run announces them all.
    def after_commit():
        _purge_local(keys)
        _purge_shared(keys)
        batch.send()

    batch.callbacks.append(after_commit)
    transaction.on_commit(after_commit)
    return batch


def purge_everything():
    """Forget every cached page (all servers sharing the cache); CDNs are told to drop `site`, i.e. everything."""
    return purge_keys({cachekeys.SITE})


def refresh_state():
    """Rebuild the site state on the next request (a scheduled story or a front-page layout changed)."""
    return purge_keys({_STATE_PSEUDO_KEY})


def invalidate(**kwargs):
    """Forget every cached public page (kept for callers of the old name)."""
    purge_everything()


# --- What a page shows ---------------------------------------------------------------------------------------------

_current = contextvars.ContextVar("newsroom_public_request", default=None)


def current_request():
    """The request public_page is answering in this thread, for code that is not handed it (feeds)."""
    return _current.get()


def shows(request, *keys):
    """The page being built for `request` shows these keys (no-op outside public_page, or for None)."""
    shown = getattr(request, "_newsroom_keys", None)
    if shown is not None:
        shown.update(k for k in keys if k)


def not_stored(request):
    """This answer may change without a purge of what it shows: served fresh each time, never stored."""
    request._newsroom_not_stored = True


def _key_header_values(keys):
    """(Surrogate-Key, Cache-Tag) naming `keys`."""
    header = " ".join(keys)
    if len(header) > KEY_HEADER_MAX:
        keys = [k for k in keys if cachekeys.is_list_key(k)]
        header = " ".join(keys)
    return header, ",".join(keys)


def _key_headers(response, keys, values=None):
    response["Surrogate-Key"], response["Cache-Tag"] = values or _key_header_values(keys)


def _page_keys(request):
    return sorted(getattr(request, "_newsroom_keys", set()) | {cachekeys.SITE})


# --- The page cache -------------------------------------------------------------------------------------------------

def is_private_request(request) -> bool:
    """A request from a logged-in user; only checked when a session cookie exists, so visitors cost nothing."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is None or user.is_authenticated


_NO_QUERY = QueryDict()  # immutable: shared by every request without a query string


def _declared_query(request, parameters) -> QueryDict:
    """The request's query string cut to the parameters the view declared, one value each, in a fixed order."""
    if not request.META.get("QUERY_STRING"):
        return _NO_QUERY
    query = QueryDict(mutable=True)
    for name in sorted(parameters):
        if name in request.GET:
            query[name] = request.GET.get(name)
    query._mutable = False
    return query


def page_key(request, query=None) -> str:
    """The page's key: its path and its query (the declared parameters, public_page's request.GET) or `query`."""
    raw = f"{request.path}?{request.GET.urlencode() if query is None else query}"
    return PAGE_KEY_PREFIX + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _cacheable(request, response) -> bool:
    """A page that is the same for every visitor: no cookie set by the view, nor by the middleware after it.

    The CSRF and session middleware add their cookies only on the way out, after this decorator: a page that
    asked for a CSRF token (a {% csrf_token %} form) or wrote to the session carries a visitor's own value.
    """
    if response.status_code != 200 or response.cookies or getattr(response, "streaming", False):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.modified)


def digest(content: bytes) -> str:
    """A page's or block's fingerprint for its ETag: SHA-256 (hashed in hardware on current CPUs, 2.4x faster than
    MD5 on the bench machine: 24 against 55 us for the 41 KB home page), cut to MD5's 32 hex digits."""
    return hashlib.sha256(content).hexdigest()[:32]


def _etag(content):
    return '"%s"' % digest(content)


def named_by(response, identity: str):
    """Say that `identity` (what made the response's bytes, written out: it changes whenever they do) names them:
    public_page makes the ETag from it instead of hashing the page (a stored render in the site state's shell,
    prerender/shell.py)."""
    response.newsroom_etag = _etag(identity.encode())
    return response


def _filled_etag(etag, block_etags):
    """The ETag of a page filled with its blocks: from the stored page's own and its blocks' (no hash of the whole
    page per response); any change of the bytes changes one of them."""
    return _etag(";".join([etag, *block_etags]).encode())


_cache_controls = {}


def _cache_control(max_age, stale_if_error, stale):
    """The Cache-Control of a public page (the few values there are, made once each)."""
    found = _cache_controls.get((max_age, stale_if_error, stale))
    if found is None:
        found = ", ".join(["public", f"max-age={max_age}"] + ([f"stale-if-error={stale_if_error}"] if stale_if_error
                                                               else [])
                          + ([f"stale-while-revalidate={stale}"] if stale > 0 else []))
        if len(_cache_controls) > 4096:
            _cache_controls.clear()
        _cache_controls[(max_age, stale_if_error, stale)] = found
    return found


def _public_headers(request, response, entry, now, built=None, etag=None):
    fresh = max(0, int(entry["expires"] - now))
    max_age = min(settings.NEWSROOM_BROWSER_CACHE_SECONDS, fresh)
    stale = min(settings.NEWSROOM_STALE_SECONDS, fresh - max_age)
    stale_if_error = settings.NEWSROOM_STALE_IF_ERROR_SECONDS
    if "Cache-Control" in response:
        directives = {"public": True, "max_age": max_age}
        if stale_if_error:
            directives["stale_if_error"] = stale_if_error
        if stale > 0:
            directives["stale_while_revalidate"] = stale
        patch_cache_control(response, **directives)  # merged with what the view said
    else:
        # What patch_cache_control writes on a response without the header, without its parsing (a hit's case).
        response["Cache-Control"] = _cache_control(max_age, stale_if_error, stale)
    _key_headers(response, entry["keys"], entry.get("key_headers"))
    etag = etag or entry["etag"]
    built = max(entry["built"], built or 0)
    response["ETag"] = etag
    response["Last-Modified"] = _http_date(int(built))
    if not any(header in request.META for header in _CONDITIONAL_HEADERS):
        return response  # nothing to compare (most requests): what get_conditional_response would answer
    return get_conditional_response(request, etag=etag, last_modified=int(built), response=response)


_CONDITIONAL_HEADERS = ("HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE")
_last_http_date = [(None, "")]  # one (seconds, text) pair, replaced whole (threads read it without a lock)


def _http_date(seconds: int) -> str:
    """http_date(seconds), made once per second (every page built within it shares it)."""
    found = _last_http_date[0]
    if found[0] != seconds:
        found = _last_http_date[0] = (seconds, http_date(seconds))
    return found[1]


def _render(view, request, args, kwargs):
    response = view(request, *args, **kwargs)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


def _parts(entry):
    """The stored page cut at its holes (holes.split), or None for a page without any."""
    from . import holes

    if not entry.get("holes"):
        return None
    if "parts" in entry:
        return entry["parts"]
    return holes.split(entry["content"])  # stored whole by an older release


def _served(request, entry, now, state, clock, label):
    """A stored entry as a response, its holes filled."""
    from . import holes

    parts = _parts(entry)
    if parts is None:
        response = HttpResponse(entry["content"], content_type=entry["content_type"])
        built = etag = None
    else:
        content, built, block_etags = holes.fill_parts(parts, state, clock, now)
        response = HttpResponse(content, content_type=entry["content_type"])
        etag = _filled_etag(entry["etag"], block_etags)
    response["X-Page-Cache"] = label
    return _public_headers(request, response, entry, now, built, etag)


class _Lookup:
    """What the page cache holds for one request's key: the entry (or None), the site state and the cache clock."""

    __slots__ = ("entry", "state", "clock", "now", "started")

    def fresh(self):
        entry = self.entry
        return bool(entry) and entry["generation"] == self.state["generation"] and entry["expires"] > self.now


def _look_up(request, key, local_only=False):
    """Read `key`, the site state and the clock: from this process's copy when it is fresh enough, else in one round
    trip to the shared cache (None instead, if `local_only`). A purge this process could not send is sent first."""
    if _purge_pending:
        with _pending_lock:
            pending = set(_purge_pending)
        _purge_shared(pending)
    lookup = _Lookup()
    lookup.started = time.monotonic()
    lookup.now = now = time.time()
    local_seconds = _local_seconds()
    state = _local.fresh_state(now, local_seconds) if local_seconds else None
    clock = None
    # With the page cache off (NEWSROOM_PAGE_CACHE_SECONDS = 0) no page is ever stored: none is asked for.
    stores_pages = settings.NEWSROOM_PAGE_CACHE_SECONDS > 0
    if state is not None:
        entry = _local.page(key, now, local_seconds)
        if entry is None and stores_pages:
            if local_only:
                return None
            found = cache.get_many([key, cacheindex.CLOCK_KEY])
            clock, entry = cacheindex.clock_of(found), found.get(key)
            if entry is not None:
                _local.remember_page(key, entry, now)
        request._newsroom_state = state
    else:
        if local_only:
            return None
        found = cache.get_many([STATE_KEY, key, cacheindex.CLOCK_KEY] if stores_pages
                               else [STATE_KEY, cacheindex.CLOCK_KEY])
        clock = cacheindex.clock_of(found)
        state = found.get(STATE_KEY)
        if _valid_state(state, now):
            request._newsroom_state = state
        else:
            state = site_state(request)
        entry = found.get(key)
        if local_seconds:
            _local.remember_state(state, now, clock)
            if entry is not None:
                _local.remember_page(key, entry, now)
    lookup.entry, lookup.state, lookup.clock = entry, state, clock
    return lookup


def from_cache(request, key, *, local_only=False):
    """(the stored page for `key` as a hit response, or None; what was read for it, or None if `local_only` and this
    process holds no copy).

    The one answer to "is this request a hit", for public_page and for PageCacheMiddleware (articles/middleware.py),
    which asks this process's copy only, before the URL is even resolved. The caller has checked that the request
    may share the cache (is_private_request).
    """
    lookup = _look_up(request, key, local_only)
    if lookup is not None and lookup.fresh():
        return _served(request, lookup.entry, lookup.now, lookup.state, lookup.clock, "hit"), lookup
    return None, lookup


def early_response(request):
    """A hot page this process holds (the local level), answering a bare public request before URL resolution; or
    None, and the view answers as usual.

    Bare: GET or HEAD, no query string (the key is then the one public_page would use, whatever parameters the view
    declares), no session cookie (is_private_request). A stored page was put under its path's key by a public_page
    view on that very path (the URL conf is fixed), so it answers as that view would. Only this process's copy is
    asked: any other request (a 404, the admin's login, a page not held here) pays no round trip for it.
    """
    if (request.method not in ("GET", "HEAD") or request.META.get("QUERY_STRING")
            or settings.SESSION_COOKIE_NAME in request.COOKIES or not _local_seconds()):
        return None
    response, _lookup = from_cache(request, page_key(request, query=""), local_only=True)
    return response


def public_page(view=None, *, parameters=(), shared=True):
    """Serve a public view from the shared page cache, with Cache-Control, ETag, Last-Modified and its keys.

    The view sees only the query `parameters` it declares; `shared=False` renders every time, never stored.
    """
    if view is None:
        return lambda view: public_page(view, parameters=parameters, shared=shared)
    parameters = tuple(parameters)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        request.GET = _declared_query(request, parameters)
        request._newsroom_keys = set()
        token = _current.set(request)
        try:
            if not shared or is_private_request(request):
                return _private(view, request, args, kwargs)
            return _public(view, request, args, kwargs)
        finally:
            _current.reset(token)

    # What the view declared, for the test that finds every public route in the URL conf (tests/articles/
    # test_caching.py); functools.wraps carries it through read_only() and other wrappers.
    wrapped.public_page_parameters = parameters
    return wrapped


def _private(view, request, args, kwargs):
    from . import holes

    response = _render(view, request, args, kwargs)
    if not getattr(response, "streaming", False) and holes.PLACEHOLDER in response.content:
        state = site_state(request)
        response.content, _built = holes.fill(request, response.content, state, cacheindex.read_clock(), time.time())
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


def _public(view, request, args, kwargs):
    from . import holes

    key = page_key(request)
    response, lookup = from_cache(request, key)
    if response is not None:
        return response
    started, now, state, clock, entry = lookup.started, lookup.now, lookup.state, lookup.clock, lookup.entry
    local_seconds = _local_seconds()
    stale_if_error = settings.NEWSROOM_STALE_IF_ERROR_SECONDS

    if clock is None and settings.NEWSROOM_PAGE_CACHE_SECONDS > 0:
        clock = cacheindex.read_clock()  # before the page's data: a purge while it renders keeps it out
    try:
        response = _render(view, request, args, kwargs)
    except DATABASE_ERRORS:
        if not (entry and entry["generation"] == state["generation"] and now < entry["expires"] + stale_if_error):
            raise
        return _served(request, entry, now, state, clock, "stale")
    keys = _page_keys(request)
    if not _cacheable(request, response):
        if not getattr(response, "streaming", False):
            _key_headers(response, keys)
        return response
    content = response.content
    parts = holes.split(content) if holes.PLACEHOLDER in content else None
    entry = {
        "generation": state["generation"],
        "content_type": response["Content-Type"],
        "etag": getattr(response, "newsroom_etag", None) or _etag(content),
        "built": now,
        "expires": (now if getattr(request, "_newsroom_not_stored", False)
                    else expiry(keys, state, now, settings.NEWSROOM_PAGE_CACHE_SECONDS)),
        "keys": keys,
        "key_headers": _key_header_values(keys),  # made once, sent with every hit
        "holes": parts is not None,
        # A page with holes is kept cut at them (holes.split): filling it on each response is a join.
        **({"parts": parts} if parts is not None else {"content": content}),
    }
    if entry["expires"] > now:
        timeout = max(1, math.ceil(entry["expires"] - now)) + stale_if_error
        if cacheindex.store(key, entry, timeout, keys, clock, started) and local_seconds:
            _local.remember_page(key, entry, now)
    built = etag = None
    if parts is not None:
        response.content, built, block_etags = holes.fill_parts(parts, state, clock, now)
        etag = _filled_etag(entry["etag"], block_etags)
    response["X-Page-Cache"] = "miss"
    return _public_headers(request, response, entry, now, built, etag)


def register_hole(name, render, seconds=None):
    """A block cached on its own and filled into pages per request (articles/holes.py)."""
    from . import holes

    holes.register(name, render, seconds)


def register_assembled_hole(name, *, parts, assemble, part_renders, seconds=None, leave_out=None):
    """A hole assembled per request from parts cached on their own (articles/holes.py); `part_renders` names
    each part's render, `leave_out` is holes.register_assembled's."""
    from . import holes

    for part, render in part_renders.items():
        holes.register_part(part, render, seconds)
    holes.register_assembled(name, parts=parts, assemble=assemble, leave_out=leave_out)


def hole(name, **params):
    """The placeholder of a hole, for a page or a stored fragment (public_page fills it on every response)."""
    from . import holes

    return holes.placeholder(name, params)
