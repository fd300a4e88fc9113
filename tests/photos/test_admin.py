"""The photo library in the admin: uploads through the pipeline, refusals without a 500, thumbnails, search,
where each photo is used, and the original for editors only."""
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import ExifTags, Image

from articles.models import Status
from photos import renditions
from photos.models import Photo, Rendition
from tests.photos.test_images import BAD_UPLOADS, encoded, phone_jpeg, scene, stored_files
from tests.factories import make_article, make_caption, make_photo
from tests.scaleout.test_object_storage import on_s3, s3_endpoint  # noqa: F401  (fixtures: moto's S3 server)

ADD_URL = "admin:photos_photo_add"


@pytest.fixture
def storage_roots(settings):
    return settings.MEDIA_ROOT, settings.STORAGES["originals"]["OPTIONS"]["location"]


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def upload(client, name, data, **fields):
    return client.post(reverse(ADD_URL), {
        "upload": SimpleUploadedFile(name, data), "alt_text": "Người dân đi chợ phiên", "credit": "Ảnh: Nông Vui", **fields,
    })


class ErrorList(HTMLParser):
    """The texts of the form's error lists (ul.errorlist), as a reader would see them."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.errors = []

    def handle_starttag(self, tag, attrs):
        if tag == "ul" and "errorlist" in (dict(attrs).get("class") or ""):
            self.depth = 1
            self.errors.append("")
        elif self.depth:
            self.depth += tag != "li" or 0

    def handle_endtag(self, tag):
        if self.depth and tag == "ul":
            self.depth = 0

    def handle_data(self, data):
        if self.depth:
            self.errors[-1] += data


def form_errors(response) -> list[str]:
    parser = ErrorList()
    parser.feed(response.content.decode())
    return [error.strip() for error in parser.errors if error.strip()]


def test_upload_form_states_the_limits_and_accepts_only_photos(client, reporter):
    """The empty upload form tells the reporter the formats and limits, and the file picker offers photos only."""
    client.force_login(reporter)
    html = client.get(reverse(ADD_URL)).content.decode()
    assert 'accept="image/jpeg,image/png,image/webp"' in html
    assert "tối đa 20 MB và 50 megapixel" in html and "GPS" in html


def test_reporter_uploads_a_phone_photo(client, reporter, storage_roots):
    """A reporter's phone photo is stored with its Vietnamese name as metadata, renditions and no GPS in public."""
    client.force_login(reporter)
    response = upload(client, "Chợ phiên Bắc Kạn.jpg", phone_jpeg())
    assert response.status_code == 302, form_errors(response)
    photo = Photo.objects.get()
    assert photo.original_filename == "Chợ phiên Bắc Kạn.jpg"
    assert photo.uploaded_by == reporter
    assert (photo.width, photo.height) == (200, 300) and photo.format == "JPEG"
    assert photo.renditions.count() == 2
    media_root, _private = storage_roots
    for path in stored_files(media_root):
        assert b"GPS" not in path.read_bytes(), path


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_bad_upload_through_the_admin_is_refused_without_a_500(superuser_client, storage_roots, case):
    """Each hostile or broken file gets the form back with a Vietnamese error; no photo and no file is stored."""
    name, make, _code = BAD_UPLOADS[case]
    response = upload(superuser_client, name, make())
    assert response.status_code == 200
    errors = form_errors(response)
    assert errors and any(re.search("[\u00c0-\u1ef9]", error) for error in errors), errors
    assert Photo.objects.count() == 0 and Rendition.objects.count() == 0
    assert stored_files(*storage_roots) == []


def test_upload_one_byte_over_the_limit_is_refused_in_the_admin(superuser_client, settings, storage_roots):
    """The byte limit holds through the admin: one byte over is refused with a message naming the limit."""
    data = encoded(scene(400, 300), "JPEG")
    settings.NEWSROOM_PHOTO_MAX_BYTES = len(data) - 1
    response = upload(superuser_client, "anh.jpg", data)
    assert response.status_code == 200
    assert any("MB" in error for error in form_errors(response))
    assert stored_files(*storage_roots) == []


