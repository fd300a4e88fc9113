"""Turning a scraped plain-text story into an Article.

The scraped format (see the README): the first line is the title; a paragraph repeated right after
itself is the sapo the scraper captured twice; a short line repeated on the next line is a photo
caption; a short name line near the end is the byline; a trailing "Xem thêm" is page navigation.
`parse_story` only reads text; `import_story` writes it, and `import_files` does many in one transaction.
"""
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.html import escape

from . import images, text, workflow
from .models import Article, Author, Byline, Caption, Section, Status

CAPTION_MAX_CHARS = 300
BYLINE_MAX_CHARS = 80
BYLINE_MAX_WORDS = 8
BYLINE_LOOKBACK = 2  # the byline is one of the last paragraphs
TITLE_MAX_CHARS = Article._meta.get_field("title").max_length
NAVIGATION_LINES = {"xem thêm", "xem thêm:", "tin liên quan", "tin liên quan:", "đọc thêm", "đọc thêm:"}
_BYLINE_SPLIT = re.compile(r"\s*(?:,|;|\s-\s|\s–\s|\svà\s)\s*")
_SENTENCE_END = re.compile(r"[.!?…:;\"”)]$")


class StoryFormatError(ValueError):
    """The file cannot be read as a story; the message names the file and says why, in Vietnamese."""


@dataclass
class ParsedCaption:
    text: str
    position: int  # number of body paragraphs before the photo


@dataclass
class ParsedStory:
    title: str
    sapo: str = ""
    paragraphs: list[str] = field(default_factory=list)
    captions: list[ParsedCaption] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)

    @property
    def body_html(self) -> str:
        return "".join(f"<p>{escape(p)}</p>" for p in self.paragraphs)


def _blocks(content: str) -> list[list[str]]:
    """Paragraph blocks (runs of non-empty lines), each a list of stripped lines."""
    blocks, current = [], []
    for raw in content.splitlines():
        line = " ".join(raw.split())
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _looks_like_byline(line: str) -> bool:
    words = line.split()
    return (
        0 < len(line) <= BYLINE_MAX_CHARS
        and len(words) <= BYLINE_MAX_WORDS
        and not _SENTENCE_END.search(line)
        and all(w[0].isupper() for w in words if w[0].isalpha())
    )


