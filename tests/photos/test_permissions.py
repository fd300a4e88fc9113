"""Who may change a shared photo's description and credit, what a change leaves in the stories'
history, and what photo search shows of stories a reporter may not see. Every case through real admin requests."""
import datetime
import os
import re
import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles import revisions
from articles.models import Author, Status
from photos import services, validation
from photos.models import Photo
from tests.factories import make_article, make_caption, make_photo
from tests.photos.test_images import encoded, phone_jpeg, scene

NEW = {"alt_text": "Mô tả mới do phóng viên sửa", "credit": "Ảnh: Người khác"}


def change(client, photo, **fields):
    """POST the photo's change form as the admin's page sends it."""
    return client.post(reverse("admin:photos_photo_change", args=[photo.pk]), {
        **NEW, "uses-TOTAL_FORMS": "0", "uses-INITIAL_FORMS": "0", **fields,
    })


def unchanged(photo) -> bool:
    fresh = Photo.objects.get(pk=photo.pk)
    return (fresh.alt_text, fresh.credit) == (photo.alt_text, photo.credit)


def story(status=Status.DRAFT, *, by=None, **fields):
    return make_article(status=status, created_by=by, **fields)


def used_in(*stories):
    photo = make_photo(alt_text="Ảnh cũ", credit="Ảnh: Nông Vui")
    for article in stories:
        make_caption(article, photo=photo)
    return photo


@pytest.fixture
def as_reporter(client, reporter):
    client.force_login(reporter)
    return client


def test_reporter_changes_a_photo_used_only_in_their_own_draft(as_reporter, reporter):
    """The reporter's own draft is theirs to edit, and so are its photos."""
    photo = used_in(story(by=reporter))
    assert change(as_reporter, photo).status_code == 302
    photo.refresh_from_db()
    assert (photo.alt_text, photo.credit) == (NEW["alt_text"], NEW["credit"])


def test_reporter_changes_their_own_upload_that_no_story_uses(as_reporter, reporter):
    photo = make_photo(uploaded_by=reporter)
    assert change(as_reporter, photo).status_code == 302
    assert Photo.objects.get(pk=photo.pk).credit == NEW["credit"]


@pytest.mark.parametrize("case", [
    "own story in review", "own published story", "own scheduled story", "own story taken down",
    "colleague's draft", "own draft and a published story", "colleague's unused upload", "own portrait",
    "a colleague's portrait",
])
def test_reporter_cannot_change_a_photo_beyond_their_drafts(as_reporter, reporter, other_reporter, case):
    """A crafted POST is refused with 403 and the photo keeps its description and credit."""
    later = timezone.now() + datetime.timedelta(days=1)
    photo = {
        "own story in review": lambda: used_in(story(Status.REVIEW, by=reporter)),
        "own published story": lambda: used_in(story(Status.PUBLISHED, by=reporter)),
        "own scheduled story": lambda: used_in(story(Status.PUBLISHED, by=reporter, published_at=later)),
        "own story taken down": lambda: used_in(story(Status.UNPUBLISHED, by=reporter)),
        "colleague's draft": lambda: used_in(story(by=other_reporter)),
        "own draft and a published story": lambda: used_in(story(by=reporter), story(Status.PUBLISHED)),
        "colleague's unused upload": lambda: make_photo(uploaded_by=other_reporter),
        "own portrait": lambda: make_photo(uploaded_by=reporter),
        "a colleague's portrait": lambda: make_photo(uploaded_by=other_reporter),
    }[case]()
    if case.endswith("portrait"):
        Author.objects.filter(user=reporter if case == "own portrait" else other_reporter).update(portrait=photo)
    assert change(as_reporter, photo).status_code == 403
    assert unchanged(photo)


def test_reporter_sees_a_photo_they_may_not_change_read_only(as_reporter):
    """The page still opens (to pick the photo, read its credit) but offers no save button."""
    photo = used_in(story(Status.PUBLISHED))
    response = as_reporter.get(reverse("admin:photos_photo_change", args=[photo.pk]))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert 'name="alt_text"' not in response.content.decode()


def test_editor_change_to_a_photo_of_published_stories_is_in_their_history(client, editor, reporter):
    """Each published story showing the photo gets a revision by the editor that says what changed; a draft
    using it does not (nothing of it was public)."""
    first, second, draft = story(Status.PUBLISHED), story(Status.PUBLISHED), story(by=reporter)
    photo = used_in(first, second, draft)
    before = {article.pk: revisions.article_versions(article).count() for article in (first, second, draft)}
    client.force_login(editor)
    assert change(client, photo, alt_text="Ảnh cũ").status_code == 302
    for article in (first, second):
        versions = revisions.article_versions(article)
        assert versions.count() == before[article.pk] + 1
        revision = versions.first().revision
        assert revision.user == editor
        assert revision.comment == f"Sửa ảnh #{photo.pk}: tác giả ảnh “Ảnh: Nông Vui” → “Ảnh: Người khác”"
    assert revisions.article_versions(draft).count() == before[draft.pk]
    history = client.get(reverse("admin:articles_article_history", args=[first.pk])).content.decode()
    assert f"Sửa ảnh #{photo.pk}" in history


def test_editor_save_without_a_change_adds_no_revision(client, editor):
    article = story(Status.PUBLISHED)
    photo = used_in(article)
    client.force_login(editor)
    change(client, photo, alt_text=photo.alt_text, credit=photo.credit)
    assert revisions.article_versions(article).count() == 0


# --- search, autocomplete and the "used" filter see only stories the user may see -----------------------------