def test_upload_without_a_file_asks_for_one(superuser_client):
    """Submitting the form without a file is a form error, not a crash."""
    response = superuser_client.post(reverse(ADD_URL), {"alt_text": "Ảnh", "credit": "Ảnh: A"})
    assert response.status_code == 200 and form_errors(response)


def test_popup_upload_from_the_story_form_returns_the_new_photo(superuser_client):
    """The '+' next to a story's photo field opens the upload in a popup that hands the new photo back."""
    response = superuser_client.post(reverse(ADD_URL) + "?_popup=1", {
        "upload": SimpleUploadedFile("anh.png", encoded(scene(300, 200), "PNG")),
        "alt_text": "Ảnh", "credit": "Ảnh: A", "_popup": "1",
    })
    assert response.status_code == 200
    photo = Photo.objects.get()
    assert f"&quot;value&quot;: &quot;{photo.pk}&quot;" in response.content.decode()


def test_photo_list_shows_thumbnails_and_uses_in_constant_queries(superuser_client):
    """The library lists thumbnails and the stories using each photo; ten photos cost what two cost."""
    def add(count):
        for n in range(count):
            photo = make_photo(alt_text=f"Ảnh số {n}")
            make_caption(make_article(f"Bài dùng ảnh {n}"), photo=photo, text="Chú thích")

    url = reverse("admin:photos_photo_changelist")
    add(2)
    with CaptureQueriesContext(connection) as few:
        superuser_client.get(url)
    add(8)
    with CaptureQueriesContext(connection) as many:
        response = superuser_client.get(url)
    assert len(many) == len(few)
    html = response.content.decode()
    assert html.count('loading="lazy"') >= 10
    thumbnails = re.findall(r'<img src="([^"]+)" alt="" width="120"', html)
    assert len(thumbnails) == 10 and all(src.endswith(".webp") for src in thumbnails)
    assert "Bài dùng ảnh 7" in html


