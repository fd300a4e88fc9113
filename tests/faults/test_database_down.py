"""The database down or dropping the connection, on any database: cached pages still served, everything else a
Vietnamese 503 with Retry-After, a cut-off save told plainly that nothing was saved, and nothing half-saved."""
import logging
import time
import os

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Status, Transition
from photos.models import Photo
from tests.articles.adminforms import admin_form_data
from tests.factories import jpeg_bytes, make_article
from tests.faults.database import database_refusing

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

UNAVAILABLE = "Trang báo tạm thời gián đoạn"
NOT_SAVED = "Thay đổi của bạn CHƯA được lưu"


@pytest.fixture
def anonymous():
    # The page must be what a reader gets, so the test client must not re-raise what the server handled.
    return Client(raise_request_exception=False)


@pytest.fixture
def staff(superuser):
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    return client


def assert_unavailable(response, text=UNAVAILABLE):
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert '<html lang="vi">' in page and text in page


def counts():
    return Article.objects.count(), Version.objects.count(), Transition.objects.count(), Photo.objects.count()


def test_cached_pages_are_served_while_the_database_refuses(anonymous, published_article):
    """Home and article pages already in the page cache answer 200 without a single query."""
    pages = ["/", published_article.get_absolute_url()]
    before = {url: anonymous.get(url).content for url in pages}
    with database_refusing():
        for url in pages:
            response = anonymous.get(url)
            assert response.status_code == 200
            assert response["X-Page-Cache"] == "hit"
            assert response.content == before[url]


@pytest.mark.parametrize("url", [
    "/", "/tim-kiem/?q=bau+cu", "/rss/", "/atom/", "/robots.txt", "/sitemap.xml", "/sitemap-news.xml",
    "/thoi-su/", "/thoi-su/dai-hoi-dang-bo-tinh-bac-kan/", "/khong/co/trang-nay/",
])
def test_uncached_public_pages_answer_a_vietnamese_503(anonymous, published_article, url, caplog):
    """With nothing cached (not even the section menu), every public page and the 404 page answer 503, not 500."""
    cache.clear()
    with database_refusing(), caplog.at_level(logging.ERROR):
        response = anonymous.get(url)
    assert_unavailable(response)
    assert "Database unavailable" in caplog.text or "Service Unavailable" in caplog.text


