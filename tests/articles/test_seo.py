"""Metadata for search engines and share cards: titles, descriptions, canonical URLs, OpenGraph, JSON-LD."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Correction, Status
from tests.articles.pages import parse_html
from tests.factories import make_article, make_author, make_caption, make_photo, make_section

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"


@pytest.fixture
def story(db):
    section = make_section("Kinh tế")
    article = make_article(
        "Giá hồng không hạt tăng cao", section=section, status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=3), authors=[make_author("Hà Linh"), make_author("Lục Văn Bình")],
        sapo="Hồng không hạt Bắc Kạn được mùa, được giá <b>kỷ lục</b> & bán hết.", kicker="Nông sản",
    )
    make_caption(article, photo=make_photo(alt_text="Vườn hồng chín đỏ", width=1200, height=800), is_lead=True)
    return article


def graph(page, kind):
    return next(node for block in page.json_ld for node in block["@graph"] if node["@type"] == kind)


def test_article_has_title_description_canonical_and_share_cards(client, story):
    """The article page has its title, the sapo as description, a canonical URL and OpenGraph/Twitter tags."""
    page = parse_html(client.get(story.get_absolute_url()).content)
    assert page.find_all("title")[0].text == "Giá hồng không hạt tăng cao - Báo Tin Bắc Kạn"
    assert page.meta("description") == story.sapo
    canonical = page.find_all("link", rel="canonical")[0].attrs["href"]
    assert canonical == SITE + story.get_absolute_url()
    assert page.meta("og:type") == "article" and page.meta("og:url") == canonical
    assert page.meta("og:title") == story.title and page.meta("og:description") == story.sapo
    assert page.meta("og:image").startswith(SITE + "/media/") and page.meta("og:image:alt") == "Vườn hồng chín đỏ"
    assert page.meta("twitter:card") == "summary_large_image"
    assert page.meta("twitter:image") == page.meta("og:image")
    assert page.meta("article:section") == "Kinh tế"
    assert page.meta("article:published_time").startswith(str(timezone.localtime(story.published_at).year))


def test_article_json_ld_is_a_news_article(client, story):
    """The JSON-LD is a NewsArticle with headline, dates, authors, image and publisher, plus breadcrumbs."""
    Correction.objects.create(article=story, text="Sửa giá bán: 50.000 đồng/kg.")
    page = parse_html(client.get(story.get_absolute_url()).content)
    news = graph(page, "NewsArticle")
    assert news["headline"] == story.title
    assert news["datePublished"] and news["dateModified"] >= news["datePublished"]
    assert [a["name"] for a in news["author"]] == ["Hà Linh", "Lục Văn Bình"]
    assert news["author"][0]["url"] == SITE + "/tac-gia/ha-linh/"
    assert news["image"][0]["url"].startswith(SITE + "/media/")
    assert news["publisher"]["name"] == "Báo Tin Bắc Kạn"
    assert news["correction"][0]["text"] == "Sửa giá bán: 50.000 đồng/kg."
    crumbs = graph(page, "BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Trang chủ", "Kinh tế", story.title]


def test_json_ld_cannot_be_broken_out_of_by_story_text(client, db):
    """A title containing </script> stays inside the JSON-LD block as data."""
    evil = make_article("Tiêu đề </script><script>alert(1)</script>", section=make_section(), status=Status.PUBLISHED)
    html = client.get(evil.get_absolute_url()).content.decode()
    page = parse_html(html)
    assert graph(page, "NewsArticle")["headline"].startswith("Tiêu đề </script>")
    assert "<script>alert(1)" not in html
    inline = [s for s in page.find_all("script") if not s.attrs.get("src")]  # the view beacon is a static file
    assert [s.attrs.get("type") for s in inline] == ["application/ld+json"]


def test_list_pages_and_home_have_metadata(client, story):
    """Home, section, author and search pages have a title, description and canonical URL."""
    for url in ("/", story.section.get_absolute_url(), "/tac-gia/ha-linh/", "/tim-kiem/?q=hong"):
        page = parse_html(client.get(url).content)
        assert page.find_all("title")[0].text
        assert page.meta("description")
        assert page.find_all("link", rel="canonical")[0].attrs["href"].startswith(SITE + "/")
        assert page.meta("og:title")
    home = parse_html(client.get("/").content)
    assert graph(home, "WebSite")["potentialAction"]["target"]["urlTemplate"] == SITE + "/tim-kiem/?q={q}"
    assert parse_html(client.get("/tim-kiem/?q=hong").content).meta("robots") == "noindex, follow"


def test_story_without_photo_uses_a_summary_card(client, db):
    """A story without a lead photo gets a plain summary card and no og:image."""
    plain = make_article("Thông báo lịch cắt điện", section=make_section(), status=Status.PUBLISHED)
    page = parse_html(client.get(plain.get_absolute_url()).content)
    assert page.meta("twitter:card") == "summary" and page.meta("og:image") is None
    assert "image" not in graph(page, "NewsArticle")


def test_vietnamese_dates_on_the_page(client, story):
    """The dateline reads like a Vietnamese newspaper: weekday, day/month/year - hour:minute."""
    page = parse_html(client.get(story.get_absolute_url()).content)
    local = timezone.localtime(story.published_at)
    dateline = page.find_all("p", **{"class": "dateline"})[0].text
    assert f"{local.day}/{local.month}/{local.year} - {local:%H:%M}" in dateline


def test_time_values_carry_whole_seconds_on_every_page(client, story):
    """Every <time datetime> and date meta tag is ISO 8601 to the second in local time: the validator refuses microseconds."""
    story.published_at = story.published_at.replace(microsecond=123456)
    type(story).objects.filter(pk=story.pk).update(published_at=story.published_at)
    Correction.objects.create(article=story, text="Sửa tên xã.")
    make_article("Tin liên quan cùng mục", section=story.section, status=Status.PUBLISHED,
                 published_at=timezone.now().replace(microsecond=654321) - timedelta(hours=1))
    author = story.bylines.first().author
    pages = ["/", story.section.get_absolute_url(), story.get_absolute_url(), author.get_absolute_url(),
             "/tim-kiem/?q=hong"]
    whole_seconds = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")
    seen = 0
    for path in pages:
        page = parse_html(client.get(path).content)
        values = [e.attrs["datetime"] for e in page.find_all("time")]
        values += [page.meta(key) for key in ("article:published_time", "article:modified_time") if page.meta(key)]
        assert values, path
        for value in values:
            assert whole_seconds.match(value), (path, value)
        seen += len(values)
    local = timezone.localtime(story.published_at)
    assert graph(parse_html(client.get(story.get_absolute_url()).content), "NewsArticle")["datePublished"] == (
        local.replace(microsecond=0).isoformat())
    assert seen >= len(pages)


def test_links_follow_the_site_url_of_the_running_server(client, story, settings):
    """Another port (make run PORT=8010 sets NEWSROOM_SITE_URL): canonical links and feeds follow it, read per request."""
    settings.NEWSROOM_SITE_URL = "http://127.0.0.1:8010"
    page = parse_html(client.get(story.get_absolute_url()).content)
    assert page.find_all("link", rel="canonical")[0].attrs["href"] == "http://127.0.0.1:8010" + story.get_absolute_url()
    feed = client.get("/rss/").content.decode()
    assert "http://127.0.0.1:8010" + story.get_absolute_url() in feed and ":8000" not in feed
