"""The page shell: base.html (head, header with the section menu, masthead footer) rendered once per site
state and section, then cut where each page's own parts go.

Content templates that put stored fragments (teasers) in a frame are cut the same way (cut_content): rendered
once per site state and structure with a mark for each fragment, then joined with the request's fragments.

Measured against rendering base.html on every request, with Django's templates and with Jinja2
(bench/template_choice.py, results in bench/results/template-choice.md): joining the cut pieces costs a
few microseconds, a template render of the shell a large part of a millisecond. The pieces are kept in this
process for the site state they came from (the menu and masthead travel in it, articles/caching.py), so a
new state (a section renamed, the masthead edited) gives new pieces at the next request.
"""
import threading

from django.http import HttpResponse
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.safestring import SafeString

from articles import seo
from articles.caching import named_by, site_state
from masthead import identity

from . import fragments

MARKS = ("title", "head", "feeds", "json_ld", "content")
_pieces = {}
_lock = threading.Lock()
# Where a stored fragment goes in a cut content template (see cut_content).
FRAGMENT = SafeString("<!--shell:fragment-->")
_contents = {}
MAX_CONTENTS = 256


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
        # The last item names what the shell's pieces and values were made from (page_response's ETags start with it).
        found = (_cut(request, current_slug), paper.paper_name,
                 fragments.site_values(paper.paper_name, seo.publisher()),
                 repr((generation, get_language(), current_slug)))
        with _lock:
            if any(key[0] != generation for key in _pieces):
                _pieces.clear()
            _pieces[(generation, current_slug)] = found
    return found


def _generation(request):
    state = site_state(request)
    return (state.get("generation"), state.get("built"), fragments.fingerprint(), get_language())


def per_state(request, key, make):
    """make()'s value, kept in this process for the current site state (and templates, settings, language): for
    what the site state alone decides besides `key` (a section's list header, say)."""
    generation = _generation(request)
    found = _contents.get(key)
    if found is None or found[0] != generation:
        found = (generation, make())
        with _lock:
            if len(_contents) >= MAX_CONTENTS or any(g != generation for g, _value in _contents.values()):
                _contents.clear()
            _contents[key] = found
    return found[1]


def cut_content(request, template, context, structure) -> list[str]:
    """`template` rendered with FRAGMENT standing for each stored fragment, cut there: the pieces between the
    fragments, kept in this process for the site state and `structure` (what else, besides the site state, the
    template's output depends on: which blocks, how many fragments in each)."""
    return per_state(request, (template, structure),
                     lambda: get_template(template).render(context, request).split(FRAGMENT))


def join_content(pieces, fragments_in_order) -> str:
    """The cut pieces with the fragments back in their places (in the order the template shows them)."""
    if len(pieces) != len(fragments_in_order) + 1:
        raise ValueError("the cut template and its fragments disagree")
    out = [pieces[0]]
    for fragment, piece in zip(fragments_in_order, pieces[1:]):
        out.append(fragment)
        out.append(piece)
    return SafeString("".join(out))


def fill_marks(html, values) -> str:
    """A stored render with the site's current values where it holds marks."""
    for mark, value in values.items():
        if mark in html:
            html = html.replace(mark, value)
    return html


def page_response(request, *, identity=None, **parts) -> HttpResponse:
    """page(request, **parts) as a response; `identity` names the page's own parts (a stored render's, say: it changes
    whenever they do), and with the site state's it names the page's bytes (caching.named_by)."""
    shell = _shell(request, parts.get("current_slug"))
    response = HttpResponse(_assemble(shell, **parts))
    if identity is not None:
        named_by(response, f"{shell[3]}|{identity}")
    return response


def page(request, *, current_slug=None, **parts) -> str:
    """A whole public page: the shell with the page's own parts (HTML, already escaped) in place."""
    return _assemble(_shell(request, current_slug), **parts)


def _assemble(shell, *, title, head="", feeds="", json_ld="", content="", current_slug=None) -> str:
    pieces, paper_name, values, _made_from = shell
    script = f'<script type="application/ld+json">{fill_marks(json_ld, values)}</script>' if json_ld else ""
    parts = [escape(seo.title_with_paper(title, paper_name)), fill_marks(head, values), feeds, script, content]
    out = [pieces[0]]
    for part, piece in zip(parts, pieces[1:]):
        out.append(part)
        out.append(piece)
    return SafeString("".join(out))
