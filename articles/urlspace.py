"""The top of the URL space, which section slugs share with the site's own paths.

A section lives at /<slug>/, routed after every fixed path (tim-kiem/, rss/, the admin's path, a new app's
prefix). Both rules are read from the URL conf here, so a new path needs no list edited by hand:
reserved_slugs() keeps sections off every first segment the site routes, and the newsroom.E001 system check
fails when a fixed path comes after a pattern that would answer it first (a section's, a story's).
"""
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

# Kept from sections though the URL conf may not route them: the web server's and the object store's folders,
# the usual names of an admin or an API, and paths kept for features to come.
KEPT_SLUGS = frozenset({"admin", "api", "feeds", "media", "quan-tri", "static", "tai-khoan", "xem-truoc"})
# A segment that takes a value: a path converter, or regular-expression syntax.
_TAKES_A_VALUE = re.compile(r"[<>()\[\]?*+|{}$\\]")


def _first_segment(route: str):
    """The literal first segment of a route ("" for the home page), or None when it takes a value."""
    segment = route.removeprefix("^").split("/", 1)[0].replace(r"\.", ".").replace(r"\-", "-")
    return None if _TAKES_A_VALUE.search(segment) else segment


def routes(patterns=None):
    """(first segment, pattern) for each route of the URL conf, in the order Django tries them.

    An include() at the root (the public site's own urls) shares the top of the URL space: its routes are
    listed in its place. Any other include is one route, its prefix.
    """
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver) and route in ("", "^"):
            yield from routes(pattern.url_patterns)
        else:
            yield _first_segment(route), pattern


def _url_folder(url):
    """The first segment of a local URL setting such as STATIC_URL ("" for another host's)."""
    parts = urlsplit(url or "")
    return "" if parts.netloc else parts.path.strip("/").split("/", 1)[0]


def reserved_slugs() -> frozenset:
    """Every first path segment the site uses itself: a section may not take one as its slug."""
    routed = {segment for segment, _ in routes() if segment}
    folders = {_url_folder(settings.STATIC_URL), _url_folder(settings.MEDIA_URL)} - {""}
    return frozenset(routed | folders | KEPT_SLUGS)


def _sample_paths(segment, pattern):
    """Paths the route answers: its own with a value in each converter, and one below it for an include."""
    path = re.sub(r"<[^>]+>", "x", str(pattern.pattern)).removeprefix("^")
    paths = {segment, f"{segment}/"} | ({path} if not _TAKES_A_VALUE.search(path) else set())
    if isinstance(pattern, URLResolver):
        paths.add(f"{segment}/x/")
    return paths


def check_url_space(app_configs=None, **kwargs):
    """newsroom.E001: a fixed path routed after a pattern that answers it first is never reached."""
    errors, taking = [], []
    for segment, pattern in routes():
        if segment is None:
            taking.append(pattern)
            continue
        if not segment:
            continue
        for earlier in taking:
            if any(earlier.pattern.match(path) for path in _sample_paths(segment, pattern)):
                errors.append(checks.Error(
                    f"/{segment}/ is routed after {earlier.pattern.describe()}, which answers it first.",
                    hint="Route fixed paths before the section and story patterns (include('articles.urls') last).",
                    obj=str(pattern.pattern), id="newsroom.E001",
                ))
                break
    return errors


_reserved = {}  # resolver -> reserved_slugs() for it (the URL conf and the settings it reads are fixed per resolver)


def _reserved_for_current():
    resolver = get_resolver()
    found = _reserved.get(resolver)
    if found is None:
        _reserved.clear()
        found = _reserved[resolver] = reserved_slugs()
    return found


class SectionSpaceRoute(RoutePattern):
    """A section's or a story's route ("<slug:slug>/", "<slug:section>/<slug:slug>/") that answers only paths whose
    first segment is no fixed path's: the same paths it answers at the end of the URL conf, where Django reaches it
    after trying every other route (22 us for a story page, through the include machinery). Put at the top of the
    URL conf, it answers them in 9.5 us (the bench floor's own route: 6.6, same run) and lets every other path go
    by; newsroom.E001 holds, since no fixed path's sample matches it. articles/urls.py keeps the named routes, for
    reverse()."""

    def __init__(self, route):
        super().__init__(route, is_endpoint=True)

    def match(self, path):
        first = path.partition("/")[0]
        if not first or first in _reserved_for_current():
            return None
        return super().match(path)
