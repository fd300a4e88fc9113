"""What a reader sees on a page: visible text and figures, read with an HTML parser."""
from html.parser import HTMLParser

HIDDEN = {"head", "script", "style", "template", "noscript"}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.main_depth = 0
        self.chunks = []
        self.main_chunks = []
        self.figures = []  # (img alt, figcaption text)
        self._figure = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in HIDDEN:
            self.hidden_depth += 1
        if tag == "main" or (self.main_depth and tag not in ("br", "img", "source", "hr", "meta", "link", "input")):
            self.main_depth += 1
        if tag == "figure":
            self._figure = {"alt": None, "caption": ""}
        elif tag == "img" and self._figure is not None:
            self._figure["alt"] = attrs.get("alt")
        elif tag == "figcaption":
            self._in_caption = True

    def handle_endtag(self, tag):
        if tag in HIDDEN and self.hidden_depth:
            self.hidden_depth -= 1
        if self.main_depth:
            self.main_depth -= 1
        if tag == "figure" and self._figure is not None:
            self._figure["caption"] = " ".join(self._figure["caption"].split())
            self.figures.append(self._figure)
            self._figure = None
        elif tag == "figcaption":
            self._in_caption = False

    def handle_data(self, data):
        if self.hidden_depth:
            return
        self.chunks.append(data)
        if self.main_depth:
            self.main_chunks.append(data)
        if self._in_caption and self._figure is not None:
            self._figure["caption"] += data


def read_page(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (no head, scripts or styles), whitespace folded."""
    return " ".join("".join(read_page(html).chunks).split())


def figures(html: str) -> list[dict]:
    """Each <figure> on the page as {'alt': img alt, 'caption': figcaption text}."""
    return read_page(html).figures
