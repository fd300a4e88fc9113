"""Turning a scraped plain-text story into an Article.

The scraped format (see the README): the first line is the title; a paragraph repeated right after
itself is the sapo the scraper captured twice; a short line repeated on the next line is a photo
caption; a short name line near the end is the byline; a trailing "Xem thêm" is page navigation.
`parse_story` only reads text; `import_story` writes it, and `import_files` does many in one transaction.
Files are read only when they are regular files reached without a symbolic link, and only up to a size
and a number of captions that a newspaper story needs (both can be raised for one import).
"""
import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from photos import placeholders, services, storage, validation
from photos.models import Photo

from . import richtext, text, workflow
from .models import Article, Author, Byline, BylineRole, Caption, Section, Status

CAPTION_MAX_CHARS = 300
BYLINE_MAX_CHARS = 80
BYLINE_MAX_WORDS = 8
BYLINE_LOOKBACK = 2  # the byline is one of the last paragraphs
TITLE_MAX_CHARS = Article._meta.get_field("title").max_length
# A long feature is 30 KB of text and an exam results table a few hundred KB; 2 MB leaves room for both
# while an imported body still fits the story form's upload limit (5 MB), so editors can save it again.
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# Every caption is a photo (a placeholder when no --image is given) with its renditions on disk; a photo
# story runs to 20-30 pictures.
DEFAULT_MAX_CAPTIONS = 50
NAVIGATION_LINES = {"xem thêm", "xem thêm:", "tin liên quan", "tin liên quan:", "đọc thêm", "đọc thêm:"}  # i18n: data
_BYLINE_SPLIT = re.compile(r"\s*(?:,|;|\s-\s|\s–\s|\svà\s)\s*")  # i18n: data
_SENTENCE_END = re.compile(r"[.!?…:;\"”)]$")


class StoryFormatError(ValueError):
    """The file cannot be read as a story; the message names the file and says why, in Vietnamese."""


@dataclass
class ParsedCaption:
    text: str
    position: int  # number of body paragraphs before the photo: where it stands in the text