def test_404_page_needs_no_database_once_the_menu_is_cached(anonymous, published_article):
    """An unknown address is still a 404 in the site's design when the section menu is in the cache."""
    anonymous.get("/")
    with database_refusing():
        response = anonymous.get("/khong/co/trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    assert "Thời sự" in response.content.decode()


def test_admin_answers_503_and_the_site_serves_again_after(staff, published_article):
    """The admin answers the 503 page while the database refuses, and its pages as usual afterwards."""
    url = reverse("admin:articles_article_changelist")
    with database_refusing():
        assert_unavailable(staff.get(url))
    assert staff.get(url).status_code == 200


@pytest.mark.parametrize("refused", [r'^UPDATE "articles_article"', r'^INSERT INTO "reversion_version"'])
def test_story_save_cut_off_says_not_saved_and_saves_nothing(staff, published_article, refused):
    """A save whose write fails answers 503 "not saved, go back", and the story, revisions and log are as before."""
    url = reverse("admin:articles_article_change", args=[published_article.pk])
    data = admin_form_data(staff.get(url))
    data["title"] = "Tiêu đề sửa dở"
    before = counts()
    with database_refusing(refused):
        response = staff.post(url, data)
    assert_unavailable(response, NOT_SAVED)
    assert "Quay lại" in response.content.decode()
    assert counts() == before
    assert Article.objects.get(pk=published_article.pk).title == "Đại hội Đảng bộ tỉnh Bắc Kạn"
    assert staff.post(url, data).status_code == 302
    assert Article.objects.get(pk=published_article.pk).title == "Tiêu đề sửa dở"


def test_workflow_move_cut_off_leaves_the_story_where_it_was(editor, reporter, section):
    """Publishing cut off while writing the audit log answers "not saved": still in review, no log, no mail."""
    article = make_article("Lũ quét ở Ba Bể", section=section, authors=[reporter.author], created_by=reporter,
                           status=Status.REVIEW)
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    url = reverse("admin:articles_article_transition", args=[article.pk])
    before = counts()
    mail.outbox.clear()
    with database_refusing(r'^INSERT INTO "articles_transition"'):
        response = client.post(url, {"_transition": "publish"})
    assert_unavailable(response, NOT_SAVED)
    assert counts() == before
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW
    assert mail.outbox == []
    assert client.post(url, {"_transition": "publish"}).status_code == 302
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED


def test_save_and_publish_cut_off_leaves_no_saved_message_behind(editor, reporter, section):
    """The "saved" note queued before the publish failed is not shown on the next page: nothing was saved."""
    article = make_article("Lũ quét ở Ba Bể", section=section, authors=[reporter.author], created_by=reporter,
                           status=Status.REVIEW)
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {**admin_form_data(client.get(url)), "title": "Lũ quét ở Ba Bể (sửa)", "_transition": "publish"}
    with database_refusing(r'^INSERT INTO "articles_transition"'):
        assert_unavailable(client.post(url, data), NOT_SAVED)
    story = Article.objects.get(pk=article.pk)
    assert (story.title, story.status) == ("Lũ quét ở Ba Bể", Status.REVIEW)
    assert "Đã lưu bài" not in client.get(url).content.decode()


def test_photo_upload_cut_off_says_not_saved(staff, settings):
    """A photo upload whose row cannot be written answers "not saved", with no photo row and no file left."""
    before = counts()
    with database_refusing(r'^INSERT INTO "articles_photo"'):
        response = staff.post(reverse("admin:photos_photo_add"), {
            "upload": SimpleUploadedFile("cho-phien.jpg", jpeg_bytes()), "alt_text": "Người dân đi chợ phiên",
            "credit": "Ảnh: Nông Vui",
        })
    assert_unavailable(response, NOT_SAVED)
    assert counts() == before
    for root in (settings.MEDIA_ROOT, settings.STORAGES["originals"]["OPTIONS"]["location"]):
        assert [files for _, _, files in os.walk(root) if files] == [], root


def test_story_form_over_the_upload_limit_gets_a_vietnamese_400(superuser, settings):
    """A story form bigger than DATA_UPLOAD_MAX_MEMORY_SIZE is refused in Vietnamese, naming the limit; no query."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(superuser)
    client.cookies["csrftoken"] = "a" * 32  # as a browser that opened the form: the CSRF check reads the body first
    body = "<p>" + "bảng kết quả " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 12) + "</p>"
    before = counts()
    with database_refusing():
        response = client.post(reverse("admin:articles_article_add"), {"title": "Kết quả thi", "body": body})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "CHƯA được lưu" in page and "5 MB" in page and "Quay lại" in page
    assert "Bad Request" not in page
    assert counts() == before


def test_pages_past_their_freshness_are_served_stale_while_the_database_refuses(anonymous, published_article):
    """A cached page older than its five minutes, and the site state older than its hour, still reach readers
    (marked stale) when rendering it again fails on the database, and CDNs are told they may do the same."""
    import time_machine

    url = published_article.get_absolute_url()
    first = anonymous.get(url)
    assert "stale-if-error=3600" in first["Cache-Control"]
    with time_machine.travel(time.time() + 3700, tick=False), database_refusing():
        response = anonymous.get(url)
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "stale"
    assert response.content == first.content
    with time_machine.travel(time.time() + 3600 + 3700, tick=False), database_refusing():
        assert_unavailable(anonymous.get(url))  # past the stale-if-error window: the 503 page


def test_a_purged_page_is_never_served_stale(anonymous, published_article, editor):
    """A story taken down (or any public change) purges the site state: its old page is not served stale."""
    from articles import workflow

    url = published_article.get_absolute_url()
    assert anonymous.get(url).status_code == 200
    workflow.article_unpublish(article=published_article, by=editor, comment="Sai sự thật")
    with database_refusing():
        assert_unavailable(anonymous.get(url))
