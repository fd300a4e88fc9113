"""Sanitising rich-text bodies: the one allow-list every save path goes through.

Article.save() calls sanitize_html(), and a pre_save hook (below, wired in apps.py) repeats it for raw saves, so the
admin form, the importer, the workflow functions, a revision restore, loaddata and any script that
saves a story all store the same reduced HTML, whatever the editor or a crafted POST sent. Bulk paths
that bypass both (QuerySet.update, bulk_update, bulk_create) must not write `body`;
tests/security/test_richtext.py scans the project for them.
"""
import re

import nh3
from django.utils.safestring import mark_safe

# What a newspaper story needs: paragraphs, sub-headings, emphasis, links, lists, quotes, simple
# tables. No images (photos go in as captions through the photo pipeline), no embeds, no forms,
# no SVG or MathML, no style or class attributes.
ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "figure", "figcaption", "table", "caption", "thead",
    "tbody", "tr", "th", "td", "hr",
}
ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang"},  # a tooltip, and a quotation in another language
    "a": {"href", "title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Tags whose content goes too, not only the tag: their text is code, not prose.
DROPPED_WITH_CONTENT = {"script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math"}

# An href must be one of these after nh3 has decoded entities: an absolute http(s)/mailto URL, or a
# path, query or fragment on this site. Anything else ("ｊavascript:", "java\ufffdscript:", "x:y")
# is dropped even when a browser would read it as a harmless relative URL: a link nobody can
# explain is not worth keeping.
_SAFE_HREF = re.compile(r"^(?:(?:https?|mailto):|[/#?])", re.IGNORECASE)
_SPAN_LIMIT = 100


def _filter_attribute(tag, attribute, value):
    if attribute == "href":
        value = value.strip()
        return value if _SAFE_HREF.match(value) else None
    if attribute in {"colspan", "rowspan"}:
        # A number, and a sane one: rowspan=65534 makes browsers build huge tables.
        return value if value.isdigit() and 0 < int(value) <= _SPAN_LIMIT else None
    if attribute == "scope":
        return value if value in {"row", "col", "rowgroup", "colgroup"} else None
    return value


def _without_lone_surrogates(html: str) -> str:
    # Python strings may carry unpaired surrogates (from JSON "\ud800" or a bad decoder); they cannot
    # be encoded as UTF-8, so nh3 and the database would both fail. Pairs are joined, lone ones replaced.
    return html.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def sanitize_html(html: str) -> str:
    """Return body HTML reduced to the newsroom's allow-list (no scripts, styles or javascript: links)."""
    if not html:
        return ""
    html = _without_lone_surrogates(str(html)).replace("\x00", "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def trusted(html: str):
    """A body, or a block of one, as markup to show: it went through sanitize_html when its story was saved."""
    return mark_safe(html)  # noqa: S308 - sanitised on every save path (above)


def sanitize_body_before_save(sender, instance, raw=False, **kwargs):
    """Clean a story's body on every save (pre_save, connected in ArticlesConfig.ready()).

    Article.save() already sanitises; this also covers the saves that skip it: a django-reversion revert and
    loaddata write deserialised objects with save_base(raw=True).
    """
    instance.body = sanitize_html(instance.body)