@pytest.mark.parametrize("query, expected", [
    ("cầu Pác Ban", "cau"), ("Lý Minh", "credit"), ("khánh thành", "caption"),
])
def test_photo_search_by_alt_text_credit_and_caption(superuser_client, query, expected):
    """The library finds a photo by its alt text, its credit, or the caption it carries in a story."""
    photos = {
        "cau": make_photo(alt_text="Toàn cảnh cầu Pác Ban", credit="Ảnh: Nông Vui"),
        "credit": make_photo(alt_text="Hồ Ba Bể", credit="Ảnh: Lý Minh"),
        "caption": make_photo(alt_text="Đại biểu cắt băng", credit="Ảnh: Hà Thu"),
    }
    make_caption(make_article(), photo=photos["caption"], text="Lễ khánh thành trường mới")
    response = superuser_client.get(reverse("admin:photos_photo_changelist"), {"q": query})
    found = set(int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', response.content.decode()))
    assert found == {photos[expected].pk}


def test_photo_page_lists_the_stories_using_it(client, reporter, other_reporter):
    """A photo's page names the stories that use it, with their captions; a reporter does not see others' drafts."""
    photo = make_photo()
    published = make_article("Bài đã đăng dùng ảnh", status=Status.PUBLISHED)
    someone_elses_draft = make_article("Bản nháp của người khác", created_by=other_reporter)
    make_caption(published, photo=photo, text="Chú thích ở bài đã đăng")
    make_caption(someone_elses_draft, photo=photo, text="Chú thích nháp")
    client.force_login(reporter)
    html = client.get(reverse("admin:photos_photo_change", args=[photo.pk])).content.decode()
    assert "Bài đã đăng dùng ảnh" in html and "Chú thích ở bài đã đăng" in html
    assert "Bản nháp của người khác" not in html


def test_editor_downloads_the_original_as_an_attachment(client, editor):
    """An editor gets the upload exactly as sent (GPS included), as an attachment with its verified type."""
    client.force_login(editor)
    data = phone_jpeg()
    upload(client, "Nguồn tin.jpg", data)
    photo = Photo.objects.get()
    page = client.get(reverse("admin:photos_photo_change", args=[photo.pk])).content.decode()
    url = reverse("admin:photos_photo_original", args=[photo.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Ngu%E1%BB%93n%20tin.jpg" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_original_of_a_png_named_jpg_is_served_as_png(superuser_client):
    """The original's Content-Type comes from the verified format, not from the name it was uploaded with."""
    upload(superuser_client, "anh.jpg", encoded(scene(300, 200), "PNG"))
    photo = Photo.objects.get()
    response = superuser_client.get(reverse("admin:photos_photo_original", args=[photo.pk]))
    assert response["Content-Type"] == "image/png"


def test_reporter_cannot_fetch_the_original(client, reporter):
    """Reporters see the photo but not the original with its location: no link, and the URL answers 403."""
    photo = make_photo()
    client.force_login(reporter)
    url = reverse("admin:photos_photo_original", args=[photo.pk])
    assert url not in client.get(reverse("admin:photos_photo_change", args=[photo.pk])).content.decode()
    assert client.get(url).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login_for_an_original(client, db):
    """The original's URL is inside the admin: a visitor gets the login page, never the file."""
    photo = make_photo()
    response = client.get(reverse("admin:photos_photo_original", args=[photo.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_original_of_a_missing_photo_is_a_404(superuser_client):
    """An unknown photo id answers 404, not 500."""
    assert superuser_client.get(reverse("admin:photos_photo_original", args=[999999])).status_code == 404


def test_deleting_a_photo_in_the_admin_removes_its_files(superuser_client, storage_roots,
                                                        django_capture_on_commit_callbacks):
    """Deleting an unused photo from the library removes its original, master and renditions."""
    upload(superuser_client, "anh.jpg", encoded(scene(500, 300), "JPEG"))
    photo = Photo.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(reverse("admin:photos_photo_delete", args=[photo.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Photo.objects.exists()
    assert [path for path in stored_files(*storage_roots) if Path(path).suffix] == []


def test_a_photo_placed_in_a_story_text_cannot_be_deleted(superuser_client):
    """The delete page names the story that shows the photo in its text, and a confirmed delete keeps the photo,
    as for a photo a story captions."""
    photo = make_photo()
    story = make_article("Cầu treo mới", body=f'<p>Đoạn.</p><figure data-photo="{photo.pk}"><figcaption>x</figcaption></figure>')
    url = reverse("admin:photos_photo_delete", args=[photo.pk])
    page = superuser_client.get(url).content.decode()
    assert reverse("admin:articles_article_change", args=[story.pk]) in page and "Cầu treo mới" in page
    superuser_client.post(url, {"post": "yes"})
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_uploading_the_same_file_twice_warns_with_a_link(superuser_client):
    """A second upload of the same file is stored, with a warning that links to the photo already there."""
    data = encoded(scene(400, 300), "JPEG")
    upload(superuser_client, "anh.jpg", data)
    first = Photo.objects.get()
    response = upload(superuser_client, "anh-lan-2.jpg", data)
    assert Photo.objects.count() == 2
    page = superuser_client.get(response["Location"]).content.decode()
    assert "đã có trong thư viện" in page
    assert reverse("admin:photos_photo_change", args=[first.pk]) in page


@pytest.mark.slow
def test_pipeline_and_original_download_work_on_object_storage(client, editor, on_s3):
    """On S3-compatible storage (moto's server) nothing changes but settings: the public bucket gets the clean
    master and renditions under unsigned URLs, the private bucket the original, which editors still download."""
    from tests.scaleout.test_object_storage import MEDIA_BUCKET, PRIVATE_BUCKET, keys

    client.force_login(editor)
    data = phone_jpeg()
    assert upload(client, "Chợ phiên.jpg", data).status_code == 302
    photo = Photo.objects.get()
    public, private = keys(on_s3, MEDIA_BUCKET), keys(on_s3, PRIVATE_BUCKET)
    assert f"media/{photo.image.name}" in public
    assert {f"media/{r.file.name}" for r in photo.renditions.all()} <= set(public)
    assert private == [f"originals/{photo.original.name}"]
    assert not any("originals/" in key for key in public)
    sources = renditions.picture(photo)
    assert "X-Amz-Signature" not in sources.webp_srcset and f"/{MEDIA_BUCKET}/media/renditions/" in sources.src
    response = client.get(reverse("admin:photos_photo_original", args=[photo.pk]))
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "image/jpeg"
