"""Migrations 0012-0013: photos once placed by a typed paragraph number stand in the body's text.

A database from before (captions with positions) is migrated forward: each caption but the lead becomes the figure
the editor's widget writes, after the block its position named; the lead stays; the page, the search and the form's
stale-save check all see the new body. Run on SQLite and PostgreSQL like every test.
"""
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles import search
from articles.models import Article, Caption
from articles.rendering import body_with_photos, place_after_blocks, split_blocks
from articles.richtext import photo_figure, sanitize_html
from articles.views import placed_photos

BEFORE = [("articles", "0011_trash"), ("photos", "0004_english_msgids")]  # the photos app as it is now
PARAGRAPHS = "<p>Một.</p>\n<p>Hai <b>đậm</b>.</p>\n<p>Ba.</p>"

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def old():
    """The models as they were before 0012; the database is migrated forward again after the test."""
    apps = migrate(BEFORE)
    yield apps
    migrate_to_latest()


def old_story(apps, title, body="", **fields):
    Section = apps.get_model("articles", "Section")
    section, _ = Section.objects.get_or_create(slug="xa-hoi", defaults={"name": "Xã hội"})
    return apps.get_model("articles", "Article").objects.create(
        title=title, slug=title.lower().replace(" ", "-"), section=section, body=body, **fields)


def old_photo(apps, n, credit=""):
    return apps.get_model("photos", "Photo").objects.create(
        image=f"photos/2026/01/anh-{n}.jpg", width=900, height=600, alt_text=f"Ảnh {n}", credit=credit)


def old_caption(apps, story, photo, text, position=0, is_lead=False, order=0):
    return apps.get_model("articles", "Caption").objects.create(
        article=story, photo=photo, text=text, position=position, is_lead=is_lead, order=order)


def test_captions_move_into_the_body_where_their_positions_put_them(old):
    """Position N puts the photo after the N-th top-level block (0 before the first, past the end last, ties in
    the old order); the lead caption stays; the rest of the body is left byte for byte; the markup is the widget's,
    stable under the sanitiser; the story's version moves on so a form opened before is refused as stale."""
    photos = [old_photo(old, n, credit=f"Ảnh: Tác giả {n}") for n in range(7)]
    story = old_story(old, "Bai nhieu anh", PARAGRAPHS, version=4)
    old_caption(old, story, photos[0], "Ảnh đầu bài.", is_lead=True)
    old_caption(old, story, photos[1], "Sau đoạn hai.", position=2)
    old_caption(old, story, photos[2], "Trước đoạn một.", position=0)
    old_caption(old, story, photos[3], "Cuối bài, vị trí quá xa.", position=40)
    old_caption(old, story, photos[4], "Sau đoạn một, thứ hai.", position=1, order=2)
    old_caption(old, story, photos[5], "Sau đoạn một, thứ nhất.", position=1, order=1)
    old_caption(old, story, photos[6], "Chữ <b> & \"ngoặc\"  xuống\ndòng.", position=3)

    migrate_to_latest()

    moved = Article.objects.get(pk=story.pk)
    expected = (
        photo_figure(photos[2].pk, "Trước đoạn một.") + "<p>Một.</p>"
        + photo_figure(photos[5].pk, "Sau đoạn một, thứ nhất.") + photo_figure(photos[4].pk, "Sau đoạn một, thứ hai.")
        + "\n<p>Hai <b>đậm</b>.</p>" + photo_figure(photos[1].pk, "Sau đoạn hai.")
        + "\n<p>Ba.</p>" + photo_figure(photos[6].pk, "Chữ <b> & \"ngoặc\" xuống dòng.")
        + photo_figure(photos[3].pk, "Cuối bài, vị trí quá xa.")
    )
    assert moved.body == expected
    assert '<figcaption>Chữ &lt;b&gt; &amp; "ngoặc" xuống dòng.</figcaption>' in moved.body
    assert sanitize_html(moved.body) == moved.body
    assert list(Caption.objects.filter(article=moved).values_list("photo_id", "text", "is_lead")) == [
        (photos[0].pk, "Ảnh đầu bài.", True)]
    assert moved.version == 5
    # The page shows them in that order, each with its caption.
    shown = [item.text for kind, item in body_with_photos(moved.body, placed_photos(moved.body)) if kind == "photo"]
    assert shown == ["Trước đoạn một.", "Sau đoạn một, thứ nhất.", "Sau đoạn một, thứ hai.", "Sau đoạn hai.",
                     "Chữ <b> & \"ngoặc\" xuống dòng.", "Cuối bài, vị trí quá xa."]


