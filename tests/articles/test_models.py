import unicodedata
from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from articles.models import Article, Caption, Section, Status
from tests.factories import make_article, make_author, make_caption, make_photo, make_section

pytestmark = pytest.mark.django_db


def test_title_typed_in_nfd_is_stored_in_nfc(section):
    """A Mac-typed (NFD) title is stored NFC and equals the Windows-typed one."""
    nfd = unicodedata.normalize("NFD", "Đại hội Đảng bộ tỉnh Bắc Kạn")
    article = make_article(nfd, section=section, sapo=unicodedata.normalize("NFD", "Sapo có dấu."))
    article.refresh_from_db()
    assert article.title == "Đại hội Đảng bộ tỉnh Bắc Kạn"
    assert unicodedata.is_normalized("NFC", article.sapo)
    assert Article.objects.filter(title="Đại hội Đảng bộ tỉnh Bắc Kạn").exists()


def test_every_text_model_stores_nfc():
    """Sections, authors, photos and captions normalise their text too."""
    nfd = unicodedata.normalize("NFD", "Thời sự Bắc Kạn")
    section = make_section(nfd)
    author = make_author(nfd)
    photo = make_photo(alt_text=nfd, credit=nfd)
    article = make_article(section=section)
    caption = make_caption(article, photo, text=nfd)
    for obj, field in [(section, "name"), (author, "name"), (photo, "alt_text"), (photo, "credit"), (caption, "text")]:
        obj.refresh_from_db()
        assert getattr(obj, field) == "Thời sự Bắc Kạn"


def test_slug_is_made_from_the_vietnamese_title(section):
    """The slug keeps every letter: Đ becomes d."""
    assert make_article("Đại hội Đảng bộ tỉnh Bắc Kạn", section=section).slug == "dai-hoi-dang-bo-tinh-bac-kan"


def test_same_title_twice_gets_a_distinct_slug(section):
    """A second story with the same title does not collide."""
    first = make_article("Bắc Kạn đón mưa lớn", section=section)
    second = make_article("Bắc Kạn đón mưa lớn", section=section)
    assert (first.slug, second.slug) == ("bac-kan-don-mua-lon", "bac-kan-don-mua-lon-2")


def test_slug_is_kept_when_the_title_changes(section):
    """Editing the title does not move a story's URL."""
    article = make_article("Tiêu đề ban đầu", section=section)
    article.title = "Tiêu đề đã sửa"
    article.save()
    article.refresh_from_db()
    assert article.slug == "tieu-de-ban-dau"


def test_section_slug_never_takes_a_site_path():
    """A section called 'Tìm kiếm' cannot take the search page's path."""
    assert make_section("Tìm kiếm").slug == "tim-kiem-2"


def test_body_is_sanitised_on_save(section):
    """Scripts and javascript: links never reach the database."""
    article = make_article(section=section, body='<p onclick="x()">Chữ<script>alert(1)</script>'
                                                  '<a href="javascript:alert(1)">liên kết</a></p>')
    article.refresh_from_db()
    assert "script" not in article.body and "onclick" not in article.body and "javascript" not in article.body
    assert "Chữ" in article.body


def test_search_fields_are_folded(section):
    """The stored search copies are accent-free and lower-case."""
    article = make_article("Đại hội Đảng", section=section, sapo="Bắc Kạn", body="<p>Chợ Mới</p>")
    assert article.search_title == "dai hoi dang"
    assert "bac kan" in article.search_body and "cho moi" in article.search_body


def test_published_queryset_hides_every_non_public_state(section):
    """published() returns only published stories whose time has come."""
    now = timezone.now()
    visible = make_article(section=section, status=Status.PUBLISHED, published_at=now - timedelta(minutes=1))
    make_article(section=section, status=Status.PUBLISHED, published_at=now + timedelta(hours=1))
    make_article(section=section, status=Status.DRAFT)
    make_article(section=section, status=Status.REVIEW)
    make_article(section=section, status=Status.UNPUBLISHED, published_at=now - timedelta(days=1))
    assert list(Article.objects.published()) == [visible]


def test_scheduled_story_becomes_public_by_itself(section):
    """A story scheduled for later appears in published() once its time comes, with no job run."""
    at = timezone.now() + timedelta(hours=2)
    article = make_article(section=section, status=Status.PUBLISHED, published_at=at)
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.published(now=at + timedelta(seconds=1)).filter(pk=article.pk).exists()
    assert article.is_scheduled and not article.is_public


def test_only_one_lead_photo_per_story(section):
    """The database refuses a second lead photo for the same story."""
    article = make_article(section=section)
    make_caption(article, is_lead=True)
    with pytest.raises(IntegrityError):
        Caption.objects.create(article=article, photo=make_photo(), text="Ảnh thứ hai", is_lead=True)


def test_one_photo_runs_with_different_captions_in_two_stories(section):
    """The caption belongs to the use, not the photo."""
    photo = make_photo()
    first, second = make_article(section=section), make_article(section=section)
    make_caption(first, photo, text="Chú thích trong bài thứ nhất.")
    make_caption(second, photo, text="Chú thích khác trong bài thứ hai.")
    assert sorted(photo.captions.values_list("text", flat=True)) == [
        "Chú thích khác trong bài thứ hai.", "Chú thích trong bài thứ nhất."
    ]


def test_article_url_is_section_and_slug(section):
    """Stories live at /<section>/<slug>/."""
    article = make_article("Tin Bắc Kạn", section=section)
    assert article.get_absolute_url() == f"/{section.slug}/tin-bac-kan/"
    assert Section.objects.get(pk=section.pk).get_absolute_url() == f"/{section.slug}/"


def test_saving_bumps_the_version_as_a_number_every_listener_sees(section):
    """A plain save inside a revision block stores the real version number, and that revision reverts."""
    import reversion
    from reversion.models import Version

    article = make_article("Bản đầu", section=section)
    with reversion.create_revision():
        article.title = "Bản thứ hai"
        article.save()
    assert article.version == 2
    version = Version.objects.get_for_object(article).first()
    assert version.field_dict["version"] == 2
    article.title = "Bản thứ ba"
    article.save()
    version.revision.revert()
    assert Article.objects.get(pk=article.pk).title == "Bản thứ hai"
