"""Checking an upload: is it a photo we can publish, decoded within our limits, and its pixels made upright, in
sRGB and free of every piece of metadata before anything public is encoded from them.

Formats are judged by decoding, never by name or Content-Type. Limits are read from the settings at each call
(NEWSROOM_PHOTO_MAX_BYTES, NEWSROOM_PHOTO_MAX_PIXELS); Pillow's process-wide guard follows them
(align_pillow_limit, from PhotosConfig.ready()).
"""
import hashlib
import io
import logging
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from articles import text

logger = logging.getLogger(__name__)

# The formats we accept. "MPO" is how Pillow names the multi-picture JPEGs many phones write (a photo plus a
# depth map); we keep its first picture as a JPEG.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}

MAX_SIDE = 20_000
# The public master (Photo.image) is capped: it is what an og:image or a feed links to and what renditions are
# remade from, never a 48 MP file. The upload itself is kept whole in the originals storage. A big JPEG is
# decoded straight to a size just above it (_decode).
MASTER_MAX_SIDE = 2560


def max_bytes() -> int:
    return settings.NEWSROOM_PHOTO_MAX_BYTES


def max_pixels() -> int:
    return settings.NEWSROOM_PHOTO_MAX_PIXELS


def align_pillow_limit() -> None:
    """Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that, as soon as a header is read: align it
    with our limit so that every Pillow call in the process is guarded."""
    Image.MAX_IMAGE_PIXELS = max_pixels()


def setting_changed(*, setting, **kwargs):
    """Connected in PhotosConfig.ready(): a changed pixel limit reaches Pillow's guard too."""
    if setting == "NEWSROOM_PHOTO_MAX_PIXELS":
        align_pillow_limit()


class PhotoRejected(ValidationError):
    """An upload that is not a photo we can publish, with a message the reporter understands."""


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


@dataclass
class CheckedImage:
    """An upload that decoded as a real photo: its bytes as sent, and its cleaned pixels."""

    data: bytes = field(repr=False)
    format: str
    image: Image.Image = field(repr=False)
    checksum: str
    original_filename: str = ""

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size


# --- checking an upload -------------------------------------------------------------------------------------


def _read(file) -> bytes:
    """The upload's bytes, refusing anything over the byte limit without reading it all."""
    limit = max_bytes()
    if isinstance(file, (bytes, bytearray, memoryview)):
        data = bytes(file)
    else:
        size = getattr(file, "size", None)
        if size is not None and size > limit:
            raise _too_big(size, limit)
        if hasattr(file, "seek"):
            file.seek(0)
        if hasattr(file, "chunks"):
            parts, total = [], 0
            for chunk in file.chunks():
                total += len(chunk)
                if total > limit:
                    raise _too_big(total, limit)
                parts.append(chunk)
            data = b"".join(parts)
        else:
            data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_big(len(data), limit)
    if not data:
        raise PhotoRejected(_("The uploaded file is empty; there is no image in it."), code="empty")
    return data


def _too_big(size, limit):
    return PhotoRejected(
        _("The photo file is over the limit of %(limit)s MB (this one: %(size)s MB). Make the photo smaller and "
          "upload it again.") % {
            "limit": megabytes(limit),
            "size": megabytes(size) if size > limit + 1024 else _("more than %(limit)s") % {"limit": megabytes(limit)},
        },
        code="too_big",
    )