def test_odd_stories_an_empty_body_a_photo_already_in_the_text_and_a_lead_only(old):
    """An empty body gets its photos in order; a caption whose photo the text already shows stands as well (the page
    showed it twice before, nothing is lost); a story with only a lead photo is left as it was."""
    photos = [old_photo(old, n) for n in range(4)]
    empty = old_story(old, "Bai rong")
    old_caption(old, empty, photos[0], "Một.", position=3)
    old_caption(old, empty, photos[1], "Hai.", position=0, order=1)
    in_text = photo_figure(photos[2].pk, "Đã đặt trong bài.")
    placed = old_story(old, "Bai co anh trong bai", "<p>Một.</p>" + in_text + "<p>Hai.</p>")
    old_caption(old, placed, photos[2], "Chú thích cũ.", position=1)
    lead_only = old_story(old, "Chi anh dau", PARAGRAPHS)
    old_caption(old, lead_only, photos[3], "Ảnh đầu.", is_lead=True)

    migrate_to_latest()

    assert Article.objects.get(pk=empty.pk).body == photo_figure(photos[1].pk, "Hai.") + photo_figure(photos[0].pk, "Một.")
    assert Article.objects.get(pk=placed.pk).body == (
        "<p>Một.</p>" + photo_figure(photos[2].pk, "Chú thích cũ.") + in_text + "<p>Hai.</p>")
    untouched = Article.objects.get(pk=lead_only.pk)
    assert (untouched.body, untouched.version) == (PARAGRAPHS, 1)
    assert Caption.objects.get(article=untouched).is_lead
    assert Caption.objects.count() == 1


def test_moved_captions_and_credits_stay_searchable(old):
    """The folded search copy is what search.story_text makes now: the captions as words of the body, the credits
    of the photos in the text, the lead's caption and credit; nothing is left for a reindex to change."""
    Byline, Author = old.get_model("articles", "Byline"), old.get_model("articles", "Author")
    story = old_story(old, "Cho phien", "<p>Chợ họp sáng sớm.</p>", status="published")
    Byline.objects.create(article=story, author=Author.objects.create(name="Nông Vui", slug="nong-vui"), order=0)
    old_caption(old, story, old_photo(old, 1, credit="Ảnh: TTXVN"), "Phiên chợ Bằng Khẩu.", position=1)
    old_caption(old, story, old_photo(old, 2, credit="Ảnh: Hà Linh"), "Cổng chợ.", is_lead=True)
    widget_only = old_story(old, "Anh tu trinh soan thao", "<p>Ruộng.</p>" + photo_figure(
        old_photo(old, 3, credit="Ảnh: Lý Minh").pk, "Mùa lúa."))

    migrate_to_latest()

    for pk in (story.pk, widget_only.pk):
        article = Article.objects.get(pk=pk)
        assert article.search_body == search.story_text(article)
    folded = Article.objects.get(pk=story.pk).search_body
    for words in ("phien cho bang khau", "anh ttxvn", "cong cho", "anh ha linh", "nong vui"):
        assert words in folded
    assert "anh ly minh" in Article.objects.get(pk=widget_only.pk).search_body
    assert search.reindex(Article.objects.all()) == 0


def test_reverse_keeps_the_photos_in_the_text_and_forward_again_changes_nothing(old):
    """Migrating back leaves the photos in the text (the code from before shows them there) and gives captions
    their position column back; forward again moves nothing twice."""
    photo = old_photo(old, 1)
    story = old_story(old, "Qua lai", PARAGRAPHS)
    old_caption(old, story, photo, "Giữa bài.", position=1)
    migrate_to_latest()
    body = Article.objects.get(pk=story.pk).body

    back = migrate(BEFORE)
    assert back.get_model("articles", "Article").objects.get(pk=story.pk).body == body
    assert not back.get_model("articles", "Caption").objects.exists()
    story = back.get_model("articles", "Article").objects.get(pk=story.pk)
    old_caption(back, story, old_photo(back, 2), "Ảnh đầu.", is_lead=True)  # the position column is back
    migrate_to_latest()
    again = Article.objects.get(pk=story.pk)
    assert again.body == body and Caption.objects.get(article=again).text == "Ảnh đầu."


def test_migration_0010_folds_stories_with_their_captions_and_bylines(old):
    """Migration 0010 (run on the models of its time) folds stories saved before it with their captions, photo
    credits and byline names."""
    Byline, Author = old.get_model("articles", "Byline"), old.get_model("articles", "Author")
    story = old_story(old, "Tin cu", "<p>Mưa.</p>", sapo="Sapo của bài viết", search_body="cu")
    Byline.objects.create(article=story, author=Author.objects.create(name="Hà Linh", slug="ha-linh"), order=0)
    old_caption(old, story, old_photo(old, 1, credit="Ảnh: TTXVN"), "Bắc Kạn mùa mưa.", is_lead=True)
    import_module("articles.migrations.0010_search_everything").fold_everything(old, None)
    assert old.get_model("articles", "Article").objects.get(pk=story.pk).search_body == (
        "sapo cua bai viet mua bac kan mua mua anh ttxvn ha linh")


def test_place_after_blocks_keeps_the_text_between_blocks():
    """The helper puts markup after the N-th top-level block and leaves every other character where it was."""
    body = "<p>A</p>\n\n<blockquote><p>B</p></blockquote>\ntext tail"
    assert split_blocks(body) == ["<p>A</p>", "<blockquote><p>B</p></blockquote>", "\ntext tail"]
    assert place_after_blocks(body, [(1, "<hr>"), (0, "<i>0</i>"), (2, "<hr2>"), (7, "<end>")]) == (
        "<i>0</i><p>A</p><hr>\n\n<blockquote><p>B</p></blockquote><hr2>\ntext tail<end>")
    assert place_after_blocks("", [(5, "<x>")]) == "<x>"
