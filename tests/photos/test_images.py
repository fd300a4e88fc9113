"""The photo pipeline: what it accepts, what it refuses, what the public can fetch, and renditions made once.

Every image here is made with Pillow (or, for the bombs, from Pillow's own output with zlib) inside the test.
"""
import io
import re
import struct
import threading
import unicodedata
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from PIL import ExifTags, Image, ImageCms

from photos import placeholders, renditions, services, validation
from photos.models import Photo, Rendition
from tests import factories

RED, BLUE = (220, 20, 20), (20, 20, 220)


# --- image makers -------------------------------------------------------------------------------------------


def encoded(image, fmt, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def noise(width, height, mode="RGB"):
    """A photo-like image that does not compress to nothing (so truncation cuts real image data)."""
    grain = Image.effect_noise((width, height), 64)
    if mode != "RGB":
        return grain
    return Image.merge("RGB", [grain, grain.rotate(90), grain.transpose(Image.Transpose.FLIP_LEFT_RIGHT)])


def scene(width, height):
    """A smooth colour picture, quick to encode: for tests where the pixels themselves do not matter."""
    ramp = Image.linear_gradient("L")
    bands = [ramp, ramp.transpose(Image.Transpose.ROTATE_90), ramp.rotate(45)]
    return Image.merge("RGB", bands).resize((width, height))


def two_halves(width, height, left=RED, right=BLUE):
    image = Image.new("RGB", (width, height), left)
    image.paste(Image.new("RGB", (width - width // 2, height), right), (width // 2, 0))
    return image


def phone_jpeg() -> bytes:
    """A 300x200 landscape sensor image that the phone says to turn 90° clockwise (EXIF orientation 6),
    with GPS, camera make, an XMP packet with a location, a JPEG comment and an ICC profile."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Điện thoại phóng viên"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (22.0, 8.0, 49.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (105.0, 50.0, 2.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>22,8.8N</exif:GPSLatitude></x:xmpmeta>'
    return encoded(two_halves(300, 200), "JPEG", quality=95, exif=exif, xmp=xmp, comment=b"nguon tin: ong A",
                   icc_profile=icc)


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_bomb(width=20_000, height=20_000) -> bytes:
    """A real PNG of width x height black 1-bit pixels: a few dozen KB that decode to hundreds of megapixels."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row * 1000) for _ in range(height // 1000)]
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    chunks = png_chunk(b"IHDR", header) + png_chunk(b"IDAT", b"".join(parts)) + png_chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def jpeg_claiming(width, height) -> bytes:
    """A small real JPEG whose frame header (SOF0) claims width x height: decoding it in full would fail."""
    data = bytearray(encoded(noise(64, 48), "JPEG", quality=80))
    sof = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def truncated_jpeg() -> bytes:
    data = encoded(noise(800, 600), "JPEG", quality=90)
    return data[: len(data) // 2]


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<script>alert(document.cookie)</script><rect width="100" height="100"/></svg>'
)
HTML_PAGE = b"<!doctype html><html><body><script>fetch('/quan-tri/').then(r=>r.text())</script></body></html>"


def animated_webp() -> bytes:
    frames = [Image.new("RGB", (60, 40), color) for color in (RED, BLUE, (20, 200, 20))]
    return encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=200)


def animated_png() -> bytes:
    frames = [Image.new("RGB", (60, 40), color) for color in (RED, BLUE)]
    return encoded(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=200)


# (name the reporter's computer gave, bytes, the refusal's code). Shared with the admin tests.
BAD_UPLOADS = {
    "truncated-jpeg": ("anh-bi-cat.jpg", truncated_jpeg, "corrupt"),
    "svg-with-script": ("bieu-do.svg", lambda: SVG_WITH_SCRIPT, "not_an_image"),
    "svg-named-jpg": ("anh.jpg", lambda: SVG_WITH_SCRIPT, "not_an_image"),
    "html-named-png": ("anh.png", lambda: HTML_PAGE, "not_an_image"),
    "text-named-jpg": ("ghi-chu.jpg", lambda: "Biên bản cuộc họp".encode(), "not_an_image"),
    "gif": ("anh.gif", lambda: encoded(Image.new("P", (40, 40)), "GIF"), "not_an_image"),
    "empty": ("rong.jpg", lambda: b"", "empty"),
    "animated-webp": ("dong.webp", animated_webp, "animated"),
    "animated-png": ("dong.png", animated_png, "animated"),
    "png-decompression-bomb": ("bom.png", png_bomb, "too_many_pixels"),
    "jpeg-header-bomb": ("bom.jpg", lambda: jpeg_claiming(30_000, 19_000), "too_many_pixels"),
}


def stored_files(*roots) -> list[Path]:
    return [path for root in roots for path in Path(root).rglob("*") if path.is_file()]


@pytest.fixture
def storage_roots(settings):
    """The public media folder and the private originals folder of this test."""
    return settings.MEDIA_ROOT, settings.STORAGES["originals"]["OPTIONS"]["location"]


def public_files_of(photo):
    return [photo.image, *[r.file for r in photo.renditions.all()]]


def read(fieldfile) -> bytes:
    with fieldfile.open("rb") as handle:
        return handle.read()


# --- accepted uploads ---------------------------------------------------------------------------------------


def test_phone_photo_is_turned_upright_and_published_without_location(db, storage_roots):
    """A phone JPEG with EXIF orientation 6 and GPS: every public file is upright and carries no metadata."""
    photo = services.photo_create(file=phone_jpeg(), alt_text="Chợ phiên", credit="Ảnh: Nông Vui",
                                original_filename="chợ phiên.jpg")

    assert (photo.width, photo.height) == (200, 300)
    files = public_files_of(photo)
    assert len(files) == 1 + 2  # the master, and one width (its own: 200 px) in WebP and JPEG
    for fieldfile in files:
        data = read(fieldfile)
        image = Image.open(io.BytesIO(data))
        assert image.size == (200, 300), fieldfile.name
        image = image.convert("RGB")
        top, bottom = image.getpixel((100, 20)), image.getpixel((100, 280))
        assert top[0] > 150 and top[2] < 100, f"{fieldfile.name}: the sensor's left (red) must be on top"
        assert bottom[2] > 150 and bottom[0] < 100, f"{fieldfile.name}: the sensor's right (blue) at the bottom"
        assert len(image.getexif()) == 0
        info = Image.open(io.BytesIO(data)).info
        assert not {"exif", "xmp", "comment", "icc_profile", "XML:com.adobe.xmp"} & set(info)
        for marker in (b"Exif", b"GPS", b"xmpmeta", b"nguon tin", "Điện thoại".encode()):
            assert marker not in data, f"{marker!r} left in {fieldfile.name}"


def test_original_keeps_its_metadata_in_private_storage(db, storage_roots):
    """The upload as sent (with GPS) is kept outside the public media folder, under a generated name."""
    data = phone_jpeg()
    photo = services.photo_create(file=data, alt_text="Chợ phiên", credit="Ảnh: Nông Vui", original_filename="chợ.jpg")

    media_root, private_root = storage_roots
    assert read(photo.original) == data
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert (Path(private_root) / photo.original.name).is_file()
    assert not (Path(media_root) / photo.original.name).exists()
    assert all(str(path).startswith(str(media_root)) for path in stored_files(media_root))
    assert photo.checksum == __import__("hashlib").sha256(data).hexdigest()
    assert photo.file_size == photo.image.size  # the published file's size, as feeds announce it
    assert photo.original_filename == "chợ.jpg"


def test_png_named_jpg_is_stored_as_png(db):
    """A PNG renamed .jpg is judged by its content: accepted as PNG and stored under .png names only."""
    data = encoded(two_halves(900, 600), "PNG")
    photo = services.photo_create(file=SimpleUploadedFile("anh.jpg", data, content_type="image/jpeg"),
                                alt_text="Đồ họa", credit="Đồ họa: Tòa soạn")

    assert photo.format == "PNG"
    assert photo.original_filename == "anh.jpg"
    assert photo.original.name.endswith(".png") and photo.image.name.endswith(".png")
    assert Image.open(io.BytesIO(read(photo.image))).format == "PNG"
    for rendition in photo.renditions.all():
        assert Image.open(io.BytesIO(read(rendition.file))).format == rendition.format
        assert rendition.file.name.endswith({"WEBP": ".webp", "JPEG": ".jpg"}[rendition.format])


def test_storage_names_are_generated_never_the_reporters(db):
    """Whatever the file was called (folders, HTML, control characters), storage names are random, typed by content."""
    photo = services.photo_create(file=encoded(scene(500, 300), "JPEG"), alt_text="Ảnh", credit="Ảnh: A",
                                original_filename="../../quan-tri/<script>x</script>\n.html")
    for name in [photo.image.name, photo.original.name, *[r.file.name for r in photo.renditions.all()]]:
        assert re.fullmatch(r"(photos|originals|renditions)/\d{4}/\d{2}/[0-9a-f]{24}\.(jpg|webp)", name), name
    assert "\n" not in photo.original_filename and "/" not in photo.original_filename


def test_vietnamese_file_name_is_kept_in_nfc():
    """A macOS (NFD) Vietnamese file name is kept as metadata in NFC."""
    nfd = unicodedata.normalize("NFD", "Lễ hội Lồng Tồng.jpg")
    assert validation.safe_filename(nfd) == unicodedata.normalize("NFC", "Lễ hội Lồng Tồng.jpg")
    assert validation.safe_filename("C:\\Users\\pv\\Ảnh\\..\\đèo.png") == "đèo.png"


def test_multi_picture_phone_jpeg_is_accepted_as_its_first_picture(db):
    """A multi-picture JPEG (MPO, as some phones write) is a JPEG: its main picture is published."""
    data = encoded(two_halves(640, 480), "MPO", save_all=True, append_images=[Image.new("RGB", (640, 480), "white")])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    photo = services.photo_create(file=data, alt_text="Ảnh", credit="Ảnh: A")
    assert photo.format == "JPEG"
    assert Image.open(io.BytesIO(read(photo.image))).format == "JPEG"


def test_cmyk_jpeg_becomes_rgb(db):
    """A CMYK JPEG from a print workflow is published in RGB, which every browser shows."""
    photo = services.photo_create(file=encoded(Image.new("CMYK", (500, 300), (0, 200, 200, 0)), "JPEG"),
                                alt_text="Ảnh", credit="Ảnh: A")
    for fieldfile in public_files_of(photo):
        assert Image.open(io.BytesIO(read(fieldfile))).mode == "RGB"


def test_transparent_png_keeps_alpha_in_webp_and_is_white_in_jpeg(db):
    """A logo with transparency keeps it in WebP; the JPEG fallback is flattened on white, not black."""
    logo = Image.new("RGBA", (600, 300), (0, 0, 0, 0))
    logo.paste(Image.new("RGBA", (200, 100), (200, 0, 0, 255)), (200, 100))
    photo = services.photo_create(file=encoded(logo, "PNG"), alt_text="Logo", credit="Đồ họa: A")
    webp = photo.renditions.get(format="WEBP", width=600)
    jpeg = photo.renditions.get(format="JPEG", width=600)
    assert Image.open(io.BytesIO(read(webp.file))).mode == "RGBA"
    assert Image.open(io.BytesIO(read(jpeg.file))).convert("RGB").getpixel((5, 5)) == (255, 255, 255)


# --- refused uploads ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_bad_upload_is_refused_in_vietnamese_and_nothing_is_stored(db, storage_roots, case):
    """Each hostile or broken file is refused with a Vietnamese message; no row and no file is left behind."""
    name, make, code = BAD_UPLOADS[case]
    with pytest.raises(validation.PhotoRejected) as refused:
        services.photo_create(file=SimpleUploadedFile(name, make()), alt_text="Ảnh", credit="Ảnh: A")
    assert refused.value.code == code
    message = refused.value.messages[0]
    assert re.search("[\u00c0-\u1ef9]", message), message  # Vietnamese, with its diacritics
    assert Photo.objects.count() == 0 and Rendition.objects.count() == 0
    assert stored_files(*storage_roots) == []


def test_decompression_bomb_is_refused_from_its_header(db):
    """A bomb is judged by the size its header claims: the JPEG whose data could never fill 570 MP is refused
    for its pixel count, not as corrupt, so the refusal came before any decoding."""
    with pytest.raises(validation.PhotoRejected) as refused:
        validation.check_upload(jpeg_claiming(30_000, 19_000))
    assert refused.value.code == "too_many_pixels"
    assert "570 megapixel" in refused.value.messages[0]
    with pytest.raises(validation.PhotoRejected) as refused:
        validation.check_upload(jpeg_claiming(9_000, 6_000))  # 54 MP: over our limit, under Pillow's hard stop
    assert refused.value.code == "too_many_pixels"
    assert "9000 × 6000" in refused.value.messages[0]


def test_png_bomb_is_small_on_disk(db):
    """The PNG bomb really is one: a small file whose header promises 400 megapixels."""
    data = png_bomb()
    assert len(data) < 200_000
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(data))  # Pillow's own guard agrees with ours: above twice our limit


def test_pillow_guard_follows_the_pixel_limit(settings):
    """Every Pillow call in the process is guarded at the newsroom's pixel limit, not only the pipeline's, and
    follows the setting when it changes (PhotosConfig.ready() sets it once the settings are loaded)."""
    assert Image.MAX_IMAGE_PIXELS == validation.max_pixels()
    settings.NEWSROOM_PHOTO_MAX_PIXELS = 1_000_000
    assert Image.MAX_IMAGE_PIXELS == 1_000_000


def test_pixel_limit_is_a_setting(db, settings):
    """An image with more pixels than NEWSROOM_PHOTO_MAX_PIXELS is refused; one at the limit is accepted."""
    settings.NEWSROOM_PHOTO_MAX_PIXELS = 100 * 100
    with pytest.raises(validation.PhotoRejected) as refused:
        validation.check_upload(encoded(scene(100, 101), "PNG"))
    assert refused.value.code == "too_many_pixels"
    assert validation.check_upload(encoded(scene(100, 100), "PNG")).size == (100, 100)


def test_file_one_byte_over_the_limit_is_refused(db, settings, storage_roots):
    """A file of exactly the byte limit is accepted; one byte more is refused before it is decoded."""
    data = encoded(scene(400, 300), "JPEG")
    settings.NEWSROOM_PHOTO_MAX_BYTES = len(data) - 1
    with pytest.raises(validation.PhotoRejected) as refused:
        services.photo_create(file=SimpleUploadedFile("anh.jpg", data), alt_text="Ảnh", credit="Ảnh: A")
    assert refused.value.code == "too_big"
    assert "MB" in refused.value.messages[0]
    assert stored_files(*storage_roots) == [] and Photo.objects.count() == 0

    settings.NEWSROOM_PHOTO_MAX_BYTES = len(data)
    assert services.photo_create(file=SimpleUploadedFile("anh.jpg", data), alt_text="Ảnh", credit="Ảnh: A").pk


def test_byte_limit_applies_to_raw_bytes_and_open_files(db, settings, tmp_path):
    """The byte limit holds however the data arrives: bytes or an open file without a size."""
    data = encoded(scene(300, 200), "JPEG")
    settings.NEWSROOM_PHOTO_MAX_BYTES = len(data) - 1
    path = tmp_path / "anh.jpg"
    path.write_bytes(data)
    for source in (data, path.open("rb")):
        with pytest.raises(validation.PhotoRejected):
            validation.check_upload(source)


# --- renditions ---------------------------------------------------------------------------------------------


def test_renditions_cover_standard_widths_in_webp_and_jpeg_never_upscaled(db):
    """A 2000 px photo gets 480/800/1200/1600 in WebP and JPEG; a 600 px one gets 480 and its own 600."""
    big = services.photo_create(file=encoded(scene(2000, 1333), "JPEG"), alt_text="Ảnh", credit="Ảnh: A")
    small = services.photo_create(file=encoded(scene(600, 400), "JPEG"), alt_text="Ảnh", credit="Ảnh: A")

    assert sorted(big.renditions.values_list("width", "format")) == sorted(
        (w, f) for w in (480, 800, 1200, 1600) for f in ("JPEG", "WEBP"))
    assert sorted(small.renditions.values_list("width", flat=True)) == [480, 480, 600, 600]
    for rendition in Rendition.objects.all():
        image = Image.open(io.BytesIO(read(rendition.file)))
        assert image.format == rendition.format
        assert image.size == (rendition.width, rendition.height)
        assert rendition.width <= rendition.photo.width


def test_public_master_is_capped_and_the_original_kept_whole(db):
    """A 3000 px photo is published from a 2560 px master; the private original keeps every pixel."""
    photo = services.photo_create(file=encoded(scene(3000, 2000), "JPEG"), alt_text="Ảnh", credit="Ảnh: A")
    assert (photo.width, photo.height) == (2560, 1707)
    assert Image.open(io.BytesIO(read(photo.image))).size == (2560, 1707)
    assert Image.open(io.BytesIO(read(photo.original))).size == (3000, 2000)
    assert max(photo.renditions.values_list("width", flat=True)) == 1600


def test_very_large_jpeg_is_decoded_at_reduced_scale_and_truncation_is_still_caught(db):
    """A JPEG twice the master's size is decoded scaled down by libjpeg, yet a truncated one is still refused."""
    data = encoded(noise(5400, 300), "JPEG", quality=90)
    checked = validation.check_upload(data)
    assert checked.size[0] < 5400 and checked.size[0] >= validation.MASTER_MAX_SIDE
    with pytest.raises(validation.PhotoRejected) as refused:
        validation.check_upload(data[: len(data) * 2 // 3])
    assert refused.value.code == "corrupt"


def test_renditions_are_made_once_and_reused(db, settings):
    """Rendering the picture partial again and again makes no new rendition files or rows."""
    photo = services.photo_create(file=encoded(scene(1000, 700), "JPEG"), alt_text="Ảnh", credit="Ảnh: A")
    files_before = stored_files(settings.MEDIA_ROOT)
    for _ in range(3):
        render_to_string("articles/_picture.html", {"photo": photo, "lead": False})
        render_to_string("articles/_picture.html", {"photo": Photo.objects.get(pk=photo.pk), "lead": False})
    assert stored_files(settings.MEDIA_ROOT) == files_before
    assert photo.renditions.count() == 6


def test_photo_made_outside_the_pipeline_gets_clean_renditions_on_first_use(db, settings,
                                                                          django_assert_max_num_queries):
    """A photo stored directly (legacy data) gets renditions on first use, once, with its EXIF and GPS removed."""
    photo = Photo(alt_text="Ảnh cũ", credit="Ảnh: A")
    photo.image.save("cu.jpg", ContentFile(phone_jpeg()), save=False)
    photo.save()
    assert photo.renditions.count() == 0

    html = render_to_string("articles/_picture.html", {"photo": photo, "lead": False})
    assert photo.renditions.count() == 2 and "srcset" in html
    for rendition in photo.renditions.all():
        data = read(rendition.file)
        assert b"GPS" not in data and b"Exif" not in data
        assert Image.open(io.BytesIO(data)).size == (200, 300)
    count = len(stored_files(settings.MEDIA_ROOT))
    fresh = Photo.objects.get(pk=photo.pk)
    with django_assert_max_num_queries(0):
        render_to_string("articles/_picture.html", {"photo": fresh, "lead": False})
    assert len(stored_files(settings.MEDIA_ROOT)) == count


def test_list_of_photos_renders_in_constant_queries(db, django_assert_num_queries):
    """With renditions prefetched, rendering twenty pictures runs no query at all (no N+1)."""
    for _ in range(20):
        services.photo_create(file=encoded(scene(900, 600), "JPEG"), alt_text="Ảnh", credit="Ảnh: A")
    from django.core.cache import cache

    cache.clear()  # prove it is the prefetch, not the cache, that saves the queries
    photos = list(Photo.objects.prefetch_related(renditions.with_renditions()))
    with django_assert_num_queries(0):
        for photo in photos:
            render_to_string("articles/_picture.html", {"photo": photo, "lead": False})


def test_cached_sources_spare_the_query_when_not_prefetched(db, django_assert_num_queries):
    """Without a prefetch, a photo's sources come from the cache filled at upload: no query."""
    photo = services.photo_create(file=encoded(scene(900, 600), "JPEG"), alt_text="Ảnh", credit="Ảnh: A")
    fresh = Photo.objects.get(pk=photo.pk)
    with django_assert_num_queries(0):
        assert renditions.picture(fresh).webp_srcset


class PictureParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html):
    parser = PictureParser()
    parser.feed(html)
    return parser.tags


def test_picture_partial_has_srcset_sizes_dimensions_and_lazy_loading(db):
    """Below the fold: a <picture> with a WebP source and a lazy JPEG <img> with width, height and alt."""
    photo = services.photo_create(file=encoded(scene(2000, 1000), "JPEG"), alt_text="Cầu Pác Ban \"mới\"",
                                credit="Ảnh: A")
    tags = parse(render_to_string("articles/_picture.html", {"photo": photo, "lead": False}))
    assert [tag for tag, _ in tags] == ["picture", "source", "img"]
    source, img = tags[1][1], tags[2][1]
    assert source["type"] == "image/webp"
    assert [part.split()[-1] for part in source["srcset"].split(", ")] == ["480w", "800w", "1200w", "1600w"]
    assert all(".webp" in part for part in source["srcset"].split(", "))
    assert source["sizes"] == img["sizes"] == renditions.DEFAULT_SIZES
    assert all(".jpg" in part for part in img["srcset"].split(", "))
    assert (img["width"], img["height"]) == ("1600", "800")
    assert img["alt"] == 'Cầu Pác Ban "mới"'
    assert img["loading"] == "lazy" and "fetchpriority" not in img
    assert img["src"].endswith(".jpg")


def test_lead_picture_is_eager_with_high_priority(db):
    """The lead photo is loaded at once and first."""
    photo = services.photo_create(file=encoded(scene(800, 500), "JPEG"), alt_text="Ảnh", credit="Ảnh: A")
    img = dict(parse(render_to_string("articles/_picture.html", {"photo": photo, "lead": True})))["img"]
    assert img["loading"] == "eager" and img["fetchpriority"] == "high"


def test_picture_partial_survives_a_missing_file(db, settings):
    """A photo whose master vanished from storage still renders (its stored URL), never a 500."""
    photo = Photo(alt_text="Ảnh mất", credit="Ảnh: A", width=640, height=480)
    photo.image.name = "photos/2026/01/khong-con.jpg"
    photo.save()
    tags = parse(render_to_string("articles/_picture.html", {"photo": photo, "lead": False}))
    assert dict(tags)["img"]["src"].endswith("khong-con.jpg")


def test_thumbnail_url_is_the_smallest_webp(db):
    """The admin thumbnail is the 480 px WebP rendition."""
    photo = services.photo_create(file=encoded(scene(1600, 900), "JPEG"), alt_text="Ảnh", credit="Ảnh: A")
    assert renditions.thumbnail_url(photo) == photo.renditions.get(width=480, format="WEBP").file.url
    assert renditions.thumbnail_url(None) == ""


def test_deleting_a_photo_deletes_its_files(db, storage_roots, django_capture_on_commit_callbacks):
    """Deleting a photo removes the original, the master and every rendition once committed."""
    photo = services.photo_create(file=encoded(scene(900, 600), "JPEG"), alt_text="Ảnh", credit="Ảnh: A")
    assert stored_files(*storage_roots)
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_delete(photo=photo)
    assert stored_files(*storage_roots) == []


# --- importer helpers ---------------------------------------------------------------------------------------


def test_placeholder_photo_is_a_real_published_photo(db):
    """The importer's placeholder is a flagged JPEG with alt text, the placeholder credit and renditions, reused
    for the same label."""
    photo = placeholders.placeholder_photo(alt_text="Ảnh minh họa: Hồ Ba Bể", label="Hồ Ba Bể")
    assert photo.format == "JPEG" and (photo.width, photo.height) == (1600, 900)
    assert photo.alt_text == "Ảnh minh họa: Hồ Ba Bể" and photo.credit == placeholders.PLACEHOLDER_CREDIT
    assert photo.is_placeholder and photo.renditions.count() == 8
    again = placeholders.placeholder_photo(alt_text="Ảnh minh họa: Hồ Ba Bể", label="Hồ Ba Bể")
    assert again.pk == photo.pk


def test_photo_from_path_reads_a_file_once(db, tmp_path):
    """Importing the same file twice with the same alt text and credit gives the same photo."""
    path = tmp_path / "Đèo Giàng.jpg"
    path.write_bytes(phone_jpeg())
    photo = services.photo_from_path(path, alt_text="Đèo Giàng", credit="Ảnh: Cộng tác viên")
    assert photo.original_filename == "Đèo Giàng.jpg" and (photo.width, photo.height) == (200, 300)
    assert services.photo_from_path(path, alt_text="Đèo Giàng", credit="Ảnh: Cộng tác viên").pk == photo.pk


def test_photo_from_path_refuses_a_disguised_file(db, tmp_path):
    """An HTML page saved as .jpg in an import folder is refused like an upload."""
    path = tmp_path / "anh.jpg"
    path.write_bytes(HTML_PAGE)
    with pytest.raises(validation.PhotoRejected):
        services.photo_from_path(path, alt_text="Ảnh", credit="Ảnh: A")
    with pytest.raises(validation.PhotoRejected):
        services.photo_from_path(tmp_path / "khong-co.jpg", alt_text="Ảnh", credit="Ảnh: A")


def test_factory_photos_go_through_the_pipeline(db):
    """Test photos are made like real ones, so every test sees renditions and clean files."""
    photo = factories.make_photo(width=900, height=600)
    assert photo.renditions.count() == 6 and photo.checksum


# --- concurrency (PostgreSQL: real row locks between two connections) ----------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_use_makes_renditions_once(settings, monkeypatch):
    """Two requests asking at the same moment for a width the photo lacks make its renditions once, not twice."""
    photo = services.photo_create(file=encoded(scene(1000, 600), "JPEG"), alt_text="Ảnh", credit="Ảnh: A")
    monkeypatch.setattr(renditions, "RENDITION_WIDTHS", (320, 480, 800, 1200, 1600))
    barrier = threading.Barrier(2)
    errors = []

    def ask():
        try:
            barrier.wait()
            renditions.rendition_rows(Photo.objects.get(pk=photo.pk))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    from django.core.cache import cache

    cache.clear()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Rendition.objects.filter(photo=photo, width=320).count() == 2  # one WebP, one JPEG
    assert Rendition.objects.filter(photo=photo).count() == 8
    files = {r.file.name for r in Rendition.objects.filter(photo=photo)}
    on_disk = {str(p.relative_to(settings.MEDIA_ROOT)) for p in Path(settings.MEDIA_ROOT, "renditions").rglob("*.*")}
    assert on_disk == files
