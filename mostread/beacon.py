"""The view beacon: who may be counted, and the signed ticket a story page hands its script.

A story page carries a ticket (the story id signed with SECRET_KEY), so the endpoint refuses made-up ids
without asking the database; whether the story is public is then asked once per site generation (every
publication or removal purges the story's key, articles/caching.py) and remembered in the cache. Bots are told
apart by their User-Agent, and one reader's reloads of a story count once an hour (keyed by a keyed hash of
address and browser, never stored as such). No cookie is read or set.
"""
import hashlib
import hmac
import re
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html

from articles import cacheindex, cachekeys
from articles.caching import site_state
from articles.models import Article
from newsroom.login_throttle import client_address

SALT = "mostread.beacon"
# Crawlers, link previews, monitors and scripts: none of them is a reader.
BOTS = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|monitor|uptime|headless|phantom"
    r"|curl|wget|python|httpx|aiohttp|go-http|java/|okhttp|libwww|scrapy|node-fetch|axios|postman|lighthouse",
    re.IGNORECASE,
)
MAX_BODY = 200
SEEN_SECONDS = 3600


def ticket(article_id: int) -> str:
    return signing.Signer(salt=SALT).sign(str(article_id))


_script_frame = {}


def script(article_id: int) -> str:
    """The deferred script that counts a reading of the story (story pages only, never previews), with its ticket.

    The script's and the endpoint's addresses are looked up once per process and addresses in use (the settings
    and URL conf they come from), not on every story page.
    """
    where = (settings.STATIC_URL, settings.STORAGES, get_script_prefix(), get_urlconf())
    if _script_frame.get("where") != where:
        _script_frame.update(where=where, frame=format_html(
            '<script src="{}" defer data-endpoint="{}" data-ticket="', static("mostread/beacon.js"),
            reverse("mostread:count")))
    return format_html('{}{}"></script>', _script_frame["frame"], ticket(article_id))


def article_id_from(value: str):
    """The story id a ticket stands for, or None for anything else."""
    try:
        return int(signing.Signer(salt=SALT).unsign(value[:100]))
    except (signing.BadSignature, ValueError):
        return None


def is_bot(request) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "")
    return not agent or bool(BOTS.search(agent)) or request.META.get("HTTP_SEC_PURPOSE", "").startswith("prefetch")


def is_public(article_id: int) -> bool:
    """Whether the story is published now, asked once per site generation and story until the story's key is
    purged (articles/cacheindex.py: published, taken down, its scheduled time come)."""
    key = f"mostread:public:{site_state()['generation']}:{article_id}"
    found = cache.get_many([key, cacheindex.CLOCK_KEY])
    known = found.get(key)
    if known is None:
        started = time.monotonic()
        known = Article.objects.published().filter(pk=article_id).exists()
        cacheindex.store(key, known, 3600, [cachekeys.story(article_id)], cacheindex.clock_of(found), started)
    return known


def first_view_this_hour(request, article_id: int, hour) -> bool:
    """True once an hour per reader (address and browser) and story; a reload is not another reader."""
    reader = f"{client_address(request)}|{request.META.get('HTTP_USER_AGENT', '')}|{hour:%Y%m%d%H}"
    digest = hmac.new(settings.SECRET_KEY.encode(), reader.encode("utf-8", "surrogatepass"), hashlib.sha256)
    # django-redis answers None when Redis is away: then count (the database takes it), rather than lose it.
    return cache.add(f"mostread:seen:{digest.hexdigest()[:24]}:{article_id}", 1, SEEN_SECONDS) is not False