def _too_many_pixels(width=None, height=None, pixels=None):
    limit = max_pixels() // 1_000_000 or 1
    if width and height:
        message = (
            _("The photo is %(w)s × %(h)s pixels, over the limit of %(limit)s megapixels. Make it smaller and upload it "
            "again.") % {"w": width, "h": height, "limit": limit}
        )
    elif pixels:
        message = _("The photo has %(mp)s megapixels, over the limit of %(limit)s megapixels.") % {
            "mp": pixels // 1_000_000, "limit": limit}
    else:
        message = _("The photo has too many pixels (over the limit of %(limit)s megapixels).") % {"limit": limit}
    return PhotoRejected(message, code="too_many_pixels")


NOT_AN_IMAGE = PhotoRejected(
    gettext_lazy("This file is not a JPEG, PNG or WebP image. The system checks what the file holds, not its name; "
    "SVG, HTML, GIF, HEIC and other kinds of file are not accepted."),
    code="not_an_image",
)
ANIMATED = PhotoRejected(
    gettext_lazy("Animated images (several frames) are not supported yet. Upload a still image."), code="animated"
)
CORRUPT = PhotoRejected(
    gettext_lazy("The photo file is damaged or incomplete (perhaps the upload was cut off). Upload the original again."),
    code="corrupt"
)


def decode(data: bytes) -> tuple[str, Image.Image]:
    """Decode data as one of the allowed formats, checking the pixel count from the header before decoding."""
    try:
        with warnings.catch_warnings():
            # Pillow refuses above twice MAX_IMAGE_PIXELS while reading the header (DecompressionBombError) and
            # only warns between the two; that band is refused just below, with the size in the message.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
            width, height = image.size
            if width < 1 or height < 1:
                raise CORRUPT
            if width * height > max_pixels() or max(width, height) > MAX_SIDE:
                raise _too_many_pixels(width, height)
            fmt = "JPEG" if image.format == "MPO" else image.format
            if fmt not in ALLOWED_FORMATS:
                raise NOT_AN_IMAGE
            if fmt != "JPEG" and getattr(image, "n_frames", 1) > 1:
                raise ANIMATED
            if fmt == "JPEG" and max(width, height) >= 2 * MASTER_MAX_SIDE:
                # libjpeg can decode at 1/2, 1/4 or 1/8 scale while still reading every byte (so truncation
                # is still caught): a 48 MP photo is decoded straight to a size just above the master's.
                scale = MASTER_MAX_SIDE / max(width, height)
                image.draft(None, (max(1, int(width * scale) + 1), max(1, int(height * scale) + 1)))
            image.load()  # the full decode: a truncated or corrupt file fails here
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        claimed = re.search(r"\((\d+) pixels\)", str(error))
        raise _too_many_pixels(pixels=int(claimed.group(1)) if claimed else None) from None
    except UnidentifiedImageError:
        raise NOT_AN_IMAGE from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError, MemoryError) as error:
        logger.info("photo upload refused as corrupt: %r", error)
        raise CORRUPT from None
    return fmt, image


@lru_cache(maxsize=1)
def _srgb_profile():
    return ImageCms.createProfile("sRGB")


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert pixels described by an embedded ICC profile (Display P3 on phones, Adobe RGB) to sRGB.

    The profile itself is never published, so colours must be converted, not merely relabelled.
    """
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if image.mode != "CMYK" and "srgb" in (ImageCms.getProfileDescription(source) or "").lower():
            return image
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, _srgb_profile(), outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        logger.info("ignoring an unusable ICC profile")
        return image


def _normalize_mode(image: Image.Image) -> Image.Image:
    """Pixels in L, RGB or RGBA, the modes every encoder we use takes; opaque alpha is dropped."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif image.mode == "1":
        image = image.convert("L")
    elif image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode in ("LA", "La", "PA", "RGBa"):
        image = image.convert("RGBA")
    elif image.mode not in ("L", "RGB", "RGBA"):
        image = image.convert("RGB")
    if image.mode == "RGBA" and image.getchannel("A").getextrema() == (255, 255):
        image = image.convert("RGB")
    return image


def clean_pixels(image: Image.Image) -> Image.Image:
    """Upright, sRGB pixels with no metadata at all: what every public file is encoded from."""
    icc = image.info.get("icc_profile")
    image = ImageOps.exif_transpose(image)
    if image.mode == "CMYK":
        converted = _to_srgb(image, icc)
        image = converted if converted.mode != "CMYK" else image.convert("RGB")
    else:
        image = _to_srgb(_normalize_mode(image), icc)
    image = _normalize_mode(image)
    # Pillow carries some info keys (the JPEG comment, for one) into a re-encoded file; start from nothing.
    image.info = {}
    return image


def check_upload(file, *, original_filename: str = "") -> CheckedImage:
    """Read and decode an upload, or raise PhotoRejected; nothing is stored."""
    data = _read(file)
    fmt, decoded = decode(data)
    try:
        image = clean_pixels(decoded)
    except (OSError, ValueError) as error:
        logger.info("photo upload refused while cleaning: %r", error)
        raise CORRUPT from None
    return CheckedImage(
        data=data, format=fmt, image=image, checksum=hashlib.sha256(data).hexdigest(),
        original_filename=safe_filename(original_filename or getattr(file, "name", "") or ""),
    )


def safe_filename(name: str) -> str:
    """The reporter's file name as metadata only: no folders, no control characters, NFC, 255 at most."""
    name = text.normalize(str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return name[:255]


def download_name(photo) -> str:
    """The name an editor's download of the original gets: the reporter's name with the verified extension.

    The extension the reporter typed is dropped, so a JPEG sent as "bang-chung.html" downloads as
    "bang-chung.jpg" and never opens as a page.
    """
    extension = EXTENSIONS.get(photo.format, "bin")
    stem = safe_filename(photo.original_filename or "")
    stem = stem.rsplit(".", 1)[0].strip().rstrip(".") if "." in stem else stem.strip()
    return f"{stem or f'anh-{photo.pk}'}.{extension}"
