"""The public article page as the foundation issue defines it."""
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from django.utils import timezone

from articles.models import Status
from mostread import ranking
from tests.factories import make_article, make_author, make_caption, make_photo, place_photo
from tests.pagetext import figures, visible_text

pytestmark = pytest.mark.django_db


def test_page_shows_kicker_title_sapo_date_bylines(client, section):
    """Kicker, title, sapo, the Vietnamese dateline and every byline in order are on the page."""
    published = datetime(2020, 7, 22, 1, 30, tzinfo=dt_timezone.utc)  # 08:30 in Hà Nội
    article = make_article(
        "Ban Tuyên giáo sơ kết 6 tháng", section=section, kicker="Hội nghị trực tuyến",
        sapo="Sáng 22/7, hội nghị sơ kết công tác.", status=Status.PUBLISHED, published_at=published,
        authors=[make_author("Nông Vui"), make_author("Hoàng Nam")],
    )
    text = visible_text(client.get(article.get_absolute_url()).content.decode())
    for expected in ["Hội nghị trực tuyến", "Ban Tuyên giáo sơ kết 6 tháng", "Sáng 22/7, hội nghị sơ kết công tác.",
                     "Thứ Tư, 22/7/2020 - 08:30"]:
        assert expected in text
    assert text.index("Nông Vui") < text.index("Hoàng Nam")


def test_photos_stand_where_they_were_placed_with_caption_and_credit(client, section):
    """The lead photo is above the body; an inline photo follows the paragraph it was placed after."""
    article = make_article(
        section=section, status=Status.PUBLISHED,
        body="<p>Đoạn một của bài.</p><p>Đoạn hai của bài.</p><p>Đoạn ba của bài.</p>",
    )
    make_caption(article, make_photo(alt_text="Toàn cảnh hội nghị", credit="Ảnh: Nông Vui"),
                 text="Chú thích ảnh đầu bài.", is_lead=True)
    place_photo(article, make_photo(alt_text="Đại biểu phát biểu", credit="Ảnh: TTXVN"),
                text="Chú thích ảnh giữa bài.", after=2)
    html = client.get(article.get_absolute_url()).content.decode()
    text = visible_text(html)
    assert text.index("Chú thích ảnh đầu bài.") < text.index("Đoạn một của bài.")
    assert text.index("Đoạn hai của bài.") < text.index("Chú thích ảnh giữa bài.") < text.index("Đoạn ba của bài.")
    by_alt = {f["alt"]: f["caption"] for f in figures(html)}
    assert "Chú thích ảnh đầu bài." in by_alt["Toàn cảnh hội nghị"] and "Ảnh: Nông Vui" in by_alt["Toàn cảnh hội nghị"]
    assert "Chú thích ảnh giữa bài." in by_alt["Đại biểu phát biểu"] and "Ảnh: TTXVN" in by_alt["Đại biểu phát biểu"]


@pytest.mark.parametrize("status,offset", [
    (Status.DRAFT, None),
    (Status.REVIEW, None),
    (Status.PUBLISHED, timedelta(hours=3)),  # scheduled for later
])
def test_non_public_story_answers_404(client, section, status, offset):
    """Drafts, stories in review and scheduled stories are not found by the public."""
    article = make_article(section=section, status=status,
                           published_at=timezone.now() + offset if offset else None)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_unpublished_story_is_gone(client, section):
    """An unpublished story answers 404 or 410 Gone, never its text."""
    article = make_article("Bài đã gỡ", section=section, status=Status.UNPUBLISHED,
                           published_at=timezone.now() - timedelta(days=1))
    response = client.get(article.get_absolute_url())
    assert response.status_code in (404, 410)
    assert "Bài đã gỡ" not in visible_text(response.content.decode())


def test_wrong_section_in_url_redirects_to_the_story(client, section):
    """A story reached under another section's path is redirected to its own URL."""
    article = make_article(section=section, status=Status.PUBLISHED)
    response = client.get(f"/khac/{article.slug}/")
    assert response.status_code == 301 and response["Location"] == article.get_absolute_url()


def test_article_page_queries_do_not_grow_with_photos_and_bylines(client, section, django_assert_max_num_queries,
                                                                  django_capture_on_commit_callbacks):
    """Ten bylines and ten photos cost no more queries than one of each: the page reads the story's stored
    render (made after the commit of each change) with the published check, and the related stories."""
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(section=section, status=Status.PUBLISHED,
                               authors=[make_author() for _ in range(10)], body="<p>a</p>" * 12)
        make_caption(article, is_lead=True)
        for after in range(9):
            place_photo(article, after=after)
        for _ in range(8):
            make_article(section=section, status=Status.PUBLISHED)  # related stories
    url = article.get_absolute_url()
    client.get("/robots.txt")  # the site state (menu, next scheduled time) is read once per content change
    ranking.ranking_ids()  # the most-read list is recomputed once per NEWSROOM_MOST_READ_SECONDS, not per page
    with django_assert_max_num_queries(2):
        assert client.get(url).status_code == 200


def test_home_lists_latest_published_only(client, section):
    """The home page lists published stories, newest first, and nothing else."""
    now = timezone.now()
    older = make_article("Tin cũ hơn", section=section, status=Status.PUBLISHED, published_at=now - timedelta(hours=2))
    newer = make_article("Tin mới hơn", section=section, status=Status.PUBLISHED, published_at=now - timedelta(hours=1))
    make_article("Bản nháp bí mật", section=section)
    text = visible_text(client.get("/").content.decode())
    assert text.index(newer.title) < text.index(older.title)
    assert "Bản nháp bí mật" not in text