def parse_story(content: str, name: str = "") -> ParsedStory:
    """Read one scraped story. Raises StoryFormatError when there is no story to read."""
    label = name or "tệp"
    content = text.normalize(content.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    blocks = _blocks(content)
    if not blocks:
        raise StoryFormatError(f"{label}: tệp rỗng, không có bài viết để nhập.")

    title, *rest_of_first = blocks[0]
    if len(title) > TITLE_MAX_CHARS:
        raise StoryFormatError(
            f"{label}: dòng đầu tiên dài {len(title)} ký tự, không giống tiêu đề (tối đa {TITLE_MAX_CHARS})."
        )
    if not any(ch.isalpha() for ch in title):
        raise StoryFormatError(f"{label}: không tìm thấy tiêu đề ở dòng đầu tiên.")
    blocks = ([rest_of_first] if rest_of_first else []) + blocks[1:]

    # Page navigation at the end ("Xem thêm") is not content.
    while blocks and blocks[-1][-1].lower() in NAVIGATION_LINES:
        blocks[-1] = blocks[-1][:-1]
        if not blocks[-1]:
            blocks.pop()

    story = ParsedStory(title=title)
    i = 0
    while i < len(blocks):
        block = blocks[i]
        joined = " ".join(block)
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if not story.sapo and not story.paragraphs and nxt is not None and " ".join(nxt) == joined:
            story.sapo = joined
            i += 2
            continue
        j = 0
        while j < len(block):
            line = block[j]
            if j + 1 < len(block) and block[j + 1] == line and len(line) <= CAPTION_MAX_CHARS:
                story.captions.append(ParsedCaption(text=line, position=len(story.paragraphs)))
                j += 2
                continue
            story.paragraphs.append(line)
            j += 1
        i += 1

    # The byline: a short name line among the last paragraphs.
    for back in range(1, min(BYLINE_LOOKBACK, len(story.paragraphs)) + 1):
        candidate = story.paragraphs[-back]
        if _looks_like_byline(candidate):
            story.bylines = [n for n in _BYLINE_SPLIT.split(candidate) if n]
            del story.paragraphs[-back]
            for caption in story.captions:
                caption.position = min(caption.position, len(story.paragraphs))
            break

    if not story.paragraphs and not story.sapo:
        raise StoryFormatError(f"{label}: chỉ có tiêu đề, không có nội dung bài viết.")
    return story


def read_story_file(path: Path) -> ParsedStory:
    """Parse a file, with errors that name it."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StoryFormatError(f"{path}: không đọc được tệp ({exc.strerror or exc}).") from exc
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoryFormatError(
            f"{path}: tệp không phải văn bản UTF-8 (byte lạ ở vị trí {exc.start}). "
            "Hãy lưu lại tệp với mã hóa UTF-8."
        ) from exc
    if "\x00" in content:
        raise StoryFormatError(f"{path}: tệp chứa ký tự NUL, có lẽ không phải tệp văn bản.")
    return parse_story(content, name=str(path))


def _author(name: str) -> Author:
    """Reuse the author with this name (compared in NFC), or create one."""
    name = text.normalize(name)
    author = Author.objects.filter(name=name).order_by("pk").first()
    return author or Author.objects.create(name=name)


def import_story(story: ParsedStory, *, source_key: str, section: Section, status: str = Status.PUBLISHED,
                 image_paths=(), photo_credit: str = "", published_at=None) -> tuple[Article, bool]:
    """Create or update the Article for `source_key` from a parsed story. Returns (article, created)."""
    article = Article.objects.filter(source_key=source_key).first()
    created = article is None
    if created:
        article = Article(source_key=source_key)
    article.title = story.title
    article.sapo = story.sapo
    article.body = story.body_html
    article.section = section
    article.save()

    authors = [_author(name) for name in story.bylines]
    Byline.objects.filter(article=article).exclude(author__in=authors).delete()
    for order, author in enumerate(authors):
        Byline.objects.update_or_create(article=article, author=author, defaults={"order": order})

    credit = photo_credit or (f"Ảnh: {', '.join(a.name for a in authors)}" if authors else "")
    existing = list(article.captions.select_related("photo").order_by("position", "order", "id"))
    for index, parsed in enumerate(story.captions):
        caption = existing[index] if index < len(existing) else None
        image_path = image_paths[index] if index < len(image_paths) else None
        if image_path:
            photo = images.photo_from_path(Path(image_path), alt_text=parsed.text, credit=credit)
        elif caption is not None:
            photo = caption.photo
        else:
            photo = images.placeholder_photo(alt_text=parsed.text, credit=credit, label=parsed.text)
        if caption is None:
            caption = Caption(article=article)
        caption.photo = photo
        caption.text = parsed.text
        caption.position = parsed.position
        caption.order = index
        caption.is_lead = index == 0 and parsed.position == 0
        caption.save()
    for stale in existing[len(story.captions):]:
        stale.delete()

    # A new story takes the requested status; a re-imported one keeps the editors' decision.
    if created and status != article.status:
        article = workflow.article_set_status_by_system(
            article=article, status=status, comment=f"Nhập từ {source_key}", published_at=published_at,
        )
    return article, created


def source_key_for(path: Path) -> str:
    """The identity of an imported file: its name, so that importing it again updates the story."""
    return f"import:{Path(path).name}"


def import_files(paths, *, section: Section, status: str = Status.PUBLISHED, image_paths=(), photo_credit: str = ""):
    """Import many files in one transaction: if any file fails, nothing is written."""
    parsed = [(Path(p), read_story_file(Path(p))) for p in paths]
    results = []
    with images.files_removed_on_rollback():  # photos stored before a failure leave no files behind
        for path, story in parsed:
            results.append(import_story(
                story, source_key=source_key_for(path), section=section, status=status,
                image_paths=image_paths, photo_credit=photo_credit,
            ))
    return results
