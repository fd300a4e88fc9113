"""Showing a story's (already sanitised) body with the library photos placed in its text, where they stand.

Photos are placed with the editor's widget as richtext.PHOTO_FIGURE; only the lead photo is chosen apart (a
Caption). Migration 0012 moved the photos once placed by a typed paragraph number into the text."""
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


def _block_ends(body: str) -> list[int]:
    """The offset in `body` just after each top-level block; empty if the blocks are not its source text."""
    ends, cursor = [], 0
    for block in split_blocks(body):
        found = body.find(block, cursor)
        if found < 0:
            return []
        cursor = found + len(block)
        ends.append(cursor)
    return ends


def place_after_blocks(body: str, placed) -> str:
    """`body` with markup put after top-level blocks: `placed` is (N, markup) in reading order, N the number of
    blocks before it (0: before the first; past the end: last). The body's own text is left as it was."""
    body = body or ""
    ends = _block_ends(body)
    if body.strip() and not ends:  # odd source text: the blocks as the splitter read them
        blocks = split_blocks(body)
        body = "".join(blocks)
        ends = [sum(len(b) for b in blocks[:n + 1]) for n in range(len(blocks))]
    at = {}
    for number, markup in placed:
        at.setdefault(ends[min(number, len(ends)) - 1] if number > 0 and ends else 0, []).append(markup)
    parts, start = [], 0
    for offset in sorted(at):
        parts += [body[start:offset], *at[offset]]
        start = offset
    parts.append(body[start:])
    return "".join(parts)


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


def body_with_photos(body: str, photos=None) -> list[tuple[str, object]]:
    """The body as a list of ('html', block) and ('photo', PlacedPhoto) items in reading order: the library photos
    placed in the text (`photos`: id -> Photo) stand where they are; one gone from the library is left out."""
    items = []
    for block in split_blocks(body):
        items.extend(_with_placed_photos(block, photos or {}) if "data-photo" in block else [("html", block)])
    return items


def photos_shown(items) -> list[PlacedPhoto]:
    """The placed photos of body_with_photos' items, in reading order."""
    return [item for kind, item in items if kind == "photo"]
