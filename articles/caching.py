"""The public site's page cache: what is stored, for how long, and what throws it away.

Every cached page is stored with the *generation* of the site it was rendered from. One small record
in the cache (the site state) holds the current generation, the time of the next scheduled change, the
section menu and what other apps add (the masthead, the front page's pins). Any change to public content
deletes that record, so the next request starts a new generation and every page is rendered afresh: with
Redis this holds across all app servers at once. A page never outlives the next scheduled change (a story's
publish time, a front-page layout's switch, a pin's expiry), so these happen by themselves.

Only changes the public can see purge: a reporter's private draft (never published) changes nothing
here, so saving it leaves every cached page alone.

Each public view declares the query parameters it reads (`@public_page(parameters=("truoc", "sau"))`):
the view sees only those, and only those are part of the cache key, so `?utm_source=` or `?q=<random>` on
a page that does not read them shares its one cached copy instead of filling the cache.

Logged-in users (staff) are never served from, nor stored in, the shared cache; previews live in the
admin and never pass through here. Search results are never stored either (`shared=False`): a hit would
tell the next visitor what somebody searched for a moment ago.

The cache may be down (see newsroom/redis_breaker.py): reads then miss and pages are rendered. A purge
that could not reach it is remembered in this process and sent again before the next page is read from
the cache, so a Redis that comes back with its old pages (frozen, then thawed) serves none of them.
"""
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
from django.db.models import Q, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_cache_control
from django.utils.http import http_date

from newsroom.errors import DATABASE_ERRORS
from photos.models import Photo

from .models import Article, Author, Byline, Caption, Correction, Section, Status, Tag, Transition
from .signals import article_changed

STATE_KEY = "public:state"
PAGE_KEY_PREFIX = "public:page:"
STATE_SECONDS = 3600
# How long pages are kept, by the server and by browsers and CDNs (the server is purged, they are not), and how
# long a page past its freshness is still served with the database down (CDNs are told they may do the same
# with stale-if-error): settings.NEWSROOM_PAGE_CACHE_SECONDS, _BROWSER_CACHE_SECONDS, _STALE_SECONDS and
# _STALE_IF_ERROR_SECONDS, read on each request. Content purged meanwhile (an unpublished story) is never
# served stale: a purge removes the site state these pages need.


def _local_seconds():
    """How long this process trusts its own copy of the site state and hot pages (the second level).

    0 (dev and tests) asks the shared cache on every request, so a change made on one server shows on every
    server at once; 1 (production's default) saves the round trip to Redis on hot pages, at the price of up to
    one second before another server notices a change (its own show at once).
    """
    if settings.CACHES["default"]["BACKEND"].endswith("DummyCache"):
        return 0  # caching turned off on purpose: no copy in memory either
    return settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS


LOCAL_PAGES = 500
# A story in one of these states, or one that has ever been out, has (or had) a public page.
PUBLIC_STATUSES = (Status.PUBLISHED, Status.UNPUBLISHED)


# What other apps keep in the site state beside the menu (the masthead, the front page's pins): name -> read,
# a function of the current time answering (value, when) where `when` is the next time the value changes by
# itself (a scheduled layout, a pin's expiry), or None. Registered from each app's AppConfig.ready().
_STATE_PARTS = {}


def add_state_part(name, read):
    """Keep read(now)'s value in the site state under `name`; pages expire when it next changes by itself."""
    _STATE_PARTS[name] = read


def _compute_state(now, fallback=None):
    """A new site state from the database; with the database down, the last one stored (`fallback`), if any."""
    # One query: the section menu, each row carrying the (uncorrelated, computed once) next publish time.
    # Every story belongs to a section, so no sections means no scheduled story either. Then one query or
    # so per registered part (the masthead, the front page), read only when the state is rebuilt.
    next_publish = Article.objects.scheduled().order_by("published_at").values("published_at")[:1]
    try:
        rows = list(Section.objects.annotate(next_publish=Subquery(next_publish))
                    .values_list("id", "name", "slug", "next_publish"))
        parts = {name: read(timezone.now()) for name, read in _STATE_PARTS.items()}
    except DATABASE_ERRORS:
        if fallback is None:
            raise
        # Its pages may still be served while the database is away (stale if error): nothing has been
        # purged since it was built, or it would be gone from the cache.
        return fallback
    changes = [when.timestamp() for _, when in parts.values() if when is not None]
    if rows and rows[0][3]:
        changes.append(rows[0][3].timestamp())
    state = {
        "generation": secrets.token_hex(8),
        "next_publish": min(changes) if changes else None,
        "sections": [{"id": pk, "name": name, "slug": slug} for pk, name, slug, _ in rows],
        "built": now,
        **{name: value for name, (value, _) in parts.items()},
    }
    # Kept past its validity (see _valid_state) so that a database outage still finds it.
    cache.set(STATE_KEY, state, STATE_SECONDS + settings.NEWSROOM_STALE_IF_ERROR_SECONDS)
    return state


