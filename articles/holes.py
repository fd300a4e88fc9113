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
import logging
import re
import secrets
import time
from typing import Callable, NamedTuple
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
_holes = {}  # name -> _Hole


class LeaveOut(NamedTuple):
    """How a hole's block differs from page to page by one item only (the story being read): `param` names the item
    left out, `listed(values)` the ids of the items its parts hold. Pages whose left-out item none of the parts
    list get the same block, assembled once."""

    param: str
    listed: Callable


class _Hole(NamedTuple):
    parts: Callable
    assemble: Callable
    leave_out: LeaveOut | None


def _check_name(name):
    if not _NAME.fullmatch(name):
        raise ValueError(f"A hole's or part's name is lower-case ASCII, digits, - and _: {name!r}")


def register_part(name, render_many, seconds=None):
    """A part holes are assembled from: `render_many([params: dict[str, str], ...]) -> [(value, keys), ...]`
    renders the missing ones of a request together (one query for them all), each value picklable."""
    _check_name(name)
    _parts[name] = (render_many, seconds)
    forget_blocks()


def register_assembled(name, *, parts, assemble, leave_out=None):
    """A hole assembled per request from parts, with no database: `parts(params) -> [(part name, part params)]`,
    `assemble(params, values) -> Framed or html` with the parts' values in that order (AppConfig.ready()).

    `leave_out` (a LeaveOut) when the block leaves one item out (`parts` must not depend on that parameter, and
    `assemble` without it must give the block of any page whose left-out item is not listed)."""
    _check_name(name)
    if leave_out is not None and not re.fullmatch(r"[a-z_]+", leave_out.param):
        raise ValueError(f"A left-out item's parameter is lower-case ASCII and _: {leave_out.param!r}")
    _holes[name] = _Hole(parts, assemble, leave_out)
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
    parts, assemble, _leave_out = _holes[name]
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
    fetched_clock = cacheindex.clock_of(fetched)
    if local_seconds:
        _local.saw_clock(fetched_clock, now)
    if clock is None:
        clock = fetched_clock  # read before any data a part is rendered from
    missing = {}
    for key in asked:
        entry = fetched.get(key)
        if _usable(entry, state, now):
            entries[key] = entry
            if local_seconds:
                # Kept while the clock stays where it was when the part was read (no purge since, anywhere).
                _local.remember_page(key, entry, now, fetched_clock)
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
                _local.remember_page(key, entry, now, clock)
            entries[key] = entry
    return entries


def split(content):
    """`content` cut at its holes: static bytes and (name, query) pairs in turn, so that filling it is a join.

    Placeholders of holes nobody registered stay in the static bytes, as fill leaves them.
    """
    # bytes.find runs at memchr's speed; the pattern is tried only where a placeholder starts (the regular expression
    # over the whole page, which has no literal prefix to skip ahead by, cost 21 us of a 17 KB story page).
    parts, last, at = [], 0, content.find(PLACEHOLDER)
    while at >= 0:
        match = _PATTERN.match(content, at)
        if match is None or match.group(1).decode() not in _holes:  # left in the static bytes, as fill leaves it
            at = content.find(PLACEHOLDER, at + 1 if match is None else match.end())
            continue
        parts += [content[last:at], (match.group(1).decode(), match.group(2).decode())]
        last = match.end()
        at = content.find(PLACEHOLDER, last)
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
    from .caching import digest

    return digest(html)


# Filling a page's holes on every response, from this process's memory where it can (sizes bound both):
# - which parts each hole is made of (a function of the hole's parameters alone, less the item it leaves out);
# - each hole's block as last assembled, with the tokens of the part entries it came from (each render of a part
#   stores a random token): the same stored parts give the same block, so it is not assembled and hashed again.
#   Tokens, not the entries: the memo holds no part's value. A hole that leaves one item out (LeaveOut) is
#   remembered without it, with the ids its parts list: every page whose left-out item is not among them (most
#   story pages: a story is rarely among its own section's newest or the most read) takes that one block.
MEMORY_SIZE = 4096
_plans = {}
_blocks = {}


