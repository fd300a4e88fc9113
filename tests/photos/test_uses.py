"""Which stories show which photo (articles.PhotoUse, kept by articles/photouses.py): photos shown in a story's text
count as used in the library's column, filter and page, the table follows every kind of save, reads cost one query,
and a photo a story shows cannot be deleted."""
import re

import pytest
import reversion
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from articles import revisions, search, text
from articles.models import Article, Caption, PhotoUse, Status
from articles.richtext import photo_figure
from photos import permissions, services
from photos.models import Photo
from tests.factories import make_article, make_caption, make_photo, place_photo

LEAD, TEXT = PhotoUse.Place.LEAD, PhotoUse.Place.TEXT


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def uses_of(article) -> set[tuple[int, str, str]]:
    return set(PhotoUse.objects.filter(article=article).values_list("photo_id", "place", "caption"))


def listed(response) -> set[int]:
    table = response.content.decode().split('id="result_list"', 1)[-1].split("</table>", 1)[0]
    return {int(pk) for pk in re.findall(r'name="_selected_action" value="(\d+)"', table)}


def test_a_photo_in_a_story_text_is_used_in_the_library_list_filter_and_page(superuser_client):
    """A photo shown only in a story's text names that story in the list's "used in" column and on its own page
    (with its caption there), and the used/unused filter counts it as used."""
    placed, unused = make_photo(alt_text="Cầu treo"), make_photo(alt_text="Chưa dùng")
    story = make_article("Cầu treo mới ở Pác Ban", status=Status.PUBLISHED)
    place_photo(story, placed, text="Người dân qua cầu mới", after=1)

    url = reverse("admin:photos_photo_changelist")
    page = superuser_client.get(url).content.decode()
    row = page.split(f'value="{placed.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "Cầu treo mới ở Pác Ban" in row and reverse("admin:articles_article_change", args=[story.pk]) in row
    assert "trong bài" in row  # shown in the text, in the reader's language
    assert "Cầu treo mới ở Pác Ban" not in page.split(f'value="{unused.pk}"', 1)[1].split("</tr>", 1)[0]
    assert listed(superuser_client.get(url, {"dung": "1"})) == {placed.pk}
    assert listed(superuser_client.get(url, {"dung": "0"})) == {unused.pk}
    detail = superuser_client.get(reverse("admin:photos_photo_change", args=[placed.pk])).content.decode()
    assert "Cầu treo mới ở Pác Ban" in detail and "Người dân qua cầu mới" in detail


def test_the_library_finds_a_photo_by_its_caption_in_a_story_text(superuser_client):
    """A search for words of the caption a photo carries in a story's text finds the photo."""
    photo = make_photo(alt_text="Lễ hội")
    place_photo(make_article(), photo, text="Đêm hội hoa ban")
    make_photo(alt_text="Khác")
    response = superuser_client.get(reverse("admin:photos_photo_changelist"), {"q": "hoa ban"})
    assert listed(response) == {photo.pk}


def test_uses_follow_the_body_as_it_is_edited(db):
    """Placing a photo, changing its caption there and taking it out again each leave exactly the uses the body shows;
    a figure naming a photo gone from the library is no use."""
    story = make_article("Bài ảnh", body="<p>Một.</p><p>Hai.</p>")
    first, second = make_photo(), make_photo()
    place_photo(story, first, text="Ảnh một")
    place_photo(story, second, text="Ảnh hai", after=2)
    assert uses_of(story) == {(first.pk, TEXT, "Ảnh một"), (second.pk, TEXT, "Ảnh hai")}

    story.body = story.body.replace("Ảnh một", "Ảnh một, sửa &amp; thêm")
    story.save()
    assert uses_of(story) == {(first.pk, TEXT, "Ảnh một, sửa & thêm"), (second.pk, TEXT, "Ảnh hai")}

    story.body = "<p>Một.</p>" + photo_figure(second.pk, "Ảnh hai") + photo_figure(987654321, "Ảnh đã xóa")
    story.save()
    assert uses_of(story) == {(second.pk, TEXT, "Ảnh hai")}


def test_lead_caption_and_text_uses_are_kept_apart_and_go_with_the_story(db):
    """The lead caption is a lead use, the same photo in the text a second use; removing the caption leaves the text
    use; deleting the story removes its uses (and the photo may go)."""
    story = make_article()
    photo = make_photo()
    caption = make_caption(story, photo, text="Ảnh đầu bài")
    place_photo(story, photo, text="Lại trong bài")
    assert uses_of(story) == {(photo.pk, LEAD, "Ảnh đầu bài"), (photo.pk, TEXT, "Lại trong bài")}
    caption.text = "Ảnh đầu bài, sửa"
    caption.save()
    assert (photo.pk, LEAD, "Ảnh đầu bài, sửa") in uses_of(story)
    caption.delete()
    assert uses_of(story) == {(photo.pk, TEXT, "Lại trong bài")}
    story.delete()
    assert not PhotoUse.objects.exists()
    services.photo_delete(photo=photo)
    assert not Photo.objects.filter(pk=photo.pk).exists()


def test_a_status_move_does_not_read_the_body_again(db, django_assert_num_queries):
    """A save that does not write the body (update_fields without it) costs no query for the uses."""
    story = make_article()
    place_photo(story, make_photo())
    story.is_featured = True
    with CaptureQueriesContext(connection) as queries:
        story.save(update_fields=["is_featured"])
    assert not [q for q in queries.captured_queries if "photouse" in q["sql"].lower()]


def test_a_raw_save_keeps_the_uses_in_step(db):
    """A raw save (loaddata, a django-reversion revert) of a body with a photo records the use."""
    story = make_article()
    photo = make_photo()
    story.body = "<p>Một.</p>" + photo_figure(photo.pk, "Ảnh thô")
    story.save_base(raw=True)
    assert uses_of(story) == {(photo.pk, TEXT, "Ảnh thô")}


def test_restoring_a_revision_brings_back_its_uses(editor, section):
    """A revision restore (captions written with bulk_create) puts back the lead use and the text uses of the
    restored body, and drops those of the body it replaced."""
    story = make_article("Chợ phiên", section=section, body="<p>Một.</p>", status=Status.PUBLISHED)
    lead, inside, later = make_photo(), make_photo(), make_photo()
    with reversion.create_revision():
        make_caption(story, lead, text="Ảnh đầu.")
        place_photo(Article.objects.get(pk=story.pk), inside, text="Giữa bài.", after=1)
        reversion.add_to_revision(Article.objects.get(pk=story.pk))
    saved = Version.objects.get_for_object(story).get()
    Caption.objects.filter(article=story).delete()
    place_photo(Article.objects.get(pk=story.pk), later, text="Ảnh mới.", after=0)
    story = Article.objects.get(pk=story.pk)
    story.body = "<p>Khác.</p>" + photo_figure(later.pk, "Ảnh mới.")
    story.save()
    assert uses_of(story) == {(later.pk, TEXT, "Ảnh mới.")}

    revisions.article_restore(article=Article.objects.get(pk=story.pk), version=saved, by=editor)
    assert uses_of(story) == {(lead.pk, LEAD, "Ảnh đầu."), (inside.pk, TEXT, "Giữa bài.")}


def test_photo_list_reads_every_use_on_the_page_in_one_query(superuser_client):
    """The list's "used in" column costs one query on photouse for the whole page, and the page costs the same for
    twelve photos as for two, half of them shown in texts and half as leads."""
    def add(count):
        for n in range(count):
            photo = make_photo(alt_text=f"Ảnh {n}")
            story = make_article(f"Bài số {n}")
            make_caption(story, photo) if n % 2 else place_photo(story, photo)

    url = reverse("admin:photos_photo_changelist")
    add(2)
    with CaptureQueriesContext(connection) as few:
        superuser_client.get(url)
    add(10)
    with CaptureQueriesContext(connection) as many:
        response = superuser_client.get(url)
    assert len(many) == len(few)
    on_uses = [q for q in many.captured_queries
               if "articles_photouse" in q["sql"] and q["sql"].lstrip().upper().startswith("SELECT")
               and "FROM \"articles_photouse\"" in q["sql"].split(" WHERE ", 1)[0]]
    assert len(on_uses) == 1
    assert response.content.decode().count("Bài số") >= 12


def test_stories_using_a_photo_is_one_query(db, django_assert_num_queries):
    """permissions.stories_using answers from the uses, lead and text alike, in one query without a body scan."""
    photo = make_photo()
    lead_story, text_story = make_article("Đầu bài"), make_article("Trong bài")
    make_caption(lead_story, photo)
    place_photo(text_story, photo)
    make_article(f'Chỉ nhắc data-photo="{photo.pk}" trong chữ')
    with django_assert_num_queries(1) as captured:
        stories = set(permissions.stories_using(photo).values_list("title", flat=True))
    assert stories == {"Đầu bài", "Trong bài"}
    assert "LIKE" not in captured.captured_queries[0]["sql"].upper()
    assert set(permissions.stories_placing(photo).values_list("title", flat=True)) == {"Trong bài"}


def test_changing_the_credit_reindexes_stories_showing_the_photo_in_their_text(editor):
    """A new credit reaches the search text of a story that shows the photo only in its text."""
    photo = make_photo(credit="Ảnh: Nông Vui")
    story = make_article()
    place_photo(story, photo)
    services.photo_update(photo=Photo.objects.get(pk=photo.pk), by=editor, before={"credit": photo.credit})
    photo.credit = "Ảnh: Hoàng Lan"
    services.photo_update(photo=photo, by=editor, before={"credit": "Ảnh: Nông Vui"})
    assert text.fold("Hoàng Lan") in Article.objects.get(pk=story.pk).search_body
    assert Article.objects.get(pk=story.pk).search_body == search.story_text(Article.objects.get(pk=story.pk))


def test_a_photo_shown_in_a_text_cannot_be_deleted_and_says_why_in_vietnamese(superuser_client):
    """photo_delete refuses, naming the story in Vietnamese; the admin's delete page names the story once with where
    it shows the photo, and a confirmed delete keeps it; once out of the text the photo can go."""
    photo = make_photo()
    story = make_article("Cầu treo mới")
    make_caption(story, photo)
    place_photo(story, photo)
    with translation.override("vi"), pytest.raises(ProtectedError) as refused:
        services.photo_delete(photo=photo)
    assert str(refused.value.args[0]).startswith("Không thể xóa ảnh này") and "“Cầu treo mới”" in refused.value.args[0]

    url = reverse("admin:photos_photo_delete", args=[photo.pk])
    page = superuser_client.get(url).content.decode()
    assert page.count(reverse("admin:articles_article_change", args=[story.pk])) == 1
    assert "ảnh đại diện" in page and "trong bài" in page
    superuser_client.post(url, {"post": "yes"})
    assert Photo.objects.filter(pk=photo.pk).exists()

    Caption.objects.filter(article=story).delete()
    story.body = "<p>Không còn ảnh.</p>"
    story.save()
    assert superuser_client.post(url, {"post": "yes"}).status_code == 302
    assert not Photo.objects.filter(pk=photo.pk).exists()
