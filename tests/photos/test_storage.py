"""Photo storage that refuses writes, and saves or imports that fail after photos were stored: a Vietnamese
message where there is a form, and never a row without its files or a file without its row."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.urls import reverse

from articles import importers
from articles.models import Article, Author, Caption
from photos import placeholders, renditions, storage
from photos.admin import PhotoAdmin
from photos.models import Photo, Rendition
from tests.articles.refusing_storage import refusing
from tests.factories import make_photo
from tests.photos.test_admin import form_errors
from tests.photos.test_images import HTML_PAGE, encoded, phone_jpeg, scene, stored_files

pytestmark = pytest.mark.faults

NOT_STORED = "Không lưu được ảnh vào kho lưu trữ"

STORY_WITH_TWO_PHOTOS = """Chợ phiên vùng cao ngày giáp Tết

Người dân khắp các bản đổ về chợ phiên.

Người dân khắp các bản đổ về chợ phiên.

Đoạn một của bài viết.
Bà con họp chợ phiên
Bà con họp chợ phiên
Đoạn hai của bài viết.
Lúa chín trên đồng
Lúa chín trên đồng
Đoạn ba của bài viết.

Nông Vui
"""


@pytest.fixture
def roots(settings):
    return settings.MEDIA_ROOT, settings.STORAGES["originals"]["OPTIONS"]["location"]


@pytest.fixture
def signed_in(client, reporter):
    client.force_login(reporter)
    return client


def nothing_stored(roots):
    return (stored_files(*roots) == [] and Photo.objects.count() == 0 and Rendition.objects.count() == 0)


def upload(client, **extra):
    return client.post(reverse("admin:photos_photo_add") + extra.pop("query", ""), {
        "upload": SimpleUploadedFile("Chợ phiên.jpg", phone_jpeg()), "alt_text": "Người dân đi chợ phiên",
        "credit": "Ảnh: Nông Vui", **extra,
    })


@pytest.mark.parametrize("kind", ["read-only", "full", "s3"])
@pytest.mark.parametrize("alias, fail_after", [("originals", 0), ("default", 0), ("default", 2)])
def test_upload_to_refusing_storage_is_a_form_error_and_stores_nothing(signed_in, settings, roots, kind, alias,
                                                                       fail_after):
    """A read-only or full disk, or S3 saying no, at any file of the upload: the form says so, nothing is kept."""
    refusing(settings, alias, kind, fail_after=fail_after)
    response = upload(signed_in)
    assert response.status_code == 200
    assert any(NOT_STORED in error for error in form_errors(response))
    assert 'value="Người dân đi chợ phiên"' in response.content.decode()  # what was typed stays in the form
    assert nothing_stored(roots)


def test_upload_from_the_story_form_popup_shows_the_storage_error(signed_in, settings, roots):
    """The story form's "add photo" popup gets the same message, not a 500."""
    refusing(settings, "default", "full", fail_after=2)
    response = upload(signed_in, query="?_to_field=id&_popup=1", _popup="1", _to_field="id")
    assert response.status_code == 200
    assert any(NOT_STORED in error for error in form_errors(response))
    assert nothing_stored(roots)


def test_the_same_upload_succeeds_once_the_storage_takes_writes_again(signed_in, settings, roots):
    """After a refusal the reporter can send the photo again and it is stored whole."""
    stores = settings.STORAGES
    refusing(settings, "default", "s3", fail_after=2)
    assert upload(signed_in).status_code == 200
    settings.STORAGES = stores
    response = upload(signed_in)
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert len(stored_files(*roots)) == 2 + photo.renditions.count()
    assert renditions.picture(photo).webp_srcset


