"""Holes: blocks cached on their own and filled into every response, so they do not tie pages to publishes.

A page (or a stored fragment) holds a placeholder `<!--hole:name?k=v;k2=v2-->` (percent-encoded) where a block
goes (caching.hole, or `{% hole "related" section=3 %}` from the `holes` template library). public_page fills the
placeholders of every response (hit, miss, private) from cached parts, fetched in one cache round trip.

A part is a value cached under `public:block:<name>:<params>` and indexed by the keys it shows like a page
(articles/cacheindex.py), so a publish in a section purges that section's parts and not the story pages that
show them; a missing part is rendered by its `render(params) -> (value, keys)` and stored. A hole is assembled
from one or more parts with no database: `parts(params)` names them, `assemble(params, values)` joins them. So a
block that differs a little from page to page (related stories leaving out the story being read) is made of
parts that many pages share. A hole that is one block (`register`) is its own single part. A block's keys are
not the page's: a CDN copy of a page holds its blocks as they were, for at most its max-age.

Outside public_page (the staff preview), the template tag renders the block in place.
"""
import hashlib
import logging
import re
import secrets
import time
from typing import NamedTuple
from urllib.parse import quote, unquote

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.html import format_html

from newsroom.errors import DATABASE_ERRORS

from . import cacheindex, cachekeys

logger = logging.getLogger("newsroom.cache")

PLACEHOLDER = b"<!--hole:"
BLOCK_KEY_PREFIX = "public:block:"
# How long a part is kept by default: parts are purged by their keys, and kept when the page cache is off
# (NEWSROOM_PAGE_CACHE_SECONDS=0, the bench's cold pages).
BLOCK_SECONDS = 300
_NAME = re.compile(r"[a-z0-9_-]+")
_PATTERN = re.compile(rb"<!--hole:([a-z0-9_-]+)\?([^>]*?)-->")
_parts = {}  # name -> (render, seconds)
_holes = {}  # name -> (parts, assemble)


def _check_name(name):
    if not _NAME.fullmatch(name):
        raise ValueError(f"A hole's or part's name is lower-case ASCII, digits, - and _: {name!r}")


def register_part(name, render_many, seconds=None):
    """A part holes are assembled from: `render_many([params: dict[str, str], ...]) -> [(value, keys), ...]`
    renders the missing ones of a request together (one query for them all), each value picklable."""
    _check_name(name)
    _parts[name] = (render_many, seconds)
    forget_blocks()


def register_assembled(name, *, parts, assemble):
    """A hole assembled per request from parts, with no database: `parts(params) -> [(part name, part params)]`,
    `assemble(params, values) -> Framed or html` with the parts' values in that order (AppConfig.ready())."""
    _check_name(name)
    _holes[name] = (parts, assemble)
    forget_blocks()


def register(name, render, seconds=None):
    """A hole that is one block, `render(params) -> (html, keys)`: its own single part."""
    register_part(name, lambda many: [render(params) for params in many], seconds)
    register_assembled(name, parts=lambda params: [(name, params)], assemble=lambda params, values: values[0])


def _query(params):
    # Every character but letters, digits and _.-~ percent-encoded: nothing in it for HTML escaping to change.
    return ";".join(f"{quote(str(k), safe='')}={quote(str(v), safe='')}" for k, v in sorted(params.items()))


def _params(query):
    pairs = (part.split("=", 1) for part in query.split(";") if "=" in part)
    return {unquote(k): unquote(v) for k, v in pairs}


def _strings(params):
    return {str(k): str(v) for k, v in params.items()}


def placeholder(name, params):
    return format_html("<!--hole:{}?{}-->", name, _query(params))


def render_inline(name, params):
    """The block itself, uncached (previews, pages outside the page cache); a plain str is escaped."""
    parts, assemble = _holes[name]
    params = _strings(params)
    values = [_parts[part][0]([_strings(part_params)])[0][0] for part, part_params in parts(params)]
    block = assemble(params, values)
    if isinstance(block, Framed):
        return render_to_string(block.template_name, {block.list_name: block.items})
    return format_html("{}", block)


_ITEMS_MARK = "hole-items"


def frame(template_name, list_name):
    """A block's template cut around its list, for a part to keep: (before, after) rendered with one item standing
    for the list, and the block without items. Filling a hole then joins strings and renders no template."""
    mark = format_html("<!--{}-->", _ITEMS_MARK)
    before, after = render_to_string(template_name, {list_name: [mark]}).split(mark)
    return before, after, render_to_string(template_name, {list_name: []})


class Framed(NamedTuple):
    """What an assembled hole may answer: its items (HTML rendered by a template) in the block's template, which
    renders them as `list_name`; `frame` is that template cut around its list (frame())."""

    template_name: str
    list_name: str
    frame: tuple
    items: list


def _html(block):
    """A block as the page gets it: a Framed block joined into its frame (no template rendered), or its HTML."""
    if not isinstance(block, Framed):
        return block
    before, after, empty = block.frame
    return before + "".join(block.items) + after if block.items else empty


def block_key(name, query):
    return f"{BLOCK_KEY_PREFIX}{name}:{query}"


