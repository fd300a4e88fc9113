"""The body editor's photo picker on the server: the library as JSON (newest, searched, or by id) for staff who
may see photos, and uploads from the editor checked like any other, with Vietnamese refusals and nothing kept."""
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from photos.models import Photo
from tests.factories import make_photo, make_user
from tests.photos.test_images import HTML_PAGE, encoded, scene, stored_files

LIBRARY = "admin:photos_photo_library"
UPLOAD = "admin:photos_photo_library_upload"


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


def test_editor_config_points_at_the_library():
    """The CKEditor config names the picker's address as the URL conf has it."""
    assert settings.CKEDITOR_CONFIGS["default"]["newsroomPhotoLibrary"] == reverse(LIBRARY)
    assert "newsroomphoto" in settings.CKEDITOR_CONFIGS["default"]["extraPlugins"]


def test_library_lists_newest_searches_and_finds_by_id(reporter_client):
    """Newest first with thumbnail, alt text and credit; ?q= searches like the library; ?id= returns those."""
    older = make_photo(alt_text="Ruộng bậc thang", credit="Ảnh: A")
    newer = make_photo(alt_text="Chợ phiên vùng cao", credit="Ảnh: B")
    listed = reporter_client.get(reverse(LIBRARY)).json()["photos"]
    assert [p["id"] for p in listed] == [newer.pk, older.pk]
    assert listed[0]["alt_text"] == "Chợ phiên vùng cao" and listed[0]["credit"] == "Ảnh: B"
    assert listed[0]["thumbnail"] == newer.renditions.get(width=480, format="WEBP").file.url
    assert [p["id"] for p in reporter_client.get(reverse(LIBRARY), {"q": "ruộng"}).json()["photos"]] == [older.pk]
    assert [p["id"] for p in reporter_client.get(reverse(LIBRARY), {"id": f"{older.pk}"}).json()["photos"]] == [older.pk]


@pytest.mark.parametrize("query", [{"id": "abc,-1,1e9," + "9" * 40}, {"q": "\x00(a+)+$"}, {"id": ""}, {"q": "x" * 5000}])
def test_library_answers_hostile_queries_without_error(reporter_client, query):
    """Garbage in ?id= or ?q= is an ordinary answer, or the admin's 400 page for what it screens out (a NUL byte,
    an overlong query), never a 500."""
    make_photo()
    assert reporter_client.get(reverse(LIBRARY), query).status_code in (200, 400)


def test_library_is_for_staff_who_may_see_photos(client, db):
    """A visitor is sent to the login; a staff account without the photo permission is refused."""
    assert client.get(reverse(LIBRARY)).status_code == 302
    client.force_login(make_user("khach"))
    assert client.get(reverse(LIBRARY)).status_code == 403


def test_upload_from_the_editor_stores_a_photo(reporter_client, reporter):
    """A real photo with its description and credit is stored through the pipeline and answered as JSON."""
    response = reporter_client.post(reverse(UPLOAD), {
        "upload": SimpleUploadedFile("cau.jpg", encoded(scene(900, 600), "JPEG")),
        "alt_text": "Cầu treo", "credit": "Ảnh: Nông Vui"})
    assert response.status_code == 201
    photo = Photo.objects.get(pk=response.json()["photo"]["id"])
    assert (photo.alt_text, photo.credit, photo.uploaded_by) == ("Cầu treo", "Ảnh: Nông Vui", reporter)
    assert photo.renditions.count() == 6


@pytest.mark.parametrize("fields,expected", [
    ({"alt_text": "Cầu", "credit": ""}, "Tác giả ảnh"),
    ({"alt_text": "", "credit": "Ảnh: A"}, "Mô tả ảnh"),
    ({"alt_text": "Cầu", "credit": "Ảnh: A", "file": HTML_PAGE}, "không phải ảnh"),
    ({"alt_text": "Cầu", "credit": "Ảnh: A", "file": None}, "Tệp ảnh"),
])
def test_refused_upload_from_the_editor_says_why_and_keeps_nothing(reporter_client, settings, fields, expected):
    """A missing credit or description, a page disguised as a photo or no file: a 400 naming the problem in
    Vietnamese, and no row or file is left."""
    data = fields.pop("file", encoded(scene(300, 200), "JPEG"))
    post = {**fields, **({"upload": SimpleUploadedFile("anh.jpg", data)} if data is not None else {})}
    response = reporter_client.post(reverse(UPLOAD), post)
    assert response.status_code == 400
    assert any(expected.lower() in error.lower() for error in response.json()["errors"]), response.json()
    assert not Photo.objects.exists()
    assert stored_files(settings.MEDIA_ROOT, settings.STORAGES["originals"]["OPTIONS"]["location"]) == []


def test_upload_needs_a_post_with_the_csrf_token(client, reporter):
    """A GET is refused, and a POST from another site (no CSRF token) is refused before anything is read."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reporter)
    assert strict.get(reverse(UPLOAD)).status_code == 403
    response = strict.post(reverse(UPLOAD), {"alt_text": "a", "credit": "b",
                                             "upload": SimpleUploadedFile("a.jpg", encoded(scene(300, 200), "JPEG"))})
    assert response.status_code == 403 and not Photo.objects.exists()
