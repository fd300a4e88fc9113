"""Vietnamese text helpers: NFC normalisation, ASCII slugs and accent folding for search."""
import re
import unicodedata

from django.utils.translation import pgettext_lazy

# NFKD does not decompose đ/Đ (they are letters of their own, not d plus a mark), so map them first.
_LETTER_MAP = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})  # i18n: data
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Zero-width and bidirectional control characters that hide or reorder text in a title.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\x00]")
# Every character that breaks a line (str.splitlines' set), with the spaces around it.
_LINE_BREAKS = re.compile("[ \t]*[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+[ \t]*")


def normalize(text: str) -> str:
    """Return text in NFC with invisible and control characters removed; None stays None."""
    if text is None:
        return None
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", str(text)))


def single_line(text: str) -> str:
    """Join a one-line value (a title, a name) typed or pasted across lines: 'Lũ\\r\\nquét' -> 'Lũ quét'."""
    if text is None:
        return None
    return _LINE_BREAKS.sub(" ", str(text)).strip()


def fold(text: str) -> str:
    """Lower-case ASCII form of Vietnamese text for matching: 'Đại hội Đảng' -> 'dai hoi dang'."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_LETTER_MAP))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_only = ascii_only.translate(_LETTER_MAP).encode("ascii", "ignore").decode("ascii")
    return " ".join(_NON_WORD.sub(" ", ascii_only.lower()).split())


def fold_story(kicker: str, sapo: str, body_html: str, *more: str) -> str:
    """A story's searchable words, folded: its kicker, sapo, body text and whatever else readers see (`more`)."""
    from django.utils.html import strip_tags

    # A space before every tag: "<p>Bắc</p><p>Kạn</p>" is two words, not "backan".
    return fold(" ".join([kicker, sapo, strip_tags((body_html or "").replace("<", " <")), *more]))


def slugify(text: str, max_length: int = 200) -> str:
    """ASCII slug that keeps every Vietnamese letter: 'Đại hội Đảng bộ' -> 'dai-hoi-dang-bo'."""
    slug = _NON_SLUG.sub("-", fold(text)).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")


def unique_slug(text: str, taken, max_length: int = 200, fallback: str = "bai-viet") -> str:
    """A slug for text that `taken(slug)` does not report as used: 'x', then 'x-2', 'x-3'..."""
    base = slugify(text, max_length=max_length - 6) or fallback
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# The dateline's own weekday names (Django's Vietnamese says "Thứ 2"; a newspaper writes "Thứ Hai").
WEEKDAYS = [
    pgettext_lazy("dateline", "Monday"), pgettext_lazy("dateline", "Tuesday"), pgettext_lazy("dateline", "Wednesday"),
    pgettext_lazy("dateline", "Thursday"), pgettext_lazy("dateline", "Friday"), pgettext_lazy("dateline", "Saturday"),
    pgettext_lazy("dateline", "Sunday"),
]


def iso_datetime(value) -> str:
    """ISO 8601 in local time to the whole second, as <time datetime> and feeds want: '2020-07-22T08:30:00+07:00'."""
    if value is None:
        return ""
    from django.utils import timezone

    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.isoformat(timespec="seconds")


def vietnamese_datetime(value) -> str:
    """A newspaper dateline in local time: 'Thứ Tư, 22/7/2020 - 08:30'."""
    if value is None:
        return ""
    from django.utils import timezone

    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{WEEKDAYS[value.weekday()]}, {value.day}/{value.month}/{value.year} - {value:%H:%M}"
