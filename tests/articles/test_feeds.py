"""RSS and Atom feeds, sitemaps and robots.txt."""
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Status, Tag
from tests.factories import make_article, make_author, make_caption, make_section

pytestmark = pytest.mark.django_db
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def published(title, section, minutes_ago=5, **fields):
    return make_article(title, section=section, status=Status.PUBLISHED,
                        published_at=timezone.now() - timedelta(minutes=minutes_ago), **fields)


@pytest.fixture
def newsroom(db):
    news, sport = make_section("Thời sự"), make_section("Thể thao")
    first = published("Khai mạc kỳ họp Hội đồng nhân dân", news, 10, authors=[make_author("Nông Vui")])
    make_caption(first, is_lead=True)
    published("Giải bóng đá thanh niên", sport, 20)
    return news, sport, first


def test_rss_lists_latest_stories_with_absolute_links_and_lead_photo(client, newsroom):
    """The RSS 2.0 feed lists the newest stories first with absolute links, author and the lead photo."""
    news, sport, first = newsroom
    response = client.get(reverse("articles:rss"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Khai mạc kỳ họp Hội đồng nhân dân", "Giải bóng đá thanh niên"]
    assert items[0].findtext("link") == "http://127.0.0.1:8000" + first.get_absolute_url()
    assert items[0].find("enclosure").attrib["type"] == "image/jpeg"
    assert channel.findtext("language") == "vi"


def test_section_feeds_only_carry_their_section(client, newsroom):
    """/rss/<section>/ and /atom/<section>/ carry only that section's stories."""
    news, sport, first = newsroom
    rss = ElementTree.fromstring(client.get(reverse("articles:rss-section", kwargs={"slug": sport.slug})).content)
    assert [i.findtext("title") for i in rss.iter("item")] == ["Giải bóng đá thanh niên"]
    atom = ElementTree.fromstring(client.get(reverse("articles:atom-section", kwargs={"slug": news.slug})).content)
    assert [e.findtext(f"{ATOM}title") for e in atom.iter(f"{ATOM}entry")] == ["Khai mạc kỳ họp Hội đồng nhân dân"]
    assert client.get(reverse("articles:rss-section", kwargs={"slug": "khong-co"})).status_code == 404


def test_feed_query_count_is_fixed(client, newsroom, django_assert_max_num_queries):
    """The feed takes a fixed number of queries whatever the number of stories and bylines."""
    news = newsroom[0]
    for n in range(20):
        published(f"Bài {n}", news, n + 30, authors=[make_author(), make_author()])
    client.get("/robots.txt")  # builds the shared site state once
    with django_assert_max_num_queries(4):
        client.get(reverse("articles:rss"))


def test_sitemap_index_points_to_pages_and_monthly_story_sitemaps(client, newsroom):
    """sitemap.xml lists the pages sitemap and one sitemap per month with stories; each lists absolute URLs."""
    news, sport, first = newsroom
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    locations = [e.text for e in index.iter(f"{SM}loc")]
    assert locations[0].endswith("/sitemap-trang.xml")
    now = timezone.localtime()
    month_url = f"http://127.0.0.1:8000/sitemap-{now.year}-{now.month}.xml"
    assert month_url in locations
    stories = ElementTree.fromstring(client.get(month_url.replace("http://127.0.0.1:8000", "")).content)
    urls = [e.text for e in stories.iter(f"{SM}loc")]
    assert "http://127.0.0.1:8000" + first.get_absolute_url() in urls
    assert all(e.text for e in stories.iter(f"{SM}lastmod"))
    pages = ElementTree.fromstring(client.get("/sitemap-trang.xml").content)
    page_urls = [e.text for e in pages.iter(f"{SM}loc")]
    assert "http://127.0.0.1:8000" + news.get_absolute_url() in page_urls
    assert any("/tac-gia/nong-vui/" in u for u in page_urls)


def test_sitemap_month_out_of_range_is_404(client, db):
    """Impossible months answer 404."""
    assert client.get("/sitemap-2026-13.xml").status_code == 404
    assert client.get("/sitemap-99999-1.xml").status_code == 404


def test_news_sitemap_holds_only_the_last_two_days(client, newsroom):
    """The Google News sitemap lists stories of the last two days with publication name, language and title."""
    news = newsroom[0]
    published("Tin của tuần trước", news, 60 * 24 * 7)
    root = ElementTree.fromstring(client.get(reverse("sitemap-news")).content)
    titles = [e.text for e in root.iter(f"{NEWS}title")]
    assert "Khai mạc kỳ họp Hội đồng nhân dân" in titles and "Tin của tuần trước" not in titles
    assert {e.text for e in root.iter(f"{NEWS}language")} == {"vi"}


def test_tag_pages_are_in_the_pages_sitemap(client, newsroom):
    """Tags with published stories are listed in the pages sitemap."""
    tag = Tag.objects.create(name="Bầu cử")
    newsroom[2].tags.add(tag)
    pages = ElementTree.fromstring(client.get("/sitemap-trang.xml").content)
    assert any(e.text.endswith("/chu-de/bau-cu/") for e in pages.iter(f"{SM}loc"))


def test_robots_txt_points_to_sitemaps_and_keeps_crawlers_off_search(client, db):
    """robots.txt names both sitemaps with absolute URLs and disallows search pages."""
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /tim-kiem/" in lines
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in lines
    assert "Sitemap: http://127.0.0.1:8000/sitemap-news.xml" in lines
    assert not any("quan-tri" in line for line in lines), "robots.txt must not reveal the admin path"
