"""Holes: blocks cached on their own and filled into every response, so they do not tie pages to publishes.

A page (or a stored fragment) holds a placeholder `<!--hole:name?k=v;k2=v2-->` (percent-encoded) where a block
goes (caching.hole, or `{% hole "related" section=3 %}` from the `holes` template library). public_page fills the
placeholders of every response (hit, miss, private) from the block entries, fetched in one cache round trip; a
missing one is rendered by the hole's `render(params) -> (html, keys)` and stored under
`public:block:<name>:<params>`, indexed by its keys like a page (articles/cacheindex.py), so a publish in a
section purges that section's related blocks and not the story pages that show them. A block's keys are not the
page's: a CDN copy of a page holds its blocks as they were, for at most its max-age.

Outside public_page (the staff preview), the template tag renders the block in place.
"""
import hashlib
import logging
import re
import time
from urllib.parse import quote, unquote

from django.conf import settings
from django.core.cache import cache
from django.utils.html import format_html

from newsroom.errors import DATABASE_ERRORS

from . import cacheindex, cachekeys

logger = logging.getLogger("newsroom.cache")

PLACEHOLDER = b"<!--hole:"
BLOCK_KEY_PREFIX = "public:block:"
# How long a block is kept by default: blocks are purged by their keys, and kept when the page cache is off
# (NEWSROOM_PAGE_CACHE_SECONDS=0, the bench's cold pages).
BLOCK_SECONDS = 300
_PATTERN = re.compile(rb"<!--hole:([a-z0-9_-]+)\?([^>]*?)-->")
_holes = {}


def register(name, render, seconds=None):
    """`render(params: dict[str, str]) -> (html, keys)`; called from an AppConfig.ready()."""
    if not re.fullmatch(r"[a-z0-9_-]+", name):
        raise ValueError(f"A hole's name is lower-case ASCII, digits, - and _: {name!r}")
    _holes[name] = (render, seconds)


def _query(params):
    # Every character but letters, digits and _.-~ percent-encoded: nothing in it for HTML escaping to change.
    return ";".join(f"{quote(str(k), safe='')}={quote(str(v), safe='')}" for k, v in sorted(params.items()))


def _params(query):
    pairs = (part.split("=", 1) for part in query.split(";") if "=" in part)
    return {unquote(k): unquote(v) for k, v in pairs}


def placeholder(name, params):
    return format_html("<!--hole:{}?{}-->", name, _query(params))


def render_inline(name, params):
    """The block itself, uncached (previews, pages outside the page cache); a render's plain str is escaped."""
    render, _ = _holes[name]
    html, _keys = render({str(k): str(v) for k, v in params.items()})
    return format_html("{}", html)


def block_key(name, query):
    return f"{BLOCK_KEY_PREFIX}{name}:{query}"


def _block_etag(html):
    return hashlib.md5(html.encode(), usedforsecurity=False).hexdigest()


def _render_block(name, query, state, now, clock, started):
    from .caching import expiry

    render, seconds = _holes[name]
    html, keys = render(_params(query))
    keys = sorted(set(keys) | {cachekeys.SITE})
    entry = {"generation": state["generation"], "html": html, "etag": _block_etag(html), "keys": keys, "built": now,
             "expires": expiry(keys, state, now, seconds or BLOCK_SECONDS)}
    kept = False
    if entry["expires"] > now:
        timeout = int(entry["expires"] - now) + 1 + settings.NEWSROOM_STALE_IF_ERROR_SECONDS
        kept = cacheindex.store(block_key(name, query), entry, timeout, keys, clock, started)
    return entry, kept


def split(content):
    """`content` cut at its holes: static bytes and (name, query) pairs in turn, so that filling it is a join.

    Placeholders of holes nobody registered stay in the static bytes, as fill leaves them.
    """
    parts, last = [], 0
    for match in _PATTERN.finditer(content):
        name = match.group(1).decode()
        if name not in _holes:
            continue
        parts += [content[last:match.start()], (name, match.group(2).decode())]
        last = match.end()
    if not parts:
        return None
    parts.append(content[last:])
    return tuple(parts)


def fill(request, content, state, clock, now):
    """`content` with its holes filled, and the newest block's build time."""
    parts = split(content)
    if parts is None:
        return content, None
    content, built, _signature = fill_parts(parts, state, clock, now)
    return content, built


def fill_parts(parts, state, clock, now):
    """The page of `parts` (split) with its blocks in place, the newest block's build time, and the blocks' etags in
    order (with the page's own etag, they name these exact bytes)."""
    from .caching import _local, _local_seconds

    found_holes = set(parts[1::2])
    started = time.monotonic()
    local_seconds = _local_seconds()
    blocks, wanted = {}, []
    for name, query in found_holes:
        key = block_key(name, query)
        entry = _local.page(key, now, local_seconds) if local_seconds else None
        if entry is not None:
            blocks[(name, query)] = entry
        else:
            wanted.append(key)
    fetched = cache.get_many(wanted + [cacheindex.CLOCK_KEY]) if wanted else {}
    if clock is None and wanted:
        clock = cacheindex.clock_of(fetched)  # read before any data a block is rendered from
    for name, query in found_holes:
        if (name, query) in blocks:
            continue
        key = block_key(name, query)
        entry = fetched.get(key)
        fresh = entry is not None and entry["generation"] == state["generation"] and entry["expires"] > now
        if not fresh:
            try:
                entry, kept = _render_block(name, query, state, now, clock, started)
            except DATABASE_ERRORS:
                stale = settings.NEWSROOM_STALE_IF_ERROR_SECONDS
                if not (entry and entry["generation"] == state["generation"] and now < entry["expires"] + stale):
                    logger.warning("The %s block could not be rendered: left out", name, exc_info=True)
                    entry = {"html": "", "built": now, "keys": []}
                kept = False
            fresh = kept
        if "etag" not in entry:
            entry["etag"] = _block_etag(entry["html"])  # a block stored before blocks had one, or left out
        if fresh and local_seconds:
            _local.remember_page(key, entry, now)
        blocks[(name, query)] = entry

    pieces, etags = list(parts), []
    for i in range(1, len(pieces), 2):
        entry = blocks[pieces[i]]
        pieces[i] = entry["html"].encode()
        etags.append(entry["etag"])
    return b"".join(pieces), max(entry["built"] for entry in blocks.values()), etags