def _valid_state(state, now):
    return (state is not None and now - state["built"] < STATE_SECONDS
            and (state["next_publish"] is None or now < state["next_publish"]))


def site_state(request=None):
    """The current generation, next scheduled publish time, section menu and masthead (read once per request)."""
    state = getattr(request, "_newsroom_state", None)
    now = time.time()
    if not _valid_state(state, now):
        state = cache.get(STATE_KEY)
        if not _valid_state(state, now):
            state = _compute_state(now, fallback=state)
        if request is not None:
            request._newsroom_state = state
    return state


class _LocalCache:
    """The optional per-process level: the last site state seen and the most used pages (LRU)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        self.state, self.checked, self.pages = None, 0.0, OrderedDict()

    def fresh_state(self, now, seconds):
        state = self.state
        if state is not None and now - self.checked < seconds and _valid_state(state, now):
            return state
        return None

    def remember_state(self, state, now):
        with self.lock:
            if self.state is None or state["generation"] != self.state["generation"]:
                self.pages = OrderedDict()
            self.state, self.checked = state, now

    def page(self, key):
        with self.lock:
            entry = self.pages.get(key)
            if entry is not None:
                self.pages.move_to_end(key)
            return entry

    def remember_page(self, key, entry):
        with self.lock:
            self.pages[key] = entry
            self.pages.move_to_end(key)
            while len(self.pages) > LOCAL_PAGES:
                self.pages.popitem(last=False)


_local = _LocalCache()


_purge_pending = False  # a purge this process could not deliver to the shared cache (it was down)


def _purge_shared_state():
    global _purge_pending
    # django-redis answers None (instead of True or False) when it could not reach Redis.
    _purge_pending = cache.delete(STATE_KEY) is None


def invalidate(**kwargs):
    """Forget every cached public page (all servers sharing the cache)."""
    with _local.lock:
        _local.clear()
    _purge_shared_state()


def _stories_with_public_pages():
    return Article.objects.filter(Q(status__in=PUBLIC_STATUSES) | Q(first_published_at__isnull=False))


def _article_is_public(article) -> bool:
    return article.status in PUBLIC_STATUSES or article.first_published_at is not None


def _story_is_public(article_id) -> bool:
    return article_id is not None and _stories_with_public_pages().filter(pk=article_id).exists()


def _remember_if_public(sender, instance, raw=False, **kwargs):
    # Read from the database: the form's copy may be older than a workflow move made meanwhile.
    instance._had_public_page = (not raw and instance.pk is not None and _story_is_public(instance.pk))


def shows_in_public(sender, instance) -> bool:
    """Whether a change to `instance` can change what a visitor sees."""
    if sender is Article:
        # Before the save, as saved, or as the database has it now (a workflow move may have come between).
        return (getattr(instance, "_had_public_page", False) or _article_is_public(instance)
                or _story_is_public(instance.pk))
    if sender is Transition:
        return instance.from_status in PUBLIC_STATUSES or instance.to_status in PUBLIC_STATUSES
    if sender in (Byline, Caption, Correction):
        return _story_is_public(instance.article_id)
    if sender is Photo:
        return (Author.objects.filter(portrait=instance).exists()
                or Caption.objects.filter(photo=instance, article__in=_stories_with_public_pages()).exists()
                # placed in the text (richtext.PHOTO_FIGURE)
                or _stories_with_public_pages().filter(body__contains=f'data-photo="{instance.pk}"').exists())
    return True  # sections, authors, tags: each has a public page of its own


def content_changed(sender=None, instance=None, signal=None, **kwargs):
    if instance is None and sender is Article:
        instance = kwargs.get("article")  # article_changed
    # A deleted photo has already been unlinked from its authors (SET_NULL, no signal): always purge.
    photo_deleted = signal is post_delete and sender is Photo
    if instance is not None and not photo_deleted and not shows_in_public(type(instance), instance):
        return
    # Now, for this process, and again after the commit: a page rendered by another server between the
    # two would otherwise be stored with the old content under the new generation.
    invalidate()
    transaction.on_commit(invalidate)


# Every model whose rows a public page shows. Transition rows mark every status change (workflow.py writes
# status with update(), which sends no post_save).
PUBLIC_MODELS = (Article, Author, Byline, Caption, Correction, Photo, Section, Tag, Transition)


def listen_for_changes():
    """Purge on every change to what the public sees (called once, from ArticlesConfig.ready())."""
    pre_save.connect(_remember_if_public, sender=Article, dispatch_uid="public-cache-article-before")
    for model in PUBLIC_MODELS:
        post_save.connect(content_changed, sender=model, dispatch_uid=f"public-cache-save-{model.__name__}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"public-cache-delete-{model.__name__}")
    m2m_changed.connect(content_changed, sender=Article.tags.through, dispatch_uid="public-cache-tags")
    article_changed.connect(content_changed, dispatch_uid="public-cache-article-changed")


def is_private_request(request) -> bool:
    """A request from a logged-in user; only checked when a session cookie exists, so visitors cost nothing."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is None or user.is_authenticated


