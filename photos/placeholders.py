"""Placeholder photos: a calm picture with a label, made with Pillow for an imported story whose scraped text
names a photo the scraper did not save. It goes through the same pipeline as an upload, is credited as what it
is (never to the story's byline: nobody took it), and stays flagged in the library until an editor uploads the
real photo in its place (services.photo_replace)."""
import hashlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from articles import text

from .models import Photo
from .renditions import encode
from .services import existing_photo, photo_create
from .validation import check_upload

# What readers see under a placeholder, where a photo's credit goes.
PLACEHOLDER_CREDIT = "Ảnh minh họa"  # i18n: data (stored as the photo's credit)


def _font(size: int):
    for candidate in ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
                      "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"):
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size), True
    return ImageFont.load_default(size=size), False


def placeholder_image(label: str, *, size=(1600, 900)) -> Image.Image:
    """A calm two-tone picture with a label, its colour derived from the label so placeholders differ."""
    digest = hashlib.sha256(label.encode()).digest()
    top = (30 + digest[0] % 60, 60 + digest[1] % 70, 90 + digest[2] % 80)
    bottom = tuple(max(0, c - 25) for c in top)
    image = Image.new("RGB", size, top)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, size[1] * 2 // 3, size[0], size[1]), fill=bottom)
    font, has_vietnamese = _font(size[1] // 12)
    shown = label if has_vietnamese else text.fold(label)
    lines, line = [], ""
    for word in shown.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) > size[0] * 0.8 and line:
            lines.append(line)
            line = word
        else:
            line = trial
    lines.append(line)
    lines = lines[:4]
    line_height = size[1] // 10
    y = (size[1] - line_height * len(lines)) // 2
    for line in lines:
        draw.text((size[0] // 2, y), line, fill=(245, 245, 240), font=font, anchor="ma")
        y += line_height
    return image


def placeholder_photo(*, alt_text: str, label: str | None = None) -> Photo:
    """An illustrative placeholder made with Pillow, flagged and credited as one; the same label gives the same
    photo again."""
    image = placeholder_image(label or alt_text or "Ảnh minh họa")  # i18n: data (drawn into the picture)
    checked = check_upload(encode(image, "JPEG", quality=85), original_filename="anh-minh-hoa.jpg")
    existing = existing_photo(checked, alt_text, PLACEHOLDER_CREDIT)
    if existing is not None and existing.is_placeholder:
        return existing
    return photo_create(file=checked, alt_text=alt_text, credit=PLACEHOLDER_CREDIT, is_placeholder=True)
