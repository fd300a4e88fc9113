"""The public pages: home, sections, authors, tags, the article page, error pages."""
import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction, Status, Tag
from articles.pagination import make_cursor
from mostread import ranking
from tests.articles.pages import parse_html
from tests.factories import make_article, make_author, make_caption, make_photo, make_section, place_photo

pytestmark = pytest.mark.django_db


def published(title, section, minutes_ago, **fields):
    return make_article(title, section=section, status=Status.PUBLISHED,
                        published_at=timezone.now() - timedelta(minutes=minutes_ago), **fields)


def assert_accessible(page):
    assert page.find_all("html")[0].attrs["lang"] == "vi"
    assert len(page.find_all("h1")) == 1
    assert all(img.attrs.get("alt") for img in page.find_all("img"))
    assert page.find_all("a", href="#noi-dung"), "skip link"
    assert page.find_all("main", id="noi-dung")


def test_home_leads_with_featured_story_then_latest_and_section_blocks(client):
    """The home page leads with the editor's featured story and lists the latest stories and one block per section
    (the four newest fill the sub-leads, and a story fills one slot only)."""
    news, sport = make_section("Thời sự"), make_section("Thể thao")
    published("Tin mới nhất về thời sự", news, 1)
    for n in range(4):
        published(f"Tin thời sự số {n}", news, 2 + n)
    featured = published("Bài tiêu điểm của tòa soạn", news, 90, is_featured=True)
    published("Đội bóng tỉnh thắng lớn", sport, 30)
    make_caption(featured, is_lead=True, photo=make_photo(alt_text="Toàn cảnh hội nghị"))

    page = parse_html(client.get("/").content)

    lead = page.find_all("section", **{"class": "lead-story"})[0]
    assert "Bài tiêu điểm của tòa soạn" in lead.text
    latest = page.find_all("section", **{"class": "latest"})[0]
    assert "Tin mới nhất về thời sự" in latest.text and "Bài tiêu điểm" not in latest.text
    blocks = {b.attrs["aria-labelledby"]: b.text for b in page.find_all("section", **{"class": "section-block"})}
    assert "Đội bóng tỉnh thắng lớn" in blocks["khoi-the-thao"]
    assert_accessible(page)


def test_home_leads_with_newest_story_when_no_story_is_featured(client):
    """Without a featured story the newest published one leads the home page."""
    section = make_section()
    published("Bài cũ hơn", section, 60)
    published("Bài mới nhất", section, 2)
    page = parse_html(client.get("/").content)
    assert "Bài mới nhất" in page.find_all("section", **{"class": "lead-story"})[0].text


def test_home_query_count_does_not_grow_with_stories(client, django_assert_max_num_queries):
    """The home page takes the same few queries with 5 or 60 stories in 4 sections."""
    sections = [make_section() for _ in range(4)]
    for n in range(60):
        article = published(f"Bài số {n}", sections[n % 4], n + 1, authors=[make_author(), make_author()])
        if n % 3 == 0:
            make_caption(article, is_lead=True)
    client.get("/robots.txt")  # the shared site state (menu, next scheduled time) is built once per change
    ranking.ranking_ids()  # the most-read list is recomputed once per NEWSROOM_MOST_READ_SECONDS, not per page
    client.get("/")  # renders and stores the teasers (made after each commit, and this test never commits)
    with django_assert_max_num_queries(1):
        assert client.get("/").status_code == 200


def test_section_pages_walk_older_and_newer_with_stable_cursor_urls(client):
    """A section lists 20 stories a page, newest first; 'Tin cũ hơn' and 'Tin mới hơn' walk it without gaps."""
    section = make_section("Kinh tế")
    stories = [published(f"Bài kinh tế {n:02d}", section, n + 1) for n in range(45)]  # stories[0] is newest
    url = section.get_absolute_url()

    first = client.get(url)
    assert [a.title for a in first.context["page"]] == [a.title for a in stories[:20]]
    older = first.context["page"].older
    second = client.get(url, {"truoc": older})
    assert [a.title for a in second.context["page"]] == [a.title for a in stories[20:40]]
    third = client.get(url, {"truoc": second.context["page"].older})
    assert [a.title for a in third.context["page"]] == [a.title for a in stories[40:]]
    assert third.context["page"].older is None
    back = client.get(url, {"sau": third.context["page"].newer})
    assert [a.title for a in back.context["page"]] == [a.title for a in stories[20:40]]
    to_top = client.get(url, {"sau": second.context["page"].newer})
    assert to_top.status_code == 302 and to_top["Location"] == url
    again = client.get(url, {"truoc": older})
    assert again.content == second.content


