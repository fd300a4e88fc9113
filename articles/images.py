"""The photo pipeline: check an upload by decoding it, orient it, strip its metadata, keep the original for
editors, and make the renditions the public fetches.

Every public image file is written here, re-encoded from decoded pixels with no EXIF, GPS, XMP, ICC or
comment attached; the upload as sent goes only to the private "originals" storage. Storage is reached
through Django's storage API, so the same code works on the local disk and on S3-compatible storage.
"""
import contextlib
import contextvars
import hashlib
import io
import logging
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from PIL import Image, ImageCms, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from . import text
from .models import Photo, Rendition

logger = logging.getLogger(__name__)

# The formats we accept, judged by decoding, never by name or Content-Type. "MPO" is how Pillow names the
# multi-picture JPEGs many phones write (a photo plus a depth map); we keep its first picture as a JPEG.
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}

RENDITION_WIDTHS = (480, 800, 1200, 1600)
RENDITION_FORMATS = ("WEBP", "JPEG")  # WebP for browsers that take it, JPEG as the fallback
CROPS = {"3x2": (3, 2), "16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
JPEG_QUALITY = 82
WEBP_QUALITY = 78
MASTER_QUALITY = 90
# The public master (Photo.image) is capped: it is the source of crops made later and what an og:image or an
# old template may link to, never a 48 MP file. The upload itself is kept whole in the originals storage.
MASTER_MAX_SIDE = 2560

MAX_SIDE = 20_000
# What a public <img sizes> says when the caller does not: the story column is 46rem wide (site.css).
DEFAULT_SIZES = "(min-width: 48rem) 46rem, 100vw"
CACHE_TIMEOUT = 60 * 60 * 24 * 7


def max_bytes() -> int:
    return settings.NEWSROOM_PHOTO_MAX_BYTES


def max_pixels() -> int:
    return settings.NEWSROOM_PHOTO_MAX_PIXELS


# Pillow's own bomb guard: it warns above MAX_IMAGE_PIXELS and refuses above twice that, as soon as a header
# is read. Align it with our limit so that every Pillow call in the process is guarded, not only ours.
Image.MAX_IMAGE_PIXELS = max_pixels()


class PhotoRejected(ValidationError):
    """An upload that is not a photo we can publish, with a message the reporter understands."""


class PhotoNotStored(PhotoRejected):
    """A good photo the storage refused (read-only or full disk, an object store saying no); nothing was kept."""


NOT_STORED_MESSAGE = (
    "Không lưu được ảnh vào kho lưu trữ (ổ đĩa đầy, không có quyền ghi hoặc kho ảnh đang lỗi). Ảnh chưa được "
    "thêm vào thư viện; hãy thử lại sau ít phút hoặc báo bộ phận kỹ thuật."
)


def _megabytes(size: int) -> str:
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
        raise PhotoRejected("Tệp tải lên rỗng, không có dữ liệu ảnh.", code="empty")
    return data


def _too_big(size, limit):
    return PhotoRejected(
        "Tệp ảnh nặng hơn giới hạn %(limit)s MB (tệp này: %(size)s MB). Hãy giảm kích thước ảnh rồi tải lại."
        % {"limit": _megabytes(limit), "size": _megabytes(size) if size > limit + 1024 else f"hơn {_megabytes(limit)}"},
        code="too_big",
    )


def _too_many_pixels(width=None, height=None, pixels=None):
    limit = max_pixels() // 1_000_000 or 1
    if width and height:
        message = (
            "Ảnh có kích thước %(w)s × %(h)s điểm ảnh, vượt giới hạn %(limit)s megapixel. "
            "Hãy thu nhỏ ảnh rồi tải lại." % {"w": width, "h": height, "limit": limit}
        )
    elif pixels:
        message = "Ảnh có %(mp)s megapixel, vượt giới hạn %(limit)s megapixel." % {
            "mp": pixels // 1_000_000, "limit": limit}
    else:
        message = "Ảnh có quá nhiều điểm ảnh (vượt giới hạn %(limit)s megapixel)." % {"limit": limit}
    return PhotoRejected(message, code="too_many_pixels")


NOT_AN_IMAGE = PhotoRejected(
    "Tệp này không phải ảnh JPEG, PNG hoặc WebP. Hệ thống kiểm tra nội dung tệp, không dựa vào tên tệp; "
    "SVG, HTML, GIF, HEIC và các loại tệp khác không được nhận.",
    code="not_an_image",
)
ANIMATED = PhotoRejected(
    "Ảnh động (nhiều khung hình) chưa được hỗ trợ. Hãy tải lên một ảnh tĩnh.", code="animated"
)
CORRUPT = PhotoRejected(
    "Tệp ảnh bị hỏng hoặc không đầy đủ (có thể do tải lên bị gián đoạn). Hãy tải lại tệp gốc.", code="corrupt"
)


def _decode(data: bytes) -> tuple[str, Image.Image]:
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
    fmt, decoded = _decode(data)
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


def download_name(photo: Photo) -> str:
    """The name an editor's download of the original gets: the reporter's name with the verified extension.

    The extension the reporter typed is dropped, so a JPEG sent as "bang-chung.html" downloads as
    "bang-chung.jpg" and never opens as a page.
    """
    extension = EXTENSIONS.get(photo.format, "bin")
    stem = safe_filename(photo.original_filename or "")
    stem = stem.rsplit(".", 1)[0].strip().rstrip(".") if "." in stem else stem.strip()
    return f"{stem or f'anh-{photo.pk}'}.{extension}"


# --- encoding -----------------------------------------------------------------------------------------------


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent pixels on white, for formats without alpha."""
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def encode(image: Image.Image, fmt: str, *, quality: int | None = None, optimize: bool = True) -> bytes:
    """Encode pixels with no metadata: no EXIF, GPS, XMP, ICC profile or comment is passed to Pillow.

    optimize=True makes progressive, Huffman-optimised JPEGs: smaller for readers, slower to make.
    """
    buffer = io.BytesIO()
    image.info = {}
    if fmt == "JPEG":
        _flatten(image).save(buffer, "JPEG", quality=quality or JPEG_QUALITY, optimize=optimize, progressive=optimize)
    elif fmt == "WEBP":
        image.save(buffer, "WEBP", quality=quality or WEBP_QUALITY, method=4)
    elif fmt == "PNG":
        image.save(buffer, "PNG", compress_level=6)
    else:
        raise ValueError(f"unsupported output format {fmt}")
    return buffer.getvalue()


def _resize(image: Image.Image, width: int) -> Image.Image:
    if width >= image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _fit(image: Image.Image, side: int) -> Image.Image:
    """The image scaled down so that neither side exceeds `side` pixels."""
    if max(image.size) <= side:
        return image
    scale = side / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def planned_widths(width: int) -> list[int]:
    """Rendition widths for a photo `width` pixels wide: the standard ones below it, never upscaled."""
    return sorted({w for w in RENDITION_WIDTHS if w < width} | {min(width, RENDITION_WIDTHS[-1])})


def crop_key(photo: Photo, ratio: str) -> str:
    """The Rendition.crop value for `ratio` at the photo's current focal point, e.g. '3x2-0.50-0.30'."""
    if not ratio:
        return ""
    if ratio not in CROPS:
        raise ValueError(f"unknown crop {ratio!r}; choose from {', '.join(CROPS)}")
    return f"{ratio}-{_focal(photo.focal_x):.2f}-{_focal(photo.focal_y):.2f}"


def _focal(value) -> float:
    return 0.5 if value is None else min(max(float(value), 0.0), 1.0)


def crop_to_ratio(image: Image.Image, ratio: str, focal_x=None, focal_y=None) -> Image.Image:
    """The largest part of the image with the given aspect ratio, centred on the focal point where it fits."""
    rw, rh = CROPS[ratio]
    width, height = image.size
    if width * rh > height * rw:
        crop_w, crop_h = round(height * rw / rh), height
    else:
        crop_w, crop_h = width, round(width * rh / rw)
    left = round(_focal(focal_x) * width - crop_w / 2)
    top = round(_focal(focal_y) * height - crop_h / 2)
    left = min(max(left, 0), width - crop_w)
    top = min(max(top, 0), height - crop_h)
    return image.crop((left, top, left + crop_w, top + crop_h))


def _make_renditions(photo: Photo, image: Image.Image, crop: str, written: list) -> list[Rendition]:
    """Resize from the largest width down (each step from the previous one) and store every format."""
    if crop:
        ratio = crop.split("-", 1)[0]
        image = crop_to_ratio(image, ratio, photo.focal_x, photo.focal_y)
    made = []
    source = image
    for width in sorted(planned_widths(image.width), reverse=True):
        source = _resize(source, width)
        for fmt in RENDITION_FORMATS:
            rendition = Rendition(photo=photo, width=source.width, height=source.height, format=fmt, crop=crop)
            _save_file(rendition.file, f"r.{EXTENSIONS[fmt]}", encode(source.copy(), fmt), written)
            rendition.save()
            made.append(rendition)
    return made


def _delete_files(written):
    for storage, name in written:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - cleaning up after a failure must not hide the failure
            logger.exception("could not delete %s", name)


# --- files and transactions ---------------------------------------------------------------------------------
# Django runs callbacks on commit but has none for a rollback. Files written by the pipeline are therefore noted
# in the ledger of the innermost files_removed_on_rollback() block, which deletes them if its transaction does
# not commit; a nested block hands its notes to the enclosing one, whose commit is the one that counts.


@dataclass
class _Ledger:
    files: list = field(default_factory=list)
    cache_keys: list = field(default_factory=list)

    def forget(self):
        _delete_files(self.files)
        try:
            cache.delete_many(self.cache_keys)
        except Exception:  # noqa: BLE001 - the cache is an accelerator; its entries expire anyway
            logger.warning("could not forget cached renditions of rolled-back photos", exc_info=True)


_ledger: contextvars.ContextVar = contextvars.ContextVar("photo_files_ledger", default=None)


@contextlib.contextmanager
def files_removed_on_rollback(using=None):
    """A transaction in which every file the photo pipeline writes is deleted again if it rolls back."""
    outer = _ledger.get()
    ledger = _Ledger()
    token = _ledger.set(ledger)
    rolled_back = False
    try:
        with transaction.atomic(using=using):
            yield
            rolled_back = transaction.get_rollback(using=using)
    except BaseException:  # a KeyboardInterrupt of the import command rolls back too
        ledger.forget()
        raise
    finally:
        _ledger.reset(token)
    if rolled_back:
        ledger.forget()
    elif outer is not None:
        outer.files.extend(ledger.files)
        outer.cache_keys.extend(ledger.cache_keys)


def _save_file(fieldfile, name: str, data: bytes, written: list) -> None:
    """Write one file through the field's storage and note it; any storage failure becomes PhotoNotStored."""
    # What FieldFile.save(save=False) does, with the generated name known beforehand: a disk that fills up
    # mid-write leaves part of the file under that name, and it must go too.
    name = fieldfile.field.generate_filename(fieldfile.instance, name)
    try:
        stored = fieldfile.storage.save(name, ContentFile(data), max_length=fieldfile.field.max_length)
    except Exception as error:  # noqa: BLE001 - OSError on disk, botocore's ClientError on S3, anything else
        logger.error("photo storage refused a write: %r", error, exc_info=True)
        _delete_files([(fieldfile.storage, name)])  # names are random (models.generated_name): only ours
        raise PhotoNotStored(NOT_STORED_MESSAGE, code="storage") from error
    fieldfile.name = stored
    setattr(fieldfile.instance, fieldfile.field.attname, stored)
    fieldfile._committed = True
    entry = (fieldfile.storage, stored)
    written.append(entry)
    ledger = _ledger.get()
    if ledger is not None:
        ledger.files.append(entry)


# --- creating photos ----------------------------------------------------------------------------------------


def photo_store(*, photo: Photo, checked: CheckedImage, uploaded_by=None) -> Photo:
    """Store a checked upload as `photo` (unsaved or new): original, clean master and renditions, or nothing."""
    written = []
    new = photo.pk is None
    try:
        with transaction.atomic():
            photo.original_filename = checked.original_filename or photo.original_filename
            photo.format = checked.format
            photo.checksum = checked.checksum
            if uploaded_by is not None:
                photo.uploaded_by = uploaded_by
            # Storage names come from models.generated_name: random, with the verified extension only.
            _save_file(photo.original, f"goc.{checked.extension}", checked.data, written)
            pixels = _fit(checked.image, MASTER_MAX_SIDE)
            master = encode(pixels.copy(), checked.format, quality=MASTER_QUALITY, optimize=False)
            _save_file(photo.image, f"anh.{checked.extension}", master, written)
            # width, height and file_size describe Photo.image, the file the public (and feeds) get.
            photo.width, photo.height = pixels.size  # ImageField cannot measure a nameless ContentFile
            photo.file_size = len(master)
            photo.save()
            renditions = _make_renditions(photo, pixels, "", written)
    except BaseException:
        _delete_files(written)
        if new:
            photo.pk = None  # its row was rolled back with the savepoint
            photo._state.adding = True
        raise
    _cache_set(photo, renditions)
    return photo


def photo_create(*, file, uploaded_by=None, alt_text: str = "", credit: str = "", original_filename: str = "",
                 focal_x: float | None = None, focal_y: float | None = None) -> Photo:
    """Check an upload and store it as a new photo with its renditions; raise PhotoRejected if it is not one.

    `file` may be an uploaded file, an open binary file, bytes, or a CheckedImage from check_upload().
    """
    checked = file if isinstance(file, CheckedImage) else check_upload(file, original_filename=original_filename)
    if original_filename:
        checked.original_filename = safe_filename(original_filename)
    photo = Photo(alt_text=alt_text or "", credit=credit or "", focal_x=focal_x, focal_y=focal_y)
    return photo_store(photo=photo, checked=checked, uploaded_by=uploaded_by)


def _existing(checked: CheckedImage, alt_text: str, credit: str) -> Photo | None:
    return Photo.objects.filter(
        checksum=checked.checksum, alt_text=text.normalize(alt_text or ""), credit=text.normalize(credit or ""),
    ).first()


def photo_from_path(path, *, alt_text: str, credit: str, uploaded_by=None) -> Photo:
    """A photo from a file on disk (imports); the same file with the same alt text and credit is reused."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            checked = check_upload(handle, original_filename=path.name)
    except OSError:
        raise PhotoRejected("Không đọc được tệp ảnh %(name)s." % {"name": path.name}, code="unreadable") from None
    return _existing(checked, alt_text, credit) or photo_create(
        file=checked, uploaded_by=uploaded_by, alt_text=alt_text, credit=credit
    )


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


def placeholder_photo(*, alt_text: str, credit: str, label: str | None = None) -> Photo:
    """An illustrative placeholder made with Pillow, stored through the same pipeline as an upload."""
    image = placeholder_image(label or alt_text or "Ảnh minh họa")
    checked = check_upload(encode(image, "JPEG", quality=85), original_filename="anh-minh-hoa.jpg")
    return _existing(checked, alt_text, credit) or photo_create(file=checked, alt_text=alt_text, credit=credit)


def photo_refresh_crops(*, photo: Photo) -> None:
    """Forget crop renditions made for another focal point (after an editor moves it); they are remade on use."""
    stale = [r for r in photo.renditions.exclude(crop="") if r.crop != crop_key(photo, r.crop.split("-", 1)[0])]
    if not stale:
        return
    files = [(r.file.storage, r.file.name) for r in stale]
    Rendition.objects.filter(pk__in=[r.pk for r in stale]).delete()
    transaction.on_commit(lambda: _delete_files(files))
    cache.delete(_cache_key(photo))


def photo_delete(*, photo: Photo) -> None:
    """Delete a photo and, once the deletion is committed, its files (original, master, renditions)."""
    files = [(r.file.storage, r.file.name) for r in photo.renditions.all()]
    for fieldfile in (photo.image, photo.original):
        if fieldfile:
            files.append((fieldfile.storage, fieldfile.name))
    key = _cache_key(photo)
    photo.delete()
    cache.delete(key)
    transaction.on_commit(lambda: _delete_files(files))


# --- using renditions ---------------------------------------------------------------------------------------


def _cache_key(photo: Photo) -> str:
    return f"photo-renditions:{photo.pk}:{(photo.checksum or 'x')[:16]}"


def _as_rows(renditions) -> list[tuple]:
    return [(r.width, r.height, r.format, r.crop, r.file.name) for r in renditions]


def _cache_set(photo: Photo, renditions) -> None:
    key = _cache_key(photo)
    cache.set(key, _as_rows(renditions), CACHE_TIMEOUT)
    ledger = _ledger.get()
    if ledger is not None:
        # A rolled-back photo's number may be given again (SQLite) and must not find these rows.
        ledger.cache_keys.append(key)


def _known_rows(photo: Photo) -> list[tuple]:
    """Every rendition of the photo: prefetched if the caller did, else cached, else one query."""
    prefetched = getattr(photo, "_prefetched_objects_cache", {}).get("renditions")
    if prefetched is not None:
        return _as_rows(prefetched)
    rows = cache.get(_cache_key(photo))
    if rows is None:
        rows = _as_rows(photo.renditions.all())
        if rows:
            cache.set(_cache_key(photo), rows, CACHE_TIMEOUT)
    return rows


def _master_pixels(photo: Photo) -> Image.Image:
    """The photo's public master, decoded and cleaned again (it may predate the pipeline)."""
    with photo.image.open("rb") as handle:
        data = handle.read()
    return clean_pixels(_decode(data)[1])


@transaction.atomic
def _make_on_first_use(photo: Photo, crop: str) -> list[tuple]:
    """Make a missing set of renditions exactly once, even when several requests ask at the same moment."""
    # An UPDATE of the photo row is a write lock on PostgreSQL (row) and SQLite (database) alike: a second
    # request waits here until the first has committed, then finds the renditions and makes none.
    Photo.objects.filter(pk=photo.pk).update(checksum=models.F("checksum"))
    existing = list(Rendition.objects.filter(photo=photo, crop=crop))
    if not existing:
        written = []
        try:
            with transaction.atomic():
                existing = _make_renditions(photo, _master_pixels(photo), crop, written)
        except IntegrityError:
            _delete_files(written)
            existing = list(Rendition.objects.filter(photo=photo, crop=crop))
        except Exception:
            _delete_files(written)
            raise
    rows = _as_rows(Rendition.objects.filter(photo=photo))
    cache.set(_cache_key(photo), rows, CACHE_TIMEOUT)
    if hasattr(photo, "_prefetched_objects_cache"):
        photo._prefetched_objects_cache.pop("renditions", None)
    return [row for row in rows if row[3] == crop]


def rendition_rows(photo: Photo, crop: str = "") -> list[tuple]:
    """(width, height, format, crop, name) of the photo's renditions for a crop key, made on first use."""
    rows = [row for row in _known_rows(photo) if row[3] == crop]
    if not rows and photo.pk and photo.image:
        rows = _make_on_first_use(photo, crop)
    return rows


@dataclass
class Picture:
    """What a <picture> element needs: srcsets per format, a fallback src, and the intrinsic size."""

    src: str
    width: int | None
    height: int | None
    webp_srcset: str = ""
    jpeg_srcset: str = ""
    sizes: str = DEFAULT_SIZES


def _rendition_storage():
    return Rendition._meta.get_field("file").storage


def picture(photo: Photo | None, *, crop: str = "", sizes: str = "") -> Picture | None:
    """The sources of a photo for a public page; never raises for a broken file (falls back to the master)."""
    if photo is None or not photo.image:
        return None
    try:
        rows = rendition_rows(photo, crop_key(photo, crop))
    except (OSError, PhotoRejected, ValueError):
        logger.warning("could not make renditions of photo %s", photo.pk, exc_info=True)
        rows = []
    sizes = sizes or DEFAULT_SIZES
    if not rows:
        return Picture(src=photo.image.url, width=photo.width, height=photo.height, sizes=sizes)
    storage = _rendition_storage()
    srcsets = {}
    for width, _height, fmt, _crop, name in sorted(rows):
        srcsets.setdefault(fmt, []).append(f"{storage.url(name)} {width}w")
    jpegs = sorted(row for row in rows if row[2] == "JPEG") or sorted(rows)
    fallback = min(jpegs, key=lambda row: abs(row[0] - 800))
    largest = jpegs[-1]
    return Picture(
        src=storage.url(fallback[4]), width=largest[0], height=largest[1],
        webp_srcset=", ".join(srcsets.get("WEBP", [])), jpeg_srcset=", ".join(srcsets.get("JPEG", [])), sizes=sizes,
    )


def thumbnail_url(photo: Photo | None, *, crop: str = "") -> str:
    """The URL of the photo's smallest rendition, for thumbnails in the admin (made once if missing)."""
    if photo is None or not photo.image:
        return ""
    try:
        rows = rendition_rows(photo, crop_key(photo, crop))
    except (OSError, PhotoRejected, ValueError):
        logger.warning("could not make a thumbnail of photo %s", photo.pk, exc_info=True)
        return photo.image.url
    if not rows:
        return photo.image.url
    smallest = min(rows, key=lambda row: (row[0], row[2] != "WEBP"))
    return _rendition_storage().url(smallest[4])


def with_renditions(lookup: str = "renditions") -> models.Prefetch:
    """A prefetch for list pages, so every photo's sources come in one query: e.g. 'captions__photo__renditions'."""
    fields = ("photo_id", "width", "height", "format", "crop", "file")
    return models.Prefetch(lookup, queryset=Rendition.objects.only(*fields))
