"""The public site's page cache: what is stored, for how long, and what throws it away.

Every cached page is stored with the *generation* of the site it was rendered from. One small record
in the cache (the site state) holds the current generation, the time of the next scheduled story and
the section menu. Any change to public content deletes that record, so the next request starts a new
generation and every page is rendered afresh: with Redis this holds across all app servers at once.
A page never outlives the next scheduled publish time, so a scheduled story appears by itself.

Logged-in users (staff) are never served from, nor stored in, the shared cache; previews live in the
admin and never pass through here.
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
from django.db.models import Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_cache_control
from django.utils.http import http_date, urlencode

from .models import Article, Author, Byline, Caption, Correction, Photo, Section, Tag, Transition
from .signals import article_changed

STATE_KEY = "public:state"
PAGE_KEY_PREFIX = "public:page:"
# How long the server keeps a page, and how long browsers and CDNs may (the server is purged, they are not).
PAGE_SECONDS = getattr(settings, "NEWSROOM_PAGE_CACHE_SECONDS", 300)
BROWSER_SECONDS = getattr(settings, "NEWSROOM_BROWSER_CACHE_SECONDS", 60)
STALE_SECONDS = getattr(settings, "NEWSROOM_STALE_SECONDS", 30)
STATE_SECONDS = 3600
# Second level in each process's memory: pages and the site state are trusted for this many seconds
# without asking the shared cache. 0 (dev and tests) asks it on every request, so a change made on one
# server shows on every server at once; 1 (production's default) saves the round trip to Redis on hot
# pages, at the price of up to one second before another server notices a change (its own show at once).
LOCAL_SECONDS = getattr(settings, "NEWSROOM_PAGE_CACHE_LOCAL_SECONDS", 0)
if settings.CACHES["default"]["BACKEND"].endswith("DummyCache"):
    LOCAL_SECONDS = 0  # caching turned off on purpose: no copy in memory either
LOCAL_PAGES = 500
# The only query parameters public pages read; anything else is ignored and shares the page.
PAGE_PARAMETERS = ("q", "trang", "truoc", "sau")


def _compute_state(now):
    # One query: the section menu, each row carrying the (uncorrelated, computed once) next publish time.
    # Every story belongs to a section, so no sections means no scheduled story either.
    next_publish = Article.objects.scheduled().order_by("published_at").values("published_at")[:1]
    rows = list(Section.objects.annotate(next_publish=Subquery(next_publish))
                .values_list("id", "name", "slug", "next_publish"))
    state = {
        "generation": secrets.token_hex(8),
        "next_publish": rows[0][3].timestamp() if rows and rows[0][3] else None,
        "sections": [{"id": pk, "name": name, "slug": slug} for pk, name, slug, _ in rows],
        "built": now,
    }
    timeout = STATE_SECONDS
    if state["next_publish"] is not None:
        timeout = max(1, min(timeout, math.ceil(state["next_publish"] - now)))
    cache.set(STATE_KEY, state, timeout)
    return state


def _valid_state(state, now):
    return state is not None and (state["next_publish"] is None or now < state["next_publish"])


def site_state(request=None):
    """The current generation, next scheduled publish time and section menu (read once per request)."""
    state = getattr(request, "_newsroom_state", None)
    now = time.time()
    if not _valid_state(state, now):
        state = cache.get(STATE_KEY)
        if not _valid_state(state, now):
            state = _compute_state(now)
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

    def fresh_state(self, now):
        state = self.state
        if state is not None and now - self.checked < LOCAL_SECONDS and _valid_state(state, now):
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


def invalidate(**kwargs):
    """Forget every cached public page (all servers sharing the cache)."""
    with _local.lock:
        _local.clear()
    cache.delete(STATE_KEY)


def content_changed(sender=None, **kwargs):
    # Now, for this process, and again after the commit: a page rendered by another server between the
    # two would otherwise be stored with the old content under the new generation.
    invalidate()
    transaction.on_commit(invalidate)


# Transition rows mark every status change (workflow.py writes status with update(), which sends no post_save).
for _model in (Article, Author, Byline, Caption, Correction, Photo, Section, Tag, Transition):
    post_save.connect(content_changed, sender=_model, dispatch_uid=f"public-cache-save-{_model.__name__}")
    post_delete.connect(content_changed, sender=_model, dispatch_uid=f"public-cache-delete-{_model.__name__}")
m2m_changed.connect(content_changed, sender=Article.tags.through, dispatch_uid="public-cache-tags")
article_changed.connect(content_changed, dispatch_uid="public-cache-article-changed")


def is_private_request(request) -> bool:
    """A request from a logged-in user; only checked when a session cookie exists, so visitors cost nothing."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is None or user.is_authenticated


def page_key(request) -> str:
    parameters = [(name, request.GET.get(name, "")) for name in PAGE_PARAMETERS if name in request.GET]
    raw = f"{request.path}?{urlencode(parameters)}"
    return PAGE_KEY_PREFIX + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _cacheable(response) -> bool:
    return response.status_code == 200 and not response.cookies and not getattr(response, "streaming", False)


def _public_headers(request, response, entry, now):
    fresh = max(0, int(entry["expires"] - now))
    max_age = min(BROWSER_SECONDS, fresh)
    stale = min(STALE_SECONDS, fresh - max_age)
    directives = {"public": True, "max_age": max_age}
    if stale > 0:
        directives["stale_while_revalidate"] = stale
    patch_cache_control(response, **directives)
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["built"])
    return get_conditional_response(request, etag=entry["etag"], last_modified=int(entry["built"]), response=response)


def public_page(view):
    """Serve a public view from the shared page cache, with Cache-Control, ETag and Last-Modified."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        if is_private_request(request):
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
            return response

        key = page_key(request)
        now = time.time()
        state = _local.fresh_state(now) if LOCAL_SECONDS else None
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
            if LOCAL_SECONDS:
                _local.remember_state(state, now)
                if entry is not None:
                    _local.remember_page(key, entry)
        if entry and entry["generation"] == state["generation"] and entry["expires"] > now:
            response = HttpResponse(entry["content"], content_type=entry["content_type"])
            response["X-Page-Cache"] = "hit"
            return _public_headers(request, response, entry, now)

        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if not _cacheable(response):
            return response
        expires = now + PAGE_SECONDS
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
            cache.set(key, entry, max(1, math.ceil(expires - now)))
            if LOCAL_SECONDS:
                _local.remember_page(key, entry)
        response["X-Page-Cache"] = "miss"
        return _public_headers(request, response, entry, now)

    return wrapped