def test_deep_section_page_costs_the_same_queries_as_page_one(client, django_assert_max_num_queries):
    """A page far down a section takes no more queries than page 1 (keyset, no OFFSET)."""
    section = make_section()
    stories = [published(f"Bài {n}", section, n + 1, authors=[make_author()]) for n in range(30)]
    client.get("/robots.txt")
    with django_assert_max_num_queries(5):
        client.get(section.get_absolute_url())
    with django_assert_max_num_queries(5):
        response = client.get(section.get_absolute_url(), {"truoc": make_cursor(stories[25])})
    assert [a.title for a in response.context["page"]] == ["Bài 26", "Bài 27", "Bài 28", "Bài 29"]


@pytest.mark.parametrize("cursor", ["", "abc", "-1-1", "99999999999999999-1", "1-" + "9" * 18, "1" * 5000, "1\x00-2"])
def test_hostile_cursor_answers_not_found_and_is_not_cached(client, cursor):
    """A malformed, huge or negative page cursor answers 404 (never a 500), and is not stored in the page cache."""
    section = make_section()
    published("Bài duy nhất", section, 1)
    for name in ("truoc", "sau"):
        for _ in range(2):
            response = client.get(section.get_absolute_url(), {name: cursor})
            assert response.status_code == 404 and "X-Page-Cache" not in response


def test_cursor_must_name_a_story_of_the_list_as_the_site_wrote_it(client):
    """A well-formed cursor naming no story of this section, or written with leading zeros, answers 404."""
    section, elsewhere = make_section(), make_section()
    stories = [published(f"Bài {n}", section, n + 1) for n in range(3)]
    other = published("Bài mục khác", elsewhere, 2)
    cursor = make_cursor(stories[1])
    assert client.get(section.get_absolute_url(), {"truoc": cursor}).status_code == 200
    for bad in (make_cursor(other), "0" + cursor, cursor.replace("-", "-0"), f"{cursor.split('-')[0]}-999999"):
        assert client.get(section.get_absolute_url(), {"truoc": bad}).status_code == 404, bad
    assert client.get(section.get_absolute_url(), {"truoc": cursor, "sau": cursor}).status_code == 404


def test_author_page_shows_bio_portrait_and_only_their_published_stories(client):
    """An author page shows the bio and portrait, and lists the author's published stories only."""
    section = make_section()
    portrait = make_photo(alt_text="Chân dung Hoàng Thu")
    author = make_author("Hoàng Thu", bio="Phóng viên mảng nông nghiệp.", portrait=portrait)
    published("Mùa gặt ở Chợ Đồn", section, 5, authors=[author])
    published("Bài của người khác", section, 5, authors=[make_author()])
    make_article("Bản nháp của Thu", section=section, authors=[author])
    page = parse_html(client.get(author.get_absolute_url()).content)
    assert page.find_all("h1")[0].text == "Hoàng Thu"
    assert "Phóng viên mảng nông nghiệp." in page.text
    assert "Mùa gặt ở Chợ Đồn" in page.text
    assert "Bài của người khác" not in page.text and "Bản nháp của Thu" not in page.text
    assert any(img.attrs["alt"] == "Chân dung Hoàng Thu" for img in page.find_all("img"))
    assert_accessible(page)