def _declared_query(request, parameters) -> QueryDict:
    """The request's query string cut to the parameters the view declared, one value each, in a fixed order."""
    query = QueryDict(mutable=True)
    for name in sorted(parameters):
        if name in request.GET:
            query[name] = request.GET.get(name)
    query._mutable = False
    return query


def page_key(request) -> str:
    raw = f"{request.path}?{request.GET.urlencode()}"
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


def _public_headers(request, response, entry, now):
    fresh = max(0, int(entry["expires"] - now))
    max_age = min(settings.NEWSROOM_BROWSER_CACHE_SECONDS, fresh)
    stale = min(settings.NEWSROOM_STALE_SECONDS, fresh - max_age)
    directives = {"public": True, "max_age": max_age}
    if settings.NEWSROOM_STALE_IF_ERROR_SECONDS:
        directives["stale_if_error"] = settings.NEWSROOM_STALE_IF_ERROR_SECONDS
    if stale > 0:
        directives["stale_while_revalidate"] = stale
    patch_cache_control(response, **directives)
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["built"])
    return get_conditional_response(request, etag=entry["etag"], last_modified=int(entry["built"]), response=response)


def public_page(view=None, *, parameters=(), shared=True):
    """Serve a public view from the shared page cache, with Cache-Control, ETag and Last-Modified.

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
        if not shared or is_private_request(request):
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
            return response

        if _purge_pending:
            _purge_shared_state()
        key = page_key(request)
        now = time.time()
        local_seconds = _local_seconds()
        stale_if_error = settings.NEWSROOM_STALE_IF_ERROR_SECONDS
        state = _local.fresh_state(now, local_seconds) if local_seconds else None
        if state is not None:
            request._newsroom_state = state
            entry = _local.page(key)
            if entry is None:
                entry = cache.get(key)
                if entry is not None:
                    _local.remember_page(key, entry)
        else:
            found = cache.get_many([STATE_KEY, key])
            state = found.get(STATE_KEY)
            if _valid_state(state, now):
                request._newsroom_state = state
            else:
                state = site_state(request)
            entry = found.get(key)
            if local_seconds:
                _local.remember_state(state, now)
                if entry is not None:
                    _local.remember_page(key, entry)
        if entry and entry["generation"] == state["generation"] and entry["expires"] > now:
            response = HttpResponse(entry["content"], content_type=entry["content_type"])
            response["X-Page-Cache"] = "hit"
            return _public_headers(request, response, entry, now)

        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        except DATABASE_ERRORS:
            if not (entry and entry["generation"] == state["generation"]
                    and now < entry["expires"] + stale_if_error):
                raise
            response = HttpResponse(entry["content"], content_type=entry["content_type"])
            response["X-Page-Cache"] = "stale"
            return _public_headers(request, response, entry, now)
        if not _cacheable(request, response):
            return response
        expires = now + settings.NEWSROOM_PAGE_CACHE_SECONDS
        if state["next_publish"] is not None:
            expires = min(expires, state["next_publish"])
        entry = {
            "generation": state["generation"],
            "content": response.content,
            "content_type": response["Content-Type"],
            "etag": '"%s"' % hashlib.md5(response.content, usedforsecurity=False).hexdigest(),
            "built": now,
            "expires": expires,
        }
        if expires > now:
            cache.set(key, entry, max(1, math.ceil(expires - now)) + stale_if_error)
            if local_seconds:
                _local.remember_page(key, entry)
        response["X-Page-Cache"] = "miss"
        return _public_headers(request, response, entry, now)

    # What the view declared, for the test that finds every public route in the URL conf (tests/articles/
    # test_caching.py); functools.wraps carries it through read_only() and other wrappers.
    wrapped.public_page_parameters = parameters
    return wrapped
