"""Renditions for widths a photo lacks: a width added to RENDITION_WIDTHS reaches old photos on first use
without breaking a page, and `manage.py make_renditions` backfills them all at once, idempotently, saying what
it did and which photos it could not read."""
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from photos import renditions
from photos.models import Photo, Rendition
from tests.factories import make_article, make_caption, make_photo
from tests.photos.test_images import encoded, scene

WIDER = (320, 480, 800, 1200, 1600)


def widths(srcset: str) -> list[str]:
    return [part.split()[-1] for part in srcset.split(", ")]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("make_renditions", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_width_added_later_is_made_on_first_use_then_read_without_a_query(db, monkeypatch,
                                                                            django_assert_num_queries):
    """A photo stored before 320 px joined the widths gets its 320 px WebP and JPEG the first time it is shown;
    afterwards its sources come from the cache."""
    photo = make_photo(width=900, height=600)
    assert widths(renditions.picture(photo).jpeg_srcset) == ["480w", "800w", "900w"]
    monkeypatch.setattr(renditions, "RENDITION_WIDTHS", WIDER)
    sources = renditions.picture(Photo.objects.get(pk=photo.pk))
    assert widths(sources.jpeg_srcset) == widths(sources.webp_srcset) == ["320w", "480w", "800w", "900w"]
    small = Rendition.objects.get(photo=photo, width=320, format="JPEG")
    assert Image.open(small.file).size == (320, 213)
    again = Photo.objects.get(pk=photo.pk)
    with django_assert_num_queries(0):
        assert renditions.picture(again) == sources


def test_story_page_shows_a_new_width_for_an_old_photo(client, published_article, monkeypatch):
    """The public story page of a photo stored before a width was added answers 200 with the new width."""
    make_caption(published_article, photo=make_photo(width=900, height=600), is_lead=True, text="Ảnh đầu bài")
    monkeypatch.setattr(renditions, "RENDITION_WIDTHS", WIDER)
    response = client.get(published_article.get_absolute_url())
    assert response.status_code == 200
    assert " 320w" in response.content.decode()


def test_make_renditions_backfills_old_photos_and_a_second_run_makes_nothing(db, monkeypatch):
    """The command makes the missing widths of every photo, counts them, and changes nothing when run again."""
    first, second = make_photo(width=900, height=600), make_photo(width=2000, height=1000)
    small = make_photo(width=300, height=200)  # below every standard width: its own width only, already made
    monkeypatch.setattr(renditions, "RENDITION_WIDTHS", WIDER)
    out, err = run()
    assert "Đã tạo 4 bản thu nhỏ cho 2 ảnh; 1 ảnh đã đủ; 0 ảnh lỗi." in out and err == ""
    for photo in (first, second):
        assert set(photo.renditions.filter(width=320).values_list("format", flat=True)) == {"WEBP", "JPEG"}
    assert small.renditions.count() == 2
    count = Rendition.objects.count()
    out, err = run()
    assert "Đã tạo 0 bản thu nhỏ cho 0 ảnh; 3 ảnh đã đủ; 0 ảnh lỗi." in out and err == ""
    assert Rendition.objects.count() == count


def test_make_renditions_names_a_missing_and_a_broken_file_and_carries_on(db, monkeypatch):
    """A photo whose file is gone and one whose file no longer decodes are each named with the reason; the other
    photos are done, and the two keep the renditions they had, so their pages still show them."""
    gone, broken, good = (make_photo(width=900, height=600) for _ in range(3))
    gone.image.storage.delete(gone.image.name)
    with broken.image.storage.open(broken.image.name, "wb") as handle:
        handle.write(b"<html>not a photo</html>")
    monkeypatch.setattr(renditions, "RENDITION_WIDTHS", WIDER)
    out, err = run()
    assert "Đã tạo 2 bản thu nhỏ cho 1 ảnh; 0 ảnh đã đủ; 2 ảnh lỗi." in out
    assert f"Ảnh #{gone.pk}: không tìm thấy tệp ảnh" in err
    assert f"Ảnh #{broken.pk}: tệp ảnh" in err and "hỏng" in err
    assert good.renditions.filter(width=320).count() == 2
    for photo in (gone, broken):
        assert photo.renditions.count() == 6
        sources = renditions.picture(Photo.objects.get(pk=photo.pk))
        assert widths(sources.jpeg_srcset) == ["480w", "800w", "900w"]


def test_a_photo_stored_before_the_pipeline_gets_its_size_from_its_pixels(db, monkeypatch):
    """A master whose recorded size is wrong is measured again, so the planned widths stop being looked for."""
    photo = Photo(alt_text="Ảnh cũ", credit="Ảnh: A")
    photo.image.save("cu.jpg", ContentFile(encoded(scene(900, 600), "JPEG")), save=False)
    photo.save()
    Photo.objects.filter(pk=photo.pk).update(width=1200, height=800)
    renditions.picture(Photo.objects.get(pk=photo.pk))
    fresh = Photo.objects.get(pk=photo.pk)
    assert (fresh.width, fresh.height) == (900, 600)
    assert not renditions.lacks_renditions(fresh)


def test_photo_admin_lists_photos_with_a_new_width(admin_client, monkeypatch):
    """The photo library still lists its thumbnails after a width is added (the smallest rendition, made then)."""
    photo = make_photo(width=900, height=600)
    monkeypatch.setattr(renditions, "RENDITION_WIDTHS", WIDER)
    response = admin_client.get(reverse("admin:photos_photo_changelist"))
    assert response.status_code == 200
    assert photo.renditions.get(width=320, format="WEBP").file.url in response.content.decode()


def test_old_admin_addresses_of_the_photo_library_lead_to_the_new_ones(admin_client):
    """Bookmarks to the library's addresses under the articles app go to the same page in the photos app."""
    photo = make_photo()
    response = admin_client.get(f"/{settings.ADMIN_PATH}articles/photo/{photo.pk}/change/?_changelist_filters=thieu%3D1")
    assert response.status_code == 302
    assert response["Location"] == (reverse("admin:photos_photo_change", args=[photo.pk])
                                    + "?_changelist_filters=thieu%3D1")
    story = make_article()
    assert admin_client.get(reverse("admin:articles_article_change", args=[story.pk])).status_code == 200
