"""Placing a story's photos in its (already sanitised) body: the library photos placed in the text, where they
stand, and the captioned photos between the paragraphs."""
import html
from dataclasses import dataclass
from html.parser import HTMLParser

from .richtext import PHOTO_FIGURE

VOID_TAGS = {"br", "hr", "img", "wbr"}


class _BlockSplitter(HTMLParser):
    """Split HTML into its top-level elements, keeping each element's source text intact."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.blocks = []
        self.depth = 0
        self.current = []

    def _emit(self, chunk, opening=False, closing=False):
        self.current.append(chunk)
        if opening:
            self.depth += 1
        if closing:
            self.depth = max(self.depth - 1, 0)
        if self.depth == 0:
            block = "".join(self.current)
            self.current = []
            if block.strip():
                self.blocks.append(block)

    def handle_starttag(self, tag, attrs):
        self._emit(self.get_starttag_text(), opening=tag not in VOID_TAGS)

    def handle_startendtag(self, tag, attrs):
        self._emit(self.get_starttag_text())

    def handle_endtag(self, tag):
        self._emit(f"</{tag}>", closing=True)

    def handle_data(self, data):
        self._emit(data)

    def handle_entityref(self, name):
        self._emit(f"&{name};")

    def handle_charref(self, name):
        self._emit(f"&#{name};")


def split_blocks(html: str) -> list[str]:
    """The top-level blocks (paragraphs, headings, lists...) of a body."""
    parser = _BlockSplitter()
    parser.feed(html or "")
    parser.close()
    if parser.current and "".join(parser.current).strip():
        parser.blocks.append("".join(parser.current))
    return parser.blocks


@dataclass
class PlacedPhoto:
    """A library photo placed in the body, with its caption there: what the photo partial shows."""

    photo: object
    text: str


def placed_photo_ids(body: str) -> set[int]:
    """The ids of the library photos the body shows."""
    return {int(match.group(1)) for match in PHOTO_FIGURE.finditer(body or "")}


def _with_placed_photos(block: str, photos: dict) -> list[tuple[str, object]]:
    """A block cut where it holds photo figures; a figure whose photo is gone from the library is left out."""
    items, start = [], 0
    for match in PHOTO_FIGURE.finditer(block):
        if block[start:match.start()].strip():
            items.append(("html", block[start:match.start()]))
        photo = photos.get(int(match.group(1)))
        if photo is not None:
            items.append(("photo", PlacedPhoto(photo=photo, text=html.unescape(match.group(2)))))
        start = match.end()
    if block[start:].strip():
        items.append(("html", block[start:]))
    return items


def body_with_photos(body: str, captions, photos=None) -> list[tuple[str, object]]:
    """The body as a list of ('html', block) and ('photo', caption) items in reading order.

    Library photos placed in the body (`photos`: id -> Photo) stand where they are. A caption at position N
    stands after the N-th block; positions past the end go last.
    """
    blocks = split_blocks(body)
    by_position = {}
    for caption in captions:
        by_position.setdefault(min(caption.position, len(blocks)), []).append(caption)
    items = [("photo", c) for c in by_position.get(0, [])]
    for index, block in enumerate(blocks, start=1):
        items.extend(_with_placed_photos(block, photos or {}) if "data-photo" in block else [("html", block)])
        items.extend(("photo", c) for c in by_position.get(index, []))
    return items