@dataclass
class ParsedStory:
    title: str
    sapo: str = ""
    paragraphs: list[str] = field(default_factory=list)
    captions: list[ParsedCaption] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)

    @property
    def lead(self) -> ParsedCaption | None:
        """The caption of the lead photo: the first, when it stands before the first paragraph."""
        return self.captions[0] if self.captions and self.captions[0].position == 0 else None

    @property
    def body_html(self) -> str:
        return "".join(f"<p>{escape(p)}</p>" for p in self.paragraphs)

    def body_with_photos(self, photos) -> str:
        """The body with each caption but the lead's as its photo (`photos`, one per caption) placed in the text
        after the paragraphs it followed."""
        figures = {}
        for parsed, photo in zip(self.captions, photos):
            if parsed is not self.lead:
                figures.setdefault(min(parsed.position, len(self.paragraphs)), []).append(
                    richtext.photo_figure(photo.pk, parsed.text))
        parts = figures.get(0, [])
        for number, paragraph in enumerate(self.paragraphs, start=1):
            parts += [f"<p>{escape(paragraph)}</p>", *figures.get(number, [])]
        return "".join(parts)


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
    label = name or _("file")
    content = text.normalize(content.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    blocks = _blocks(content)
    if not blocks:
        raise StoryFormatError(_("%(file)s: the file is empty; there is no story to import.") % {"file": label})

    title, *rest_of_first = blocks[0]
    if len(title) > TITLE_MAX_CHARS:
        raise StoryFormatError(
            _("%(file)s: the first line is %(length)s characters long, not like a title (at most %(limit)s).") % {
                "file": label, "length": len(title), "limit": TITLE_MAX_CHARS}
        )
    if not any(ch.isalpha() for ch in title):
        raise StoryFormatError(_("%(file)s: no title on the first line.") % {"file": label})
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
        raise StoryFormatError(_("%(file)s: only a title, no story text.") % {"file": label})
    return story


_FILE_KINDS = (
    (stat.S_ISDIR, gettext_lazy("a folder")),
    (stat.S_ISCHR, gettext_lazy("a device file")),
    (stat.S_ISBLK, gettext_lazy("a block device (a disk)")),
    (stat.S_ISFIFO, gettext_lazy("a FIFO pipe")),
    (stat.S_ISSOCK, gettext_lazy("a socket")),
)
_OS_ERRORS = {
    errno.ENOENT: gettext_lazy("no such file"),
    errno.EACCES: gettext_lazy("no permission to read it"),
    errno.EPERM: gettext_lazy("no permission to read it"),
    errno.ENAMETOOLONG: gettext_lazy("the file name is too long"),
}


def _file_size(size: int) -> str:
    """'2,0 MB', '1,8 KB', '900 byte': with the Vietnamese decimal comma."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".replace(".", ",") + f" {unit}"
    return f"{size} byte"


def _unreadable(path, exc: OSError) -> StoryFormatError:
    return StoryFormatError(_("%(file)s: the file cannot be read (%(reason)s).") % {
        "file": path, "reason": _OS_ERRORS.get(exc.errno) or exc.strerror or exc})


def _not_regular(path, mode: int) -> StoryFormatError:
    if stat.S_ISLNK(mode):
        return StoryFormatError(
            _("%(file)s: this is a symbolic link; the importer does not follow links, point it at the file "
            "to import itself.") % {"file": path}
        )
    kind = next((name for is_kind, name in _FILE_KINDS if is_kind(mode)), _("a special kind of file"))
    return StoryFormatError(_("%(file)s: this is %(kind)s, not a regular file; only regular files can be imported.") % {
        "file": path, "kind": kind})


def open_regular_file(path: Path):
    """Open path for reading, with its size, if it is a regular file and not a symbolic link; else refuse."""
    try:
        mode = os.lstat(path).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(path, mode)
        # The path may be swapped for a link or a FIFO between the look and the open: O_NOFOLLOW refuses a
        # link, O_NONBLOCK keeps a FIFO from holding the open, and the opened file is checked again.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        descriptor = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _not_regular(path, stat.S_IFLNK) from None
        raise _unreadable(path, exc) from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        raise _not_regular(path, info.st_mode)
    return os.fdopen(descriptor, "rb"), info.st_size


def _too_big(path, size: int, max_bytes: int) -> StoryFormatError:
    return StoryFormatError(
        _("%(file)s: the file weighs %(size)s, over the limit of %(limit)s for one story. If it really is that long a "
        "story, import it again with --max-bytes %(bytes)s.") % {
            "file": path, "size": _file_size(size), "limit": _file_size(max_bytes), "bytes": size}
    )


def check_story_limits(story: ParsedStory, *, name: str, max_captions: int = DEFAULT_MAX_CAPTIONS) -> None:
    """Refuse a story with more captions than max_captions."""
    if len(story.captions) > max_captions:
        raise StoryFormatError(
            _("%(file)s: %(count)s photo captions, over the limit of %(limit)s photos for one story (each caption "
            "becomes a photo stored on disk). If that is right, import it again with --max-captions %(count)s.") % {
            "file": name, "count": len(story.captions), "limit": max_captions}
        )


def read_story_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
                    max_captions: int = DEFAULT_MAX_CAPTIONS) -> ParsedStory:
    """Parse a regular file of at most max_bytes, with errors that name it."""
    path = Path(path)
    handle, size = open_regular_file(path)
    with handle:
        if size > max_bytes:
            raise _too_big(path, size, max_bytes)
        try:
            raw = handle.read(max_bytes + 1)  # never more, even if the file grows while it is read
        except OSError as exc:
            raise _unreadable(path, exc) from None
    if len(raw) > max_bytes:
        raise _too_big(path, len(raw), max_bytes)
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoryFormatError(
            _("%(file)s: the file is not UTF-8 text (an odd byte at position %(position)s). Save the file again "
            "in the UTF-8 encoding.") % {"file": path, "position": exc.start}
        ) from None
    del raw
    if "\x00" in content:
        raise StoryFormatError(_("%(file)s: the file holds NUL characters; it is probably not a text file.") % {"file": path})
    story = parse_story(content, name=str(path))
    check_story_limits(story, name=str(path), max_captions=max_captions)
    return story


def _author(name: str) -> Author:
    """Reuse the author with this name (compared in NFC), or create one."""
    name = text.normalize(name)
    author = Author.objects.filter(name=name).order_by("pk").first()
    return author or Author.objects.create(name=name)


def import_story(story: ParsedStory, *, source_key: str, section: Section, status: str = Status.DRAFT,
                 image_paths=(), photo_credit: str = "", published_at=None) -> tuple[Article, bool]:
    """Create or update the Article for `source_key` from a parsed story. Returns (article, created)."""
    article = Article.objects.filter(source_key=source_key).first()
    created = article is None
    if created:
        article = Article(source_key=source_key)
    # The photos the story had, in the order of its captions then: the lead, then those placed in the text.
    lead = article.captions.filter(is_lead=True).select_related("photo").first() if not created else None
    placed = [int(m.group(1)) for m in richtext.PHOTO_FIGURE.finditer(article.body or "")]
    found = Photo.objects.in_bulk(placed) if placed else {}
    existing = ([lead.photo] if lead else []) + [found[pk] for pk in placed if pk in found]

    authors = [_author(name) for name in story.bylines]
    credit = photo_credit or (_("Photo: %(names)s") % {"names": ", ".join(a.name for a in authors)} if authors else "")
    photos = []
    for index, parsed in enumerate(story.captions):
        image_path = image_paths[index] if index < len(image_paths) else None
        if image_path:
            try:
                photos.append(services.photo_from_path(Path(image_path), alt_text=parsed.text, credit=credit))
            except validation.PhotoRejected as exc:  # a bad image, or a storage refusing a good one
                raise StoryFormatError(f"{image_path}: {' '.join(exc.messages)}") from exc
        elif index < len(existing):
            photos.append(existing[index])
        else:
            photos.append(placeholders.placeholder_photo(alt_text=parsed.text, label=parsed.text))

    article.title = story.title
    article.sapo = story.sapo
    article.body = story.body_with_photos(photos)
    article.section = section
    article.save()

    # The scraped byline names the writers; photographers or translators an editor added stay.
    writers = Byline.objects.filter(article=article, role=BylineRole.WRITER)
    writers.exclude(author__in=authors).delete()
    for order, author in enumerate(authors):
        Byline.objects.update_or_create(article=article, author=author, role=BylineRole.WRITER,
                                        defaults={"order": order})

    # The lead photo is chosen apart; every other photo stands in the text (body_with_photos).
    if story.lead is None:
        Caption.objects.filter(article=article).delete()
    else:
        Caption.objects.filter(article=article, is_lead=False).delete()
        Caption.objects.update_or_create(article=article, is_lead=True,
                                         defaults={"photo": photos[0], "text": story.lead.text, "order": 0})

    # A new story takes the requested status; a re-imported one keeps the editors' decision.
    if created and status != article.status:
        article = workflow.article_set_status_by_system(
            article=article, status=status, comment=_("Imported from %(source)s") % {"source": source_key},
            published_at=published_at,
        )
    return article, created


def source_key_for(path: Path) -> str:
    """The identity of an imported file: its name, so that importing it again updates the story."""
    return f"import:{Path(path).name}"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def import_files(paths, *, section: Section, status: str = Status.DRAFT, image_paths=(), photo_credit: str = "",
                 max_bytes: int = DEFAULT_MAX_BYTES, max_captions: int = DEFAULT_MAX_CAPTIONS):
    """Import many files in one transaction: if any file fails, no story of them is saved."""
    image_paths = [Path(p) for p in image_paths]
    for image_path in image_paths:
        open_regular_file(image_path)[0].close()  # the same rule as for stories: no links, no devices
    parsed = [(Path(p), read_story_file(Path(p), max_bytes=max_bytes, max_captions=max_captions)) for p in paths]
    results = []
    with storage.files_removed_on_rollback():  # photos stored before a failure leave no files behind
        for path, story in parsed:
            try:
                results.append(import_story(
                    story, source_key=source_key_for(path), section=section, status=status,
                    image_paths=image_paths, photo_credit=photo_credit,
                ))
            except StoryFormatError:
                raise
            except validation.PhotoRejected as exc:  # a placeholder the storage refused
                raise StoryFormatError(f"{path}: {' '.join(exc.messages)}") from exc
            except Exception as exc:
                # Whatever stopped the save (the database, the disk), the message names the file it stopped at;
                # the cause stays chained for --traceback.
                raise StoryFormatError(_("%(file)s: the story could not be saved (%(error)s).") % {
                    "file": path, "error": f"{type(exc).__name__}: {_one_line(exc)}"}) from exc
    return results