class _Plan(NamedTuple):
    shared: tuple  # (name, query) without the left-out item
    left_out: int | str | None  # the id of the item left out, if any
    parts: tuple  # ((cache key, part name, part query), ...)


_shares = {}


def _shared(hole):
    """(the hole without its left-out item, that item's id or None), parsed once per hole."""
    found = _shares.get(hole)
    if found is None:
        if len(_shares) >= MEMORY_SIZE:
            _shares.clear()
        found = _shares[hole] = _parse_shared(hole)
    return found


def _parse_shared(hole):
    name, query = hole
    leave_out = _holes[name].leave_out
    if leave_out is None:
        return hole, None
    prefix, kept, left = leave_out.param + "=", [], None
    for pair in query.split(";"):
        if pair.startswith(prefix):
            value = unquote(pair[len(prefix):])
            # Anything but an id (no placeholder of ours holds one) gets a block of its own, assembled as it says.
            left = int(value) if value.isdigit() else value or None
        else:
            kept.append(pair)
    return (name, ";".join(kept)), left


def _plan(hole):
    """The hole (name, query)'s _Plan (remembered for the hole without its left-out item: one per section and
    topics, not one per story)."""
    shared, left_out = _shared(hole)
    parts = _plans.get(shared)
    if parts is None:
        parts = tuple((block_key(part, part_query), part, part_query)
                      for part, part_params in _holes[shared[0]].parts(_params(shared[1]))
                      for part_query in [_query(part_params)])
        if len(_plans) >= MEMORY_SIZE:
            _plans.clear()
        _plans[shared] = parts
    return _Plan(shared, left_out, parts)


def _assembled(hole, values):
    name, query = hole
    if any(v is None for v in values):
        return b""
    return _html(_holes[name].assemble(_params(query), values)).encode()


def _remember(key, found):
    if len(_blocks) >= MEMORY_SIZE:
        _blocks.clear()
    _blocks[key] = found


def _block(plan, hole, got):
    """The hole's block (HTML bytes, etag) assembled from the part entries `got` (in its plan's order)."""
    signature = tuple(entry.get("token") for entry in got)
    remembered = None not in signature
    found = _blocks.get(plan.shared)
    if found is None or found[0] != signature:
        values = [entry["value"] for entry in got]
        html = _assembled(plan.shared, values)
        leave_out = _holes[hole[0]].leave_out
        listed = frozenset(leave_out.listed(values)) if leave_out and html else frozenset()
        found = (signature, (html, _block_etag(html)), listed)
        if remembered and html:  # a part without a token, or one that could not be had: not remembered
            _remember(plan.shared, found)
    if plan.left_out is None or (isinstance(plan.left_out, int) and plan.left_out not in found[2]):
        return found[1]
    # The page's own item is listed: its own block, remembered under the hole itself.
    own = _blocks.get(hole)
    if own is not None and remembered and own[0] == signature:
        return own[1]
    html = _assembled(hole, [entry["value"] for entry in got])
    block = (html, _block_etag(html))
    if remembered and html:
        _remember(hole, (signature, block, frozenset()))
    return block


def forget_blocks():
    """Empty this process's memory of plans and assembled blocks (a part's registration changed, say)."""
    _plans.clear()
    _blocks.clear()
    _shares.clear()


def fill_parts(parts, state, clock, now):
    """The page of `parts` (split) with its blocks in place, the newest part's build time, and the blocks' etags in
    order (with the page's own etag, they name these exact bytes)."""
    plans, wanted = {}, {}
    for hole in parts[1::2]:
        if hole not in plans:
            plans[hole] = plan = _plan(hole)
            for key, part, part_query in plan.parts:
                wanted[key] = (part, part_query)
    entries = _fetch_parts(wanted, state, clock, now)
    blocks = {hole: _block(plan, hole, tuple(entries[key] for key, _part, _query in plan.parts))
              for hole, plan in plans.items()}

    pieces, etags = list(parts), []
    for i in range(1, len(pieces), 2):
        pieces[i], etag = blocks[pieces[i]]
        etags.append(etag)
    built = max((entry["built"] for entry in entries.values()), default=None)
    return b"".join(pieces), built, etags
