"""A reader in a real browser: home, a section, an article and a search, on a desktop and a phone."""
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Correction, Status
from tests.factories import make_article, make_author, make_caption, make_photo, make_section, place_photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Database setup is requested before Playwright's page in every test: it must not run inside its event loop.
@pytest.fixture
def newsroom(transactional_db):
    news, economy = make_section("Thời sự"), make_section("Kinh tế")
    reporter = make_author("Nông Vui", bio="Phóng viên thời sự.")
    story = make_article(
        "Đại hội Đảng bộ tỉnh Bắc Kạn lần thứ XII thành công tốt đẹp", section=news, status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1), authors=[reporter], kicker="Sự kiện",
        sapo="Đại hội đã bầu Ban Chấp hành Đảng bộ tỉnh nhiệm kỳ mới.",
        body="".join(f"<p>Đoạn văn thứ {n} của bài viết về đại hội.</p>" for n in range(1, 7)),
    )
    make_caption(story, photo=make_photo(alt_text="Quang cảnh đại hội", width=1200, height=800),
                 text="Các đại biểu biểu quyết.", is_lead=True)
    place_photo(story, make_photo(alt_text="Đại biểu phát biểu"), text="Phát biểu tại đại hội.", after=2)
    Correction.objects.create(article=story, text="Sửa số đại biểu dự đại hội.")
    for n in range(6):
        make_article(f"Giá nông sản tuần {n}", section=economy, status=Status.PUBLISHED,
                     published_at=timezone.now() - timedelta(hours=n + 2), authors=[reporter])
    return {"story": story, "news": news, "economy": economy}


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_reader_browses_home_section_article_and_searches(django_db_setup, live_server, newsroom, page, screenshot):
    """A reader opens the home page, a section, the lead story, then searches without diacritics."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("response", lambda response: errors.append(response.url) if response.status >= 400 else None)

    page.goto(live_server.url + "/")
    assert page.locator("h1").count() == 1
    assert "Đại hội Đảng bộ tỉnh Bắc Kạn" in page.locator(".lead-story").inner_text()
    screenshot("trang-chu")

    page.get_by_role("navigation", name="Chuyên mục").get_by_role("link", name="Kinh tế").click()
    assert page.locator("h1").inner_text() == "Kinh tế"
    assert page.locator(".story-list .teaser").count() == 6
    screenshot("chuyen-muc")

    page.goto(live_server.url + newsroom["story"].get_absolute_url())
    assert page.locator("h1").inner_text().startswith("Đại hội Đảng bộ tỉnh")
    lead = page.locator("figure.photo-lead img")
    assert lead.get_attribute("alt") == "Quang cảnh đại hội"
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0 || i.loading === 'lazy')")
    assert "Sửa số đại biểu" in page.locator(".corrections").inner_text()
    assert page.locator("a[rel=author]").inner_text() == "Nông Vui"
    screenshot("bai-viet")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"

    page.fill("#o-tim-kiem", "dai hoi dang bac kan")
    page.press("#o-tim-kiem", "Enter")
    page.wait_for_url("**/tim-kiem/**")
    assert page.locator("article.teaser").first.inner_text().count("Đại hội Đảng bộ tỉnh Bắc Kạn") == 1
    screenshot("tim-kiem")
    assert errors == []


def test_article_reads_on_a_phone_without_sideways_scrolling(django_db_setup, live_server, newsroom, browser):
    """On a 375-pixel phone the article and home page fit the screen width."""
    phone = browser.new_page(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    try:
        for url in ("/", newsroom["story"].get_absolute_url(), newsroom["economy"].get_absolute_url()):
            phone.goto(live_server.url + url)
            assert no_horizontal_scroll(phone), url
        from tests.e2e.conftest import ARTIFACTS

        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "test_public_browser-dien-thoai.png"), full_page=True)
    finally:
        phone.close()


def test_print_view_hides_navigation(django_db_setup, live_server, newsroom, page):
    """Printing an article leaves out the menu, the search box and the related stories."""
    page.goto(live_server.url + newsroom["story"].get_absolute_url())
    page.emulate_media(media="print")
    assert not page.locator(".sections-nav").is_visible()
    assert not page.locator(".share").is_visible()
    assert page.locator("h1").is_visible()
