"""Renditions: the resized copies of a photo the public fetches, made once, reused from storage, and made for
any standard width a photo lacks (a width added to RENDITION_WIDTHS reaches old photos on first use, or at once
with `manage.py make_renditions`).

Pages read a photo's renditions from a prefetch (with_renditions) or the cache, so a list of stories costs one
query for all its photos; only a photo that lacks a rendition costs more, once.
"""
import io
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from PIL import Image

from . import storage
from .models import Photo, Rendition
from .validation import EXTENSIONS, PhotoRejected, clean_pixels, decode

logger = logging.getLogger(__name__)

# Standard widths: the story column is 46rem (736 px, 1472 on a 2x screen) and a small teaser 12rem.
RENDITION_WIDTHS = (480, 800, 1200, 1600)
RENDITION_FORMATS = ("WEBP", "JPEG")  # WebP for browsers that take it, JPEG as the fallback
JPEG_QUALITY = 82
WEBP_QUALITY = 78
# What a public <img sizes> says when the caller does not: the story column is 46rem wide (site.css).
DEFAULT_SIZES = "(min-width: 48rem) 46rem, 100vw"
CACHE_TIMEOUT = 60 * 60 * 24 * 7


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


def fit(image: Image.Image, side: int) -> Image.Image:
    """The image scaled down so that neither side exceeds `side` pixels."""
    if max(image.size) <= side:
        return image
    scale = side / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def planned_widths(width: int) -> list[int]:
    """Rendition widths for a photo `width` pixels wide: the standard ones below it, never upscaled."""
    return sorted({w for w in RENDITION_WIDTHS if w < width} | {min(width, RENDITION_WIDTHS[-1])})


def planned(width: int) -> set[tuple[int, str]]:
    """Every (width, format) a photo `width` pixels wide should have."""
    return {(w, fmt) for w in planned_widths(width) for fmt in RENDITION_FORMATS}


# --- making renditions --------------------------------------------------------------------------------------


def make_renditions(photo: Photo, image: Image.Image, written: list, *, have=frozenset()) -> list[Rendition]:
    """Store every planned rendition of `image` (the photo's master pixels) but those in `have`.

    Resizes from the largest width down, each step from the previous one.
    """
    made = []
    source = image
    for width in sorted(planned_widths(image.width), reverse=True):
        wanted = [fmt for fmt in RENDITION_FORMATS if (width, fmt) not in have]
        if not wanted:
            continue
        source = _resize(source, width)
        for fmt in wanted:
            rendition = Rendition(photo=photo, width=source.width, height=source.height, format=fmt)
            storage.save_file(rendition.file, f"r.{EXTENSIONS[fmt]}", encode(source.copy(), fmt), written)
            rendition.save()
            made.append(rendition)
    return made


def master_pixels(photo: Photo) -> Image.Image:
    """The photo's public master, decoded and cleaned again (it may predate the pipeline)."""
    with photo.image.open("rb") as handle:
        data = handle.read()
    return clean_pixels(decode(data)[1])


@transaction.atomic
def make_missing(photo: Photo) -> list[Rendition]:
    """Make the renditions the photo lacks, exactly once even when several requests ask at the same moment.

    Returns the renditions made (none when another request made them first). Raises OSError when the master
    cannot be read and PhotoRejected when it no longer decodes.
    """
    # An UPDATE of the photo row is a write lock on PostgreSQL (row) and SQLite (database) alike: a second
    # request waits here until the first has committed, then finds the renditions and makes none.
    Photo.objects.filter(pk=photo.pk).update(checksum=models.F("checksum"))
    have = {(r.width, r.format) for r in Rendition.objects.filter(photo=photo)}
    made = []
    if not have or (photo.width and planned(photo.width) - have):
        written = []
        try:
            with transaction.atomic():
                pixels = master_pixels(photo)
                if (photo.width, photo.height) != pixels.size:
                    # A master stored before the pipeline (EXIF-rotated, or measured wrongly): its size is what
                    # the planned widths follow, or every page would look for renditions that can never be made.
                    photo.width, photo.height = pixels.size
                    Photo.objects.filter(pk=photo.pk).update(width=photo.width, height=photo.height)
                made = make_renditions(photo, pixels, written, have=have)
        except IntegrityError:
            storage.delete_files(written)
            made = []
        except BaseException:
            storage.delete_files(written)
            raise
    cache_set(photo, Rendition.objects.filter(photo=photo))
    if hasattr(photo, "_prefetched_objects_cache"):
        photo._prefetched_objects_cache.pop("renditions", None)
    return made