def found(response) -> set[int]:
    """The photos listed in the changelist's table (reporters have no bulk actions, so no checkboxes)."""
    table = response.content.decode().split('id="result_list"', 1)[-1].split("</table>", 1)[0]
    prefix = re.escape(reverse("admin:photos_photo_changelist"))
    return {int(pk) for pk in re.findall(rf'href="{prefix}(\d+)/change/', table)}


@pytest.fixture
def photos_in_stories(reporter, other_reporter):
    """Photos used in a colleague's draft, a colleague's scheduled story, the reporter's draft and a published one."""
    later = timezone.now() + datetime.timedelta(days=1)
    uses = {
        "colleague's draft": (story(by=other_reporter), "Bí mật điều tra gỗ lậu"),
        "colleague's scheduled story": (story(Status.PUBLISHED, by=other_reporter, published_at=later),
                                        "Bí mật cấm vận chưa công bố"),
        "own draft": (story(by=reporter), "Bí mật của tôi"),
        "published": (story(Status.PUBLISHED), "Bí mật đã công bố"),
    }
    photos = {}
    for name, (article, caption) in uses.items():
        photos[name] = make_photo(alt_text=f"Ảnh {name}")
        make_caption(article, photo=photos[name], text=caption)
    return photos


def test_reporter_search_does_not_match_captions_of_stories_they_cannot_see(as_reporter, photos_in_stories):
    """Caption words of a colleague's draft find nothing: the search is no yes/no oracle on unpublished text."""
    url = reverse("admin:photos_photo_changelist")
    assert found(as_reporter.get(url, {"q": "gỗ lậu"})) == set()
    assert found(as_reporter.get(url, {"q": "Bí mật"})) >= {
        photos_in_stories["own draft"].pk, photos_in_stories["published"].pk}
    assert photos_in_stories["colleague's draft"].pk not in found(as_reporter.get(url, {"q": "Bí mật"}))
    assert found(as_reporter.get(url, {"q": '"điều tra gỗ"'})) == set()


def test_editor_search_matches_every_caption(client, editor, photos_in_stories):
    client.force_login(editor)
    response = client.get(reverse("admin:photos_photo_changelist"), {"q": "gỗ lậu"})
    assert found(response) == {photos_in_stories["colleague's draft"].pk}


def test_search_words_may_come_from_different_fields(as_reporter, photos_in_stories):
    """Every word must match somewhere: one in the alt text, one in a visible caption."""
    response = as_reporter.get(reverse("admin:photos_photo_changelist"), {"q": "own công bố"})
    assert found(response) == set()
    response = as_reporter.get(reverse("admin:photos_photo_changelist"), {"q": "published công bố"})
    assert found(response) == {photos_in_stories["published"].pk}


def test_story_form_autocomplete_does_not_match_hidden_captions(as_reporter, photos_in_stories):
    """The photo picker of the story form (admin autocomplete) answers from visible captions only."""
    url = reverse("admin:autocomplete")
    params = {"app_label": "articles", "model_name": "caption", "field_name": "photo"}
    hidden = as_reporter.get(url, {**params, "term": "gỗ lậu"})
    assert hidden.status_code == 200 and hidden.json()["results"] == []
    visible = as_reporter.get(url, {**params, "term": "đã công bố"}).json()["results"]
    assert [int(item["id"]) for item in visible] == [photos_in_stories["published"].pk]


def test_used_filter_shows_only_uses_the_reporter_can_see(as_reporter, photos_in_stories):
    """?dung=1 lists photos of stories the reporter can open; a colleague's draft does not show."""
    url = reverse("admin:photos_photo_changelist")
    used = found(as_reporter.get(url, {"dung": "1"}))
    unused = found(as_reporter.get(url, {"dung": "0"}))
    assert photos_in_stories["own draft"].pk in used and photos_in_stories["published"].pk in used
    assert photos_in_stories["colleague's draft"].pk not in used
    assert used.isdisjoint(unused)


# --- the original upload: its download name and its file mode -------------------------------------------------


def test_original_downloads_under_its_verified_format_not_the_uploaded_extension(client, editor):
    """A JPEG sent as "bang-chung.html" downloads as "bang-chung.jpg", never as a page."""
    client.force_login(editor)
    client.post(reverse("admin:photos_photo_add"), {
        "upload": SimpleUploadedFile("bang-chung.html", phone_jpeg()), "alt_text": "Bằng chứng",
        "credit": "Ảnh: Bạn đọc",
    })
    photo = Photo.objects.get()
    response = client.get(reverse("admin:photos_photo_original", args=[photo.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="bang-chung.jpg"'


@pytest.mark.parametrize("sent, expected", [
    ("anh.jpg", "anh.png"), ("Ảnh đẹp.PNG.exe", "Ảnh đẹp.PNG.png"), (".htaccess", "htaccess.png"),
])
def test_download_name_takes_the_extension_of_the_verified_format(db, sent, expected):
    photo = services.photo_create(file=encoded(scene(300, 200), "PNG"), original_filename=sent)
    assert validation.download_name(photo) == expected


def test_download_name_without_a_name_uses_the_photo_number(db):
    photo = services.photo_create(file=encoded(scene(300, 200), "WEBP"), original_filename="")
    photo.original_filename = ""
    assert validation.download_name(photo) == f"anh-{photo.pk}.webp"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_originals_are_readable_by_the_app_user_only(db, settings):
    """Originals (GPS inside) are written 0600 in folders 0700; public files stay readable for the web server."""
    photo = make_photo()
    original = Path(photo.original.path)
    assert stat.S_IMODE(original.stat().st_mode) == 0o600
    assert stat.S_IMODE(original.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(Path(photo.image.path).stat().st_mode) == 0o644