def _store_part(name, query, value, keys, state, now, clock, started):
    from .caching import expiry

    _render, seconds = _parts[name]
    keys = sorted(set(keys) | {cachekeys.SITE})
    entry = {"generation": state["generation"], "value": value, "keys": keys, "built": now,
             "token": secrets.token_hex(8),  # names this render of the part (see _block)
             "expires": expiry(keys, state, now, seconds or BLOCK_SECONDS)}
    kept = False
    if entry["expires"] > now:
        timeout = int(entry["expires"] - now) + 1 + settings.NEWSROOM_STALE_IF_ERROR_SECONDS
        kept = cacheindex.store(block_key(name, query), entry, timeout, keys, clock, started)
    return entry, kept


def _usable(entry, state, now, grace=0):
    return (entry is not None and "value" in entry and entry["generation"] == state["generation"]
            and now < entry["expires"] + grace)


def _fetch_parts(wanted, state, clock, now):
    """{cache key: entry} of the parts `wanted` ({cache key: (name, query)}): this process's copies, then one
    round trip to the cache, then one render per part name of those missing (an entry whose value is None could
    not be had)."""
    from .caching import _local, _local_seconds

    started = time.monotonic()
    local_seconds = _local_seconds()
    entries, asked = {}, []
    for key in wanted:
        entry = _local.page(key, now, local_seconds) if local_seconds else None
        if entry is not None:
            entries[key] = entry
        else:
            asked.append(key)
    if not asked:
        return entries
    fetched = cache.get_many(asked + [cacheindex.CLOCK_KEY])
    if clock is None:
        clock = cacheindex.clock_of(fetched)  # read before any data a part is rendered from
    missing = {}
    for key in asked:
        entry = fetched.get(key)
        if _usable(entry, state, now):
            entries[key] = entry
            if local_seconds:
                _local.remember_page(key, entry, now)
        else:
            missing.setdefault(wanted[key][0], []).append(key)
    for name, keys in missing.items():
        try:
            rendered = _parts[name][0]([_params(wanted[key][1]) for key in keys])
        except DATABASE_ERRORS:
            logger.warning("The %s parts could not be rendered", name, exc_info=True)
            for key in keys:
                entry = fetched.get(key)
                if not _usable(entry, state, now, grace=settings.NEWSROOM_STALE_IF_ERROR_SECONDS):
                    entry = {"value": None, "built": now, "keys": []}  # its holes are left out
                entries[key] = entry
            continue
        for key, (value, part_keys) in zip(keys, rendered):
            entry, kept = _store_part(name, wanted[key][1], value, part_keys, state, now, clock, started)
            if kept and local_seconds:
                _local.remember_page(key, entry, now)
            entries[key] = entry
    return entries


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
    """`content` with its holes filled, and the newest part's build time."""
    parts = split(content)
    if parts is None:
        return content, None
    content, built, _signature = fill_parts(parts, state, clock, now)
    return content, built


def _block_etag(html):
    return hashlib.md5(html, usedforsecurity=False).hexdigest()


# Filling a page's holes on every response, from this process's memory where it can (sizes bound both):
# - which parts each hole is made of (a function of the hole's parameters alone);
# - each hole's block as last assembled, with the tokens of the part entries it came from (each render of a part
#   stores a random token): the same stored parts give the same block, so it is not assembled and hashed again.
#   Tokens, not the entries: the memory holds no part's value.
MEMORY_SIZE = 4096
_plans = {}
_blocks = {}


def _plan(hole):
    """[(cache key, part name, part query), ...] of the hole (name, query)."""
    plan = _plans.get(hole)
    if plan is None:
        name, query = hole
        plan = []
        for part, part_params in _holes[name][0](_params(query)):
            part_query = _query(part_params)
            plan.append((block_key(part, part_query), part, part_query))
        if len(_plans) >= MEMORY_SIZE:
            _plans.clear()
        _plans[hole] = plan = tuple(plan)
    return plan


def _block(hole, got):
    """The hole's block (HTML bytes, etag) assembled from the part entries `got` (in its plan's order)."""
    signature = tuple(entry.get("token") for entry in got)
    found = _blocks.get(hole)
    if found is not None and None not in signature and found[0] == signature:
        return found[1]
    values = [entry["value"] for entry in got]
    name, query = hole
    html = b"" if any(v is None for v in values) else _html(_holes[name][1](_params(query), values)).encode()
    block = (html, _block_etag(html))
    if None not in signature and all(v is not None for v in values):  # a part without a token: not remembered
        if len(_blocks) >= MEMORY_SIZE:
            _blocks.clear()
        _blocks[hole] = (signature, block)
    return block


def forget_blocks():
    """Empty this process's memory of plans and assembled blocks (a part's registration changed, say)."""
    _plans.clear()
    _blocks.clear()


def fill_parts(parts, state, clock, now):
    """The page of `parts` (split) with its blocks in place, the newest part's build time, and the blocks' etags in
    order (with the page's own etag, they name these exact bytes)."""
    plans, wanted = {}, {}
    for hole in parts[1::2]:
        if hole not in plans:
            plans[hole] = plan = _plan(hole)
            for key, part, part_query in plan:
                wanted[key] = (part, part_query)
    entries = _fetch_parts(wanted, state, clock, now)
    blocks = {hole: _block(hole, tuple(entries[key] for key, _part, _query in plan)) for hole, plan in plans.items()}

    pieces, etags = list(parts), []
    for i in range(1, len(pieces), 2):
        pieces[i], etag = blocks[pieces[i]]
        etags.append(etag)
    built = max((entry["built"] for entry in entries.values()), default=None)
    return b"".join(pieces), built, etags