# --- reading renditions -------------------------------------------------------------------------------------


def _cache_key(photo: Photo) -> str:
    return f"photo-renditions:v2:{photo.pk}:{(photo.checksum or 'x')[:16]}"


def _as_rows(renditions) -> list[tuple]:
    return [(r.width, r.height, r.format, r.file.name) for r in renditions]


def cache_set(photo: Photo, renditions) -> None:
    key = _cache_key(photo)
    cache.set(key, _as_rows(renditions), CACHE_TIMEOUT)
    storage.note_cache_key(key)  # a rolled-back photo's number may be given again (SQLite)


def cache_forget(photo: Photo) -> None:
    cache.delete(_cache_key(photo))


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


def lacks_renditions(photo: Photo, rows=None) -> bool:
    """Whether the photo lacks one of its planned renditions (none at all, or a width added since)."""
    rows = _known_rows(photo) if rows is None else rows
    if not rows:
        return True
    return bool(photo.width and planned(photo.width) - {(row[0], row[2]) for row in rows})


def rendition_rows(photo: Photo) -> list[tuple]:
    """(width, height, format, name) of the photo's renditions, the missing ones made on first use.

    Never raises for a broken master: the renditions that exist are used (logged), and the next use tries again.
    """
    rows = _known_rows(photo)
    if photo.pk and photo.image and lacks_renditions(photo, rows):
        try:
            make_missing(photo)
        except (OSError, PhotoRejected, ValueError):
            logger.warning("could not make renditions of photo %s", photo.pk, exc_info=True)
            return rows
        rows = _known_rows(photo)
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


def picture(photo: Photo | None, *, sizes: str = "") -> Picture | None:
    """The sources of a photo for a public page; never raises for a broken file (falls back to the master)."""
    if photo is None or not photo.image:
        return None
    rows = rendition_rows(photo)
    sizes = sizes or DEFAULT_SIZES
    if not rows:
        return Picture(src=photo.image.url, width=photo.width, height=photo.height, sizes=sizes)
    rendition_storage = _rendition_storage()
    srcsets = {}
    for width, _height, fmt, name in sorted(rows):
        srcsets.setdefault(fmt, []).append(f"{rendition_storage.url(name)} {width}w")
    jpegs = sorted(row for row in rows if row[2] == "JPEG") or sorted(rows)
    fallback = min(jpegs, key=lambda row: abs(row[0] - 800))
    largest = jpegs[-1]
    return Picture(
        src=rendition_storage.url(fallback[3]), width=largest[0], height=largest[1],
        webp_srcset=", ".join(srcsets.get("WEBP", [])), jpeg_srcset=", ".join(srcsets.get("JPEG", [])), sizes=sizes,
    )


def thumbnail_url(photo: Photo | None) -> str:
    """The URL of the photo's smallest rendition, for thumbnails in the admin (made once if missing)."""
    if photo is None or not photo.image:
        return ""
    rows = rendition_rows(photo)
    if not rows:
        return photo.image.url
    smallest = min(rows, key=lambda row: (row[0], row[2] != "WEBP"))
    return _rendition_storage().url(smallest[3])


def with_renditions(lookup: str = "renditions") -> models.Prefetch:
    """A prefetch for list pages, so every photo's sources come in one query: e.g. 'captions__photo__renditions'."""
    fields = ("photo_id", "width", "height", "format", "file")
    return models.Prefetch(lookup, queryset=Rendition.objects.only(*fields))
