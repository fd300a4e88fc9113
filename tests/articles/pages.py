"""Reading public pages the way a browser or crawler does: parsed HTML, XML and JSON-LD, not substrings."""
import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from xml.etree import ElementTree


@dataclass
class Element:
    tag: str
    attrs: dict
    text: str = ""


@dataclass
class ParsedPage:
    elements: list = field(default_factory=list)
    text: str = ""
    json_ld: list = field(default_factory=list)

    def find_all(self, tag, **attrs):
        return [e for e in self.elements if e.tag == tag and all(e.attrs.get(k) == v for k, v in attrs.items())]

    def meta(self, key):
        """content of <meta name=key> or <meta property=key>."""
        for e in self.elements:
            if e.tag == "meta" and key in (e.attrs.get("name"), e.attrs.get("property")):
                return e.attrs.get("content")
        return None

    def attribute_values(self):
        return [v for e in self.elements for v in e.attrs.values() if v]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self.open = []
        self.texts = []
        self.script = None

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: (v or "") for k, v in attrs})
        self.page.elements.append(element)
        if tag not in ("meta", "link", "img", "input", "br", "hr", "source"):
            self.open.append(element)
        if tag == "script":
            self.script = []

    def handle_endtag(self, tag):
        if tag == "script" and self.script is not None:
            body = "".join(self.script)
            script = next((e for e in reversed(self.open) if e.tag == "script"), None)
            if script is not None and script.attrs.get("type") == "application/ld+json":
                self.page.json_ld.append(json.loads(body))
            self.script = None
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].tag == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        if self.script is not None:
            self.script.append(data)
            return
        self.texts.append(data)
        for element in self.open:
            element.text += data


def parse_html(content) -> ParsedPage:
    collector = _Collector()
    collector.feed(content.decode() if isinstance(content, bytes) else content)
    collector.close()
    collector.page.text = " ".join(" ".join(collector.texts).split())
    return collector.page


def xml_strings(content) -> list[str]:
    """Every text node and attribute value of an XML document (feeds, sitemaps)."""
    root = ElementTree.fromstring(content)
    strings = []
    for node in root.iter():
        strings.extend(v for v in node.attrib.values())
        if node.text and node.text.strip():
            strings.append(node.text.strip())
    return strings


def json_strings(value) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return []
