"""Sanitising rich-text bodies: the one allow-list every save path goes through.

Article.save() calls sanitize_html(), and a pre_save hook (below, wired in apps.py) repeats it for raw saves, so the
admin form, the importer, the workflow functions, a revision restore, loaddata and any script that
saves a story all store the same reduced HTML, whatever the editor or a crafted POST sent. Bulk paths
that bypass both (QuerySet.update, bulk_update, bulk_create) must not write `body`;
tests/security/test_richtext.py scans the project for them.
"""
import html as html_module
import re
from html.parser import HTMLParser

import nh3
from django.utils.safestring import mark_safe

# What a newspaper story needs: paragraphs, sub-headings, emphasis, links, lists, quotes, simple
# tables, and photos from the library placed in the text. No images by address (a photo in the body is a
# reference to the library, rendered by the server with its renditions), no embeds, no forms, no SVG or
# MathML, no style or class attributes.
ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "figure", "figcaption", "table", "caption", "thead",
    "tbody", "tr", "th", "td", "hr",
}
ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang"},  # a tooltip, and a quotation in another language
    "a": {"href", "title"},
    "figure": {"data-photo"},  # the library photo it shows (PHOTO_FIGURE), nothing else
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
_PHOTO_ID = re.compile(r"[1-9][0-9]{0,17}")

# A library photo placed in the body is stored as exactly this, whatever the editor or a crafted POST sent:
# its id and its caption there as plain text. Pages find it with this pattern (articles/rendering.py) and put
# the photo's <picture>, alt text and credit in its place.
PHOTO_FIGURE = re.compile(r'<figure data-photo="([1-9][0-9]{0,17})"><figcaption>([^<]*)</figcaption></figure>')


def photo_figure(photo_id: int, caption: str) -> str:
    """The body markup of a library photo placed in the text with its caption (plain text), as PHOTO_FIGURE reads it."""
    return (f'<figure data-photo="{int(photo_id)}"><figcaption>'
            f'{html_module.escape(" ".join(str(caption).split()), quote=False)}</figcaption></figure>')


class _PhotoFigures(HTMLParser):
    """Rewrite every figure that names a library photo as PHOTO_FIGURE: the id and the text of its figcaption.

    Input is nh3's output (well formed, attributes already filtered). Whatever else such a figure holds (an image,
    a paragraph, another figure, markup inside the caption) is dropped; other figures pass as they are.
    """

    def __init__(self):
        super().__init__(convert_charrefs=False)  # text outside photo figures passes exactly as nh3 wrote it
        self.out = []
        self.photo = None  # the id of the photo figure being read
        self.depth = 0  # figures open inside it
        self.in_caption = 0
        self.caption = []

    def handle_starttag(self, tag, attrs):
        if self.photo is not None:
            if tag == "figure":
                self.depth += 1
            elif tag == "figcaption":
                self.in_caption += 1
            return
        photo = dict(attrs).get("data-photo") if tag == "figure" else None
        if photo:
            self.photo, self.depth, self.in_caption, self.caption = photo, 0, 0, []
            return
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        if self.photo is None:
            self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if self.photo is None:
            self.out.append(f"</{tag}>")
        elif tag == "figcaption":
            self.in_caption = max(self.in_caption - 1, 0)
            self.caption.append(" ")
        elif tag == "figure" and self.depth:
            self.depth -= 1
        elif tag == "figure":
            self.out.append(photo_figure(self.photo, "".join(self.caption)))
            self.photo = None

    def handle_data(self, data):
        if self.photo is None:
            self.out.append(data)
        elif self.in_caption:
            self.caption.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};" if self.photo is None else html_module.unescape(f"&{name};"))

    def handle_charref(self, name):
        self.handle_data(f"&#{name};" if self.photo is None else html_module.unescape(f"&#{name};"))


def _photo_figures(html: str) -> str:
    if "data-photo" not in html:
        return html
    parser = _PhotoFigures()
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


def _filter_attribute(tag, attribute, value):
    if attribute == "href":
        value = value.strip()
        return value if _SAFE_HREF.match(value) else None
    if attribute in {"colspan", "rowspan"}:
        # A number, and a sane one: rowspan=65534 makes browsers build huge tables.
        return value if value.isdigit() and 0 < int(value) <= _SPAN_LIMIT else None
    if attribute == "data-photo":
        return value if _PHOTO_ID.fullmatch(value) else None
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
    return _photo_figures(nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )).strip()


def trusted(html: str):
    """A body, or a block of one, as markup to show: it went through sanitize_html when its story was saved."""
    return mark_safe(html)  # noqa: S308 - sanitised on every save path (above)


def sanitize_body_before_save(sender, instance, raw=False, **kwargs):
    """Clean a story's body on every save (pre_save, connected in ArticlesConfig.ready()).

    Article.save() already sanitises; this also covers the saves that skip it: a django-reversion revert and
    loaddata write deserialised objects with save_base(raw=True).
    """
    instance.body = sanitize_html(instance.body)