def test_tag_page_lists_tagged_published_stories(client):
    """A tag page lists the published stories carrying the tag."""
    section = make_section()
    tag = Tag.objects.create(name="Nông thôn mới")
    tagged = published("Xã đạt chuẩn nông thôn mới", section, 3)
    tagged.tags.add(tag)
    published("Bài không gắn chủ đề", section, 3)
    page = parse_html(client.get(tag.get_absolute_url()).content)
    assert "Xã đạt chuẩn nông thôn mới" in page.text and "Bài không gắn chủ đề" not in page.text


def test_unknown_section_author_and_tag_answer_404(client):
    """Unknown slugs answer the site's Vietnamese 404 page."""
    for url in ("/khong-co/", "/tac-gia/khong-co/", "/chu-de/khong-co/", "/khong-co/bai-viet/"):
        response = client.get(url)
        assert response.status_code == 404
        page = parse_html(response.content)
        assert page.find_all("h1")[0].text == "Không tìm thấy trang"
        assert_accessible(page)


@pytest.fixture
def full_story(db):
    section = make_section("Xã hội")
    reporters = [make_author(f"Phóng viên {n}") for n in range(5)]
    story = published("Hồ Ba Bể đón khách trở lại", section, 120, authors=reporters, kicker="Du lịch",
                      sapo="Sau mùa mưa lũ, Vườn quốc gia Ba Bể mở cửa đón khách.",
                      body="".join(f"<p>Đoạn {n}.</p>" for n in range(1, 8)))
    make_caption(story, photo=make_photo(alt_text="Mặt hồ Ba Bể", credit="Ảnh: Nông Vui"), text="Hồ Ba Bể buổi sáng.",
                 is_lead=True)
    for n in range(6):
        place_photo(story, make_photo(alt_text=f"Ảnh phụ {n}"), text=f"Chú thích {n}", after=n + 1)
    tag = Tag.objects.create(name="Du lịch Ba Bể")
    story.tags.add(tag)
    for n in range(8):
        published(f"Bài cùng chuyên mục {n}", section, n + 1)
    other = published("Bài cùng chủ đề ở chuyên mục khác", make_section("Văn hóa"), 0)
    other.tags.add(tag)
    Correction.objects.create(article=story, text="Bài đã sửa tên xã Nam Mẫu.")
    return story


def test_article_page_shows_the_whole_story(client, full_story):
    """The article page shows kicker, title, sapo, lead photo with caption and credit, photos, bylines, correction."""
    page = parse_html(client.get(full_story.get_absolute_url()).content)
    assert page.find_all("h1")[0].text == "Hồ Ba Bể đón khách trở lại"
    assert "Du lịch" in page.find_all("p", **{"class": "kicker"})[0].text
    assert "Vườn quốc gia Ba Bể" in page.find_all("p", **{"class": "sapo"})[0].text
    lead = page.find_all("figure", **{"class": "photo photo-lead"})[0]
    assert "Hồ Ba Bể buổi sáng." in lead.text and "Ảnh: Nông Vui" in lead.text
    assert len(page.find_all("figure", **{"class": "photo"})) == 6
    authors = [a.text for a in page.find_all("a", rel="author")]
    assert authors == [f"Phóng viên {n}" for n in range(5)]
    assert "Bài đã sửa tên xã Nam Mẫu." in page.find_all("aside", **{"class": "corrections"})[0].text
    dateline = page.find_all("p", **{"class": "dateline"})[0].text
    assert dateline.startswith(("Thứ", "Chủ Nhật"))
    crumbs = page.find_all("nav", **{"class": "breadcrumbs"})[0].text
    assert "Trang chủ" in crumbs and "Xã hội" in crumbs
    assert_accessible(page)


def test_related_stories_are_same_section_or_shared_tag_newest_first_never_itself(client, full_story):
    """Xem thêm lists published stories of the section or sharing a tag, newest first, without the story itself."""
    page = parse_html(client.get(full_story.get_absolute_url()).content)
    aside = page.elements.index(page.find_all("aside", **{"class": "related"})[0])
    inside = itertools.takewhile(lambda e: e.tag in ("h2", "ul", "li", "a", "time"), page.elements[aside + 1:])
    related = [e.text for e in inside if e.tag == "a"]
    assert related[0] == "Bài cùng chủ đề ở chuyên mục khác"
    assert related[1:] == [f"Bài cùng chuyên mục {n}" for n in range(5)]
    assert full_story.title not in related


