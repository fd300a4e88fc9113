"""Find what could run script in an HTML page, by parsing it as a browser would read tags and attributes.

Substring checks are fooled both ways (an escaped "&lt;script&gt;" is harmless, an entity-encoded
"jav&#x61;script:" is not), so the tests walk the parsed tags and decoded attribute values instead.
"""
import re
from html.parser import HTMLParser

from django.conf import settings

# Attributes whose value a browser follows or loads as a URL.
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset",
    "lowsrc", "dynsrc", "codebase", "cite", "longdesc", "ping", "manifest",
}
# Elements that have no business in a page built from stored content.
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:")
# Browsers drop these from URLs before reading the scheme.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")
_DATA_TYPES = ("application/ld+json",)


def url_scheme_text(value: str) -> str:
    """A URL as a browser reads its scheme: whitespace and control characters removed, lower case."""
    return _IGNORED_IN_URL.sub("", value).lower()


class ScriptFinder(HTMLParser):
    """Collects every place in a page where script could run."""

    def __init__(self, *, nonce=None, allowed_script_prefixes=()):
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.allowed_script_prefixes = tuple(allowed_script_prefixes)
        self.problems = []
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        attributes = {name.lower(): (value or "") for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        if tag == "script":
            self._check_script(attributes)
        if tag == "meta" and attributes.get("http-equiv", "").lower() == "refresh":
            if "url" in attributes.get("content", "").lower():
                self.problems.append("<meta http-equiv=refresh> with a URL")
        for name, value in attributes.items():
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name in URL_ATTRIBUTES or name == "style":
                scheme_text = url_scheme_text(value)
                if any(s in scheme_text if name in {"style", "srcset"} else scheme_text.startswith(s)
                       for s in SCRIPT_SCHEMES):
                    self.problems.append(f"script URL in {name}= on <{tag}>: {value!r}")
                if name in {"href", "action", "formaction"} and scheme_text.startswith("data:"):
                    self.problems.append(f"data: URL in {name}= on <{tag}>: {value!r}")
                if tag in {"script", "iframe", "object", "embed"} and scheme_text.startswith("data:"):
                    self.problems.append(f"data: URL loaded by <{tag}>")
            if name == "srcdoc":
                self.problems.append(f"srcdoc= on <{tag}>")

    def _check_script(self, attributes):
        src = attributes.get("src")
        script_type = attributes.get("type", "").lower()
        if src is not None:
            same_site = src.startswith("/") and not src.startswith("//")
            if not (same_site or src.startswith(self.allowed_script_prefixes)):
                self.problems.append(f"<script src={src!r}> from outside the site")
            return
        if script_type in _DATA_TYPES:
            # A data block is never executed; it must still carry the page's nonce under the CSP.
            if self.nonce is not None and attributes.get("nonce") != self.nonce:
                self.problems.append("JSON-LD <script> without the page's CSP nonce")
            return
        if self.nonce is None or attributes.get("nonce") != self.nonce:
            self.problems.append("inline <script> without the page's CSP nonce")


def csp_nonce(response) -> str | None:
    """The nonce the response's Content-Security-Policy allows, if any."""
    match = re.search(r"'nonce-([^']+)'", response.headers.get("Content-Security-Policy", ""))
    return match.group(1) if match else None


def script_problems(html: str, *, nonce=None) -> list[str]:
    """Every way the page could run script it did not ship itself (empty list: none)."""
    finder = ScriptFinder(nonce=nonce, allowed_script_prefixes=(settings.STATIC_URL,))
    finder.feed(html)
    finder.close()
    return finder.problems


def response_script_problems(response) -> list[str]:
    return script_problems(response.content.decode("utf-8", "replace"), nonce=csp_nonce(response))


def elements(html: str) -> list[tuple[str, dict]]:
    """All (tag, attributes) of a page, in order."""
    finder = ScriptFinder()
    finder.feed(html)
    finder.close()
    return finder.elements


class _TextOf(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (entities decoded, tags gone)."""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.chunks).split())
