"""Placeholders the importer makes: credited as placeholders (never to the byline), flagged in the photo library,
and replaced in place by the real photo, which every story using them then shows."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Status
from photos import placeholders, renditions
from photos.models import Photo
from tests.articles.test_importers import STORY, run_import
from tests.factories import make_article, make_caption, make_photo
from tests.photos.test_images import encoded, scene, stored_files


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def placeholder_in_a_published_story():
    run_import(STORY, "--status", "published")
    return Photo.objects.get(is_placeholder=True)


def test_imported_placeholder_is_credited_as_a_placeholder_not_to_the_byline(db):
    """The story's writer did not take the placeholder: its credit says what it is, and it is flagged."""
    photo = placeholder_in_a_published_story()
    assert photo.credit == placeholders.PLACEHOLDER_CREDIT
    assert "Hà Linh" not in photo.credit


def test_library_flags_placeholders_and_filters_them(editor_client):
    """The library marks a placeholder in its list and its filter finds placeholders apart from real photos."""
    placeholder = placeholder_in_a_published_story()
    real = make_photo(alt_text="Ảnh thật của phóng viên")
    url = reverse("admin:photos_photo_changelist")
    page = editor_client.get(url).content.decode()
    assert page.count('class="photo-placeholder"') == 1 and "Ảnh tạm" in page
    waiting = editor_client.get(url, {"tam": "1"}).context["cl"].result_list
    assert [photo.pk for photo in waiting] == [placeholder.pk]
    assert [photo.pk for photo in editor_client.get(url, {"tam": "0"}).context["cl"].result_list] == [real.pk]


def replace(client, photo, data, **fields):
    return client.post(reverse("admin:photos_photo_change", args=[photo.pk]), {
        "upload": SimpleUploadedFile("that.jpg", data), "alt_text": photo.alt_text,
        "uses-TOTAL_FORMS": "0", "uses-INITIAL_FORMS": "0", **fields,
    })


def test_real_photo_replaces_the_placeholder_in_every_story(editor_client, settings,
                                                           django_capture_on_commit_callbacks):
    """An editor uploads the real photo on the placeholder's page: the same photo (same id, so every story
    keeps it) now has the real pixels, the photographer's credit and no flag; the placeholder's files go."""
    photo = placeholder_in_a_published_story()
    old_files = {photo.image.name, photo.original.name, *photo.renditions.values_list("file", flat=True)}
    story = photo.captions.get().article
    with django_capture_on_commit_callbacks(execute=True):
        response = replace(editor_client, photo, encoded(scene(1200, 800), "JPEG"), credit="Ảnh: Lý Minh")
    assert response.status_code == 302
    fresh = Photo.objects.get(pk=photo.pk)
    assert not fresh.is_placeholder and fresh.credit == "Ảnh: Lý Minh" and (fresh.width, fresh.height) == (1200, 800)
    assert fresh.renditions.count() == 6
    remaining = {str(path.relative_to(settings.MEDIA_ROOT)) for path in stored_files(settings.MEDIA_ROOT)}
    assert old_files.isdisjoint(remaining)
    page = editor_client.get(story.get_absolute_url()).content.decode()
    assert renditions.picture(fresh).src in page and "Ảnh: Lý Minh" in page


def test_replacing_a_placeholder_asks_for_the_real_credit(editor_client):
    """Keeping the placeholder's credit for the real photo is refused with a message; nothing changes."""
    photo = placeholder_in_a_published_story()
    response = replace(editor_client, photo, encoded(scene(600, 400), "JPEG"), credit=placeholders.PLACEHOLDER_CREDIT)
    assert response.status_code == 200
    assert "Hãy ghi tác giả của ảnh thật" in response.content.decode()
    assert Photo.objects.get(pk=photo.pk).is_placeholder


def test_an_upload_posted_to_a_real_photo_changes_nothing(editor_client):
    """Only a placeholder takes a new file: a crafted upload to a real photo's form leaves its pixels alone."""
    photo = make_photo(width=640, height=427)
    make_caption(make_article(status=Status.DRAFT), photo=photo)
    image = photo.image.name
    response = replace(editor_client, photo, encoded(scene(900, 600), "JPEG"), credit="Ảnh: B")
    assert response.status_code == 302
    assert Photo.objects.get(pk=photo.pk).image.name == image
