"""The page shell: base.html (head, header with the section menu, masthead footer) rendered once per site
state and section, then cut where each page's own parts go.

Measured against rendering base.html on every request, with Django's templates and with Jinja2
(bench/template_choice.py, results in bench/results/template-choice.md): joining the cut pieces costs a
few microseconds, a template render of the shell a large part of a millisecond. The pieces are kept in this
process for the site state they came from (the menu and masthead travel in it, articles/caching.py), so a
new state (a section renamed, the masthead edited) gives new pieces at the next request.
"""
import threading

from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import SafeString

from articles import seo
from articles.caching import site_state
from masthead import identity

from . import fragments

MARKS = ("title", "head", "feeds", "json_ld", "content")
_pieces = {}
_lock = threading.Lock()


def _cut(request, current_slug):
    html = get_template("prerender/shell.html").render({"section": {"slug": current_slug}}, request)
    pieces = []
    for mark in MARKS:
        before, html = html.split(f"<!--shell:{mark}-->", 1)
        pieces.append(before)
    pieces.append(html)
    return pieces


def _shell(request, current_slug):
    state = site_state(request)
    generation = (state.get("generation"), state.get("built"), fragments.fingerprint())
    found = _pieces.get((generation, current_slug))
    if found is None:
        paper = identity.current(request)
        found = (_cut(request, current_slug), paper.paper_name,
                 fragments.site_values(paper.paper_name, seo.publisher()))
        with _lock:
            if any(key[0] != generation for key in _pieces):
                _pieces.clear()
            _pieces[(generation, current_slug)] = found
    return found


def fill_marks(html, values) -> str:
    """A stored render with the site's current values where it holds marks."""
    for mark, value in values.items():
        if mark in html:
            html = html.replace(mark, value)
    return html


def page(request, *, title, head="", feeds="", json_ld="", content="", current_slug=None) -> str:
    """A whole public page: the shell with the page's own parts (HTML, already escaped) in place."""
    pieces, paper_name, values = _shell(request, current_slug)
    script = f'<script type="application/ld+json">{fill_marks(json_ld, values)}</script>' if json_ld else ""
    parts = [escape(seo.title_with_paper(title, paper_name)), fill_marks(head, values), feeds, script, content]
    out = [pieces[0]]
    for part, piece in zip(parts, pieces[1:]):
        out.append(part)
        out.append(piece)
    return SafeString("".join(out))
