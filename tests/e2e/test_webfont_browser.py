"""The self-hosted Noto Serif draws every Vietnamese letter of a story: none falls back to another font."""
import unicodedata
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Status
from tests.factories import make_article, make_author, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VOWELS = "aăâeêioôơuưy"
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # ngang, huyền, sắc, hỏi, ngã, nặng


def every_vietnamese_letter() -> str:
    """The 134 letters of Vietnamese, lower and upper case: each vowel with each tone, and đ."""
    lower = [unicodedata.normalize("NFC", vowel + tone) for vowel in VOWELS for tone in TONES] + ["đ"]
    return "".join(lower) + "".join(letter.upper() for letter in lower)


@pytest.fixture
def story(transactional_db):
    letters = every_vietnamese_letter()
    return make_article(
        "Ước mơ của những người ươm mầm ở Đồng Hỷ", section=make_section("Giáo dục"), status=Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1), authors=[make_author("Triệu Thị Ỷ")],
        sapo="Những giờ học ấm áp giữa đại ngàn.",
        body=(f"<p>{letters}</p><p>Cô giáo Triệu Thị Ỷ vượt suối, băng rừng đến điểm trường Khuổi Ỏn.</p>"
              f"<p><em>{letters}</em></p>"),
    )


def platform_fonts(page, selector):
    """What Chromium drew the selected element's own text with (DevTools' CSS.getPlatformFontsForNode)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]


def test_no_vietnamese_letter_falls_back(live_server, story, page):
    """Title, sapo and body, upright and italic: every glyph comes from the site's own Noto Serif, preloaded."""
    fetched = []
    page.on("response", lambda response: fetched.append((response.url, response.status, response.headers))
            if response.url.endswith(".woff2") else None)
    page.goto(live_server.url + story.get_absolute_url())
    assert page.evaluate("document.fonts.ready.then(() => document.fonts.check('1em \"Noto Serif Variable\"'))")
    assert len(every_vietnamese_letter()) == 146
    for selector in ["h1", ".story .sapo", ".body p:nth-of-type(1)", ".body p:nth-of-type(2)", ".body em"]:
        fonts = platform_fonts(page, selector)
        assert fonts, selector
        assert all(font["isCustomFont"] and font["familyName"] == "Noto Serif" for font in fonts), (selector, fonts)
    preloaded = page.eval_on_selector_all(
        "link[rel=preload][as=font]", "links => links.map(l => [l.getAttribute('href'), l.crossOrigin])")
    assert [href.rsplit("/", 1)[-1] for href, _ in preloaded] == [
        "noto-serif-latin-wght-normal.woff2", "noto-serif-vietnamese-wght-normal.woff2"]
    assert all(cross_origin == "anonymous" for _, cross_origin in preloaded)
    assert {url.rsplit("/", 1)[-1] for url, status, _ in fetched if status == 200} >= {
        "noto-serif-latin-wght-normal.woff2", "noto-serif-vietnamese-wght-normal.woff2",
        "noto-serif-vietnamese-wght-italic.woff2"}
    assert all(headers.get("content-type") == "font/woff2" for url, status, headers in fetched if status == 200)