def test_admin_save_that_fails_after_the_upload_leaves_no_files(signed_in, roots, monkeypatch):
    """The photo was stored, then the save failed (here: writing the admin log): its row and files are gone."""
    def broken_log(*args, **kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(PhotoAdmin, "log_addition", broken_log)
    signed_in.raise_request_exception = False
    response = upload(signed_in)
    assert response.status_code == 500
    assert nothing_stored(roots)


def test_public_page_survives_a_storage_refusing_a_rendition_made_on_first_use(db, settings, monkeypatch):
    """A width added while S3 refuses writes: the page shows the renditions the photo has, no exception, and
    nothing half-made is kept."""
    photo = make_photo(width=900, height=600)
    monkeypatch.setattr(renditions, "RENDITION_WIDTHS", (320, 480, 800, 1200, 1600))
    refusing(settings, "default", "s3")
    sources = renditions.picture(Photo.objects.get(pk=photo.pk))
    assert [part.split()[-1] for part in sources.jpeg_srcset.split(", ")] == ["480w", "800w", "900w"]
    assert not photo.renditions.filter(width=320).exists()


# --- the rollback mechanism itself --------------------------------------------------------------------------


def test_files_of_a_block_that_raises_are_removed(db, roots):
    """Photos stored in a block that then fails: rows rolled back, files deleted."""
    with pytest.raises(RuntimeError), storage.files_removed_on_rollback():
        make_photo()
        make_photo(width=900, height=600)
        raise RuntimeError("fails after two photos")
    assert nothing_stored(roots)


def test_files_of_a_block_marked_for_rollback_are_removed(db, roots):
    """A block that rolls back without an exception (set_rollback) loses its files too."""
    with storage.files_removed_on_rollback():
        make_photo()
        transaction.set_rollback(True)
    assert nothing_stored(roots)


def test_a_nested_block_hands_its_files_to_the_enclosing_one(db, roots):
    """The inner block committed, the outer one failed: the inner block's files go with the outer rollback."""
    with pytest.raises(RuntimeError), storage.files_removed_on_rollback():
        with storage.files_removed_on_rollback():
            make_photo()
        assert len(stored_files(*roots)) > 0
        raise RuntimeError
    assert nothing_stored(roots)


def test_files_of_a_committed_block_stay(db, roots):
    with storage.files_removed_on_rollback():
        photo = make_photo()
    assert len(stored_files(*roots)) == 2 + photo.renditions.count()


# --- the importer -------------------------------------------------------------------------------------------


@pytest.fixture
def story(tmp_path):
    path = tmp_path / "cho-phien.txt"
    path.write_text(STORY_WITH_TWO_PHOTOS, encoding="utf-8")
    assert len(importers.read_story_file(path).captions) == 2
    return path


@pytest.fixture
def good_image(tmp_path):
    path = tmp_path / "cho-phien.jpg"
    path.write_bytes(encoded(scene(1000, 700), "JPEG"))
    return path


def run_import(*args):
    call_command("import_article", *[str(a) for a in args], stdout=io.StringIO())


def nothing_imported(roots):
    return (nothing_stored(roots) and Article.objects.count() == 0 and Caption.objects.count() == 0
            and Author.objects.count() == 0)


def test_bad_second_image_leaves_no_files_of_the_first(db, roots, story, good_image, tmp_path):
    """The first --image was stored whole when the second turned out to be HTML: both go, files included."""
    fake = tmp_path / "anh-hai.jpg"
    fake.write_bytes(HTML_PAGE)
    with pytest.raises(CommandError, match="Không bài nào được nhập"):
        run_import(story, "--image", good_image, "--image", fake)
    assert nothing_imported(roots)


def test_storage_refusing_the_second_image_leaves_no_files(db, settings, roots, story, good_image, tmp_path):
    """The disk fills up after the first photo's files: a clear error, and the first photo's files are removed."""
    second = tmp_path / "lua-chin.jpg"
    second.write_bytes(encoded(scene(800, 600), "JPEG"))
    one_photo = 1 + 2 * len(renditions.planned_widths(1000))  # master and renditions on the public storage
    refusing(settings, "default", "full", fail_after=one_photo)
    with pytest.raises(CommandError, match=NOT_STORED):
        run_import(story, "--image", good_image, "--image", second)
    assert nothing_imported(roots)


@pytest.mark.parametrize("failure", [RuntimeError("lỗi giữa chừng"), KeyboardInterrupt()])
def test_import_interrupted_after_the_first_photo_leaves_no_files(db, roots, story, good_image, monkeypatch,
                                                                  failure):
    """An error or Ctrl-C after the first photo was stored (while making the second): nothing is left on disk."""
    stored = []

    def failing_placeholder(**kwargs):
        stored.extend(stored_files(*roots))
        raise failure

    monkeypatch.setattr(placeholders, "placeholder_photo", failing_placeholder)
    # An error ends the command with its one-line message; Ctrl-C goes through as itself.
    with pytest.raises(CommandError if isinstance(failure, Exception) else KeyboardInterrupt):
        run_import(story, "--image", good_image)
    assert stored  # the first photo's files were there when the import broke
    assert nothing_imported(roots)


@pytest.mark.django_db(transaction=True)
def test_bad_second_image_leaves_nothing_with_a_real_outermost_transaction(roots, story, good_image, tmp_path):
    """The same failure without the test's enclosing transaction: the import's own transaction rolls back."""
    fake = tmp_path / "anh-hai.jpg"
    fake.write_bytes(HTML_PAGE)
    with pytest.raises(CommandError):
        run_import(story, "--image", good_image, "--image", fake)
    assert nothing_imported(roots)


def test_import_killed_with_sigterm_after_the_first_photo_leaves_no_files(db, roots, story, good_image, monkeypatch):
    """`kill <pid>` (SIGTERM) while the second photo is made: the import ends with its one-line message, rolls
    back, and the first photo's files are removed; the process's own SIGTERM handling is restored after."""
    import os
    import signal

    stored = []
    before = signal.getsignal(signal.SIGTERM)

    def killed_placeholder(**kwargs):
        stored.extend(stored_files(*roots))
        os.kill(os.getpid(), signal.SIGTERM)  # a real signal, delivered to this process
        raise AssertionError("the SIGTERM handler did not stop the import")

    monkeypatch.setattr(placeholders, "placeholder_photo", killed_placeholder)
    with pytest.raises(CommandError, match="SIGTERM"):
        run_import(story, "--image", good_image)
    assert stored
    assert nothing_imported(roots)
    assert signal.getsignal(signal.SIGTERM) is before