def test_article_page_query_count_is_fixed_whatever_bylines_photos_and_related(client, full_story,
                                                                             django_assert_max_num_queries):
    """With 5 bylines, 7 photos (6 in the text), tags and related stories: a fixed number of queries to render the
    story (its first read here, since the test never commits), two once its render is stored, corrections or not."""
    url = full_story.get_absolute_url()
    client.get("/robots.txt")
    cache.clear()  # no rendition rows in the cache either: they come with the photos
    client.get("/robots.txt")
    ranking.ranking_ids()  # the most-read list is recomputed once per NEWSROOM_MOST_READ_SECONDS, not per page
    with django_assert_max_num_queries(17):  # read, render (story, parts, placed photos), store, keys, related
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(2):  # the story with its stored render, the related stories
        assert client.get(url).status_code == 200
    full_story.corrections.all().delete()
    client.get(url)
    with django_assert_max_num_queries(2):
        assert client.get(url).status_code == 200


def test_updated_date_shows_only_when_edited_after_publishing(client, full_story):
    """'Cập nhật' appears once a published story has been edited, not before."""
    Article.objects.filter(pk=full_story.pk).update(updated_at=full_story.published_at)
    assert "Cập nhật" not in parse_html(client.get(full_story.get_absolute_url()).content).text
    full_story.refresh_from_db()
    full_story.save()  # an edit two hours after publication
    response = client.get(full_story.get_absolute_url())
    assert "Cập nhật" in parse_html(response.content).find_all("p", **{"class": "dateline"})[0].text


def test_article_under_wrong_section_redirects_permanently(client, full_story):
    """A story reached under another section's path redirects (301) to its own address."""
    response = client.get(f"/van-hoa/{full_story.slug}/")
    assert response.status_code == 301 and response["Location"] == full_story.get_absolute_url()


def test_unpublished_story_answers_410_and_hidden_states_answer_404(client):
    """A withdrawn story answers 410 Gone; drafts, stories in review and scheduled stories answer 404."""
    section = make_section()
    gone = make_article("Bài đã gỡ", section=section, status=Status.UNPUBLISHED,
                        published_at=timezone.now() - timedelta(days=1))
    response = client.get(gone.get_absolute_url())
    assert response.status_code == 410
    assert parse_html(response.content).find_all("h1")[0].text == "Bài viết đã được gỡ"
    for status, when in ((Status.DRAFT, None), (Status.REVIEW, None),
                         (Status.PUBLISHED, timezone.now() + timedelta(hours=2))):
        hidden = make_article(f"Bài {status}", section=section, status=status, published_at=when)
        assert client.get(hidden.get_absolute_url()).status_code == 404


def test_server_error_page_is_vietnamese_and_needs_no_database(rf, django_assert_max_num_queries):
    """The 500 page renders in Vietnamese without touching the database."""
    from articles.views import server_error

    with django_assert_max_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    page = parse_html(response.content)
    assert page.find_all("h1")[0].text == "Đã có lỗi xảy ra"
    assert page.find_all("html")[0].attrs["lang"] == "vi"


def test_public_pages_carry_no_inline_script(client, full_story):
    """Public pages carry no inline script: only JSON-LD data blocks and deferred scripts from the site's own
    static files (the story page's view beacon), ready for a strict CSP."""
    for url in ("/", full_story.get_absolute_url(), full_story.section.get_absolute_url(), reverse("articles:search")):
        page = parse_html(client.get(url, {"q": "ba be"} if "tim-kiem" in url else {}).content)
        for script in page.find_all("script"):
            own_file = (script.attrs.get("src", "").startswith("/static/") and "defer" in script.attrs
                        and not script.text.strip())
            assert script.attrs.get("type") == "application/ld+json" or own_file
        assert not any(name.startswith("on") for e in page.elements for name in e.attrs)
        assert not page.find_all("style")
        assert not any("style" in e.attrs for e in page.elements)
