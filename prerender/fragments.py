"""Rendering what a story's page shows of the story: its head tags, JSON-LD, the story and its teasers.

The pieces come from the same templates and context as the live page (articles.views.story_context, the
preview's too), so a stored render and a fresh one are the same bytes. What belongs to the whole site (the
paper's name, the publisher in the JSON-LD) is left as a mark and put in when the page is served
(prerender/shell.py), so a masthead change re-renders nothing.
"""
import hashlib
import json
import threading
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from articles import cachekeys


# Bump when code (not a template or a setting) changes what a render holds: every stored render is then out
# of date and renders again (lazily on read, and by manage.py render_stories).
CODE_VERSION = 2  # 2: the story ends with the page's placeholders and view beacon

# What a site-wide value stands in for in a stored render (each can only come from here: story text is
# escaped, so it cannot hold a raw "<!--" nor an unescaped quote in JSON).
PAPER_MARK = "<!--prerender:paper-->"
JSON_PAPER_MARK = '"@@prerender:paper@@"'
JSON_PUBLISHER_MARK = '"@@prerender:publisher@@"'

# The teaser variants lists show: variant -> the options of articles/_teaser.html. Each has its column
# StoryRender.teaser_<variant> (tests/prerender checks they agree).
TEASERS = {
    "list": {},
    "list_in_section": {"hide_section": True},
    "lead": {"big": True},
    "latest": {"heading_tag": "h3", "compact": True, "no_photo": True},
    "sublead": {"heading_tag": "h3", "compact": True},
    "pick": {"heading_tag": "h3", "hide_section": True},
    "pick_small": {"heading_tag": "h3", "hide_section": True, "compact": True, "no_photo": True},
}

_templates = {"digest": None}
_lock = threading.Lock()


def _template_digest() -> str:
    """A digest of every template the project and its own apps hold (read once per process)."""
    digest = _templates["digest"]
    if digest is None:
        folders = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
        # The project's own apps, by their real paths, never an installed package's (a virtualenv inside the project
        # folder, or reached through a link, must not make two processes of one deployment disagree).
        base = Path(settings.BASE_DIR).resolve()
        folders += [Path(app.path).resolve() / "templates" for app in apps.get_app_configs()
                    if Path(app.path).resolve().is_relative_to(base)
                    and not {"site-packages", "dist-packages"} & set(Path(app.path).resolve().parts)]
        hasher = hashlib.sha256()
        for folder in folders:
            for path in sorted(folder.rglob("*.html")) if folder.is_dir() else []:
                hasher.update(str(path.relative_to(folder)).encode())
                hasher.update(path.read_bytes())
        digest = hasher.hexdigest()
        with _lock:
            _templates["digest"] = digest
    return digest


def forget_templates(**kwargs):
    """Read the templates again at the next fingerprint (a setting changed, or a test edited a template)."""
    with _lock:
        _templates["digest"] = None
        _fingerprints.clear()


_fingerprints = {}


def fingerprint() -> str:
    """What renders depend on besides the story: templates, settings and the code version.

    Every public page asks, some thirty times for the home page: it is made once per process, and again after a
    setting changes (setting_changed, connected in apps.py) or forget_templates. Comparing the
    settings on each call instead cost 3.2 us a call (STORAGES and TEMPLATES are nested), 0.1 ms a home page.
    """
    found = _fingerprints.get("current")
    if found is None:
        # The settings a render depends on: addresses, language, time zone, where files are served from.
        # The story's end holds the view beacon: its script's and endpoint's addresses (a new beacon.js is a new
        # hashed name) and a ticket signed with SECRET_KEY (a new key makes new tickets; only a digest is kept).
        from mostread import beacon

        values = (settings.NEWSROOM_SITE_URL, settings.MEDIA_URL, settings.STATIC_URL, settings.LANGUAGE_CODE,
                  settings.TIME_ZONE, settings.USE_TZ, settings.STORAGES, settings.TEMPLATES, beacon.script(0),
                  hashlib.sha256(f"prerender fingerprint|{settings.SECRET_KEY}".encode()).hexdigest())
        raw = f"{CODE_VERSION}|{_template_digest()}|{values!r}"
        found = _fingerprints["current"] = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return found


def forget_fingerprint(**kwargs):
    """Make the fingerprint again at its next use (a receiver of setting_changed)."""
    _fingerprints.clear()


def story_keys(article, context) -> list[str]:
    """The keys a story's render shows (articles/cachekeys.py names them): the story, each byline's author, each
    tag, each photo."""
    return sorted(cachekeys.story_page_keys(article, bylines=context["bylines"], tags=context["tags"],
                                            photo_ids=context["photo_ids"]))


def render(article) -> dict:
    """Every stored piece of one story (fetched with articles.views.with_story_parts), as StoryRender fields.

    The stored story ends with what the page shows after it (articles/templatetags/holes.py's story_page_end): the
    placeholders of Xem thêm and Đọc nhiều, filled per response, and the view beacon with its signed ticket. They
    depend on the story (its id, section and tags) and on what the fingerprint holds (the beacon's addresses, the
    signing key's digest), so the story view serves the stored story as it is.
    """
    from articles import related
    from articles.templatetags.holes import story_page_end
    from articles.views import story_context

    with translation.override(settings.LANGUAGE_CODE):
        paper = {"name": "@@prerender:paper@@", "publisher": "@@prerender:publisher@@"}
        context = story_context(article, paper=paper)
        meta = context["meta"]
        head = render_to_string("_head_meta.html", {"meta": meta, "NEWSROOM_NAME": mark_safe(PAPER_MARK)})
        story = render_to_string("articles/_story.html", context).strip()
        story += "\n" + story_page_end(article.pk, related.hole_params(article, [tag.pk for tag in context["tags"]]))
        lead = context["lead_caption"]
        article.lead_captions = [lead] if lead else []
        teasers = {f"teaser_{variant}": render_to_string("articles/_teaser.html", {"article": article, **options})
                   for variant, options in TEASERS.items()}
    return {
        "version": article.version,
        "title": meta.title,
        "head": head.strip(),
        "json_ld": str(meta.json_ld),
        "story": story,
        "keys": " ".join(story_keys(article, context)),
        "teasers_show": " ".join(sorted(cachekeys.teaser_keys(article))),  # article.lead_captions set above
        **{name: html.strip() for name, html in teasers.items()},
    }


def site_values(paper_name: str, publisher: dict) -> dict:
    """What the marks stand for now: mark -> text (prerender/shell.py fills them in)."""
    from django.utils.html import escape

    from articles.seo import render_json_ld

    return {PAPER_MARK: escape(paper_name), JSON_PAPER_MARK: json.dumps(paper_name, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"),
            JSON_PUBLISHER_MARK: str(render_json_ld(publisher))}
