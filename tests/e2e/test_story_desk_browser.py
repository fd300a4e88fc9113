"""The story desk in Chromium at 1366 px: it fits, counts, says refusals as errors, and axe finds nothing.

axe-core is vendored (tests/e2e/vendor/axe-core, MPL-2.0) and injected into each page; the context bypasses
the pages' Content-Security-Policy for that injection only (the CSP has its own browser test).
"""
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Status
from articles.roles import EDITOR
from tests.e2e.test_workflow_browser import PASSWORD, sign_in
from tests.factories import make_article, make_caption, make_photo, make_section, make_user, place_photo

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LONG_TITLE = "Hơn 120 hộ dân bản Nậm Cắt không còn phải lội suối mùa lũ nhờ cây cầu treo mới dài 60 mét"

# Every aria-describedby and aria-labelledby must name elements the page has.
DANGLING_REFERENCES = """() => {
  const missing = [];
  for (const element of document.querySelectorAll('[aria-describedby], [aria-labelledby]')) {
    for (const name of ['aria-describedby', 'aria-labelledby']) {
      for (const id of (element.getAttribute(name) || '').split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) missing.push(`${element.id || element.name || element.tagName} ${name}=${id}`);
      }
    }
  }
  return missing;
}"""
# The layout shift of the page so far (Cumulative Layout Shift, without shifts caused by input).
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) { if (!entry.hadRecentInput) total += entry.value; }
  }).observe({type: 'layout-shift', buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
})"""


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}, "bypass_csp": True}


@pytest.fixture
def newsroom(reporter_vui):
    reporter, author = reporter_vui, reporter_vui.author
    editor = make_user("minh", password=PASSWORD, first_name="Lý", last_name="Minh")
    editor.groups.set(Group.objects.filter(name=EDITOR.group))
    other_editor = make_user("hoa", password=PASSWORD, first_name="Trần", last_name="Hoa")
    other_editor.groups.set(Group.objects.filter(name=EDITOR.group))
    section = make_section("Xã hội")
    draft = make_article(LONG_TITLE, section=section, authors=[author], created_by=reporter)
    photos = [make_photo(alt_text=f"Cầu treo bản Nậm Cắt, góc {n + 1}", credit="Ảnh: Nông Vui") for n in range(2)]
    make_caption(draft, photos[0], text="Cây cầu treo mới bắc qua suối Nậm Cắt, nhìn từ đầu bản phía đông.")
    place_photo(draft, photos[1], text="Người dân qua cầu treo mới.", after=1)
    waiting = make_article(LONG_TITLE + " (chờ duyệt)", section=section, authors=[author], created_by=reporter,
                           status=Status.REVIEW)
    return {"reporter": reporter, "editor": editor, "draft": draft, "waiting": waiting}


def open_form(page, url):
    page.goto(url)
    page.wait_for_function(
        "() => window.CKEDITOR && CKEDITOR.instances.id_body && CKEDITOR.instances.id_body.status === 'ready'")


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: tags})", WCAG_21_AA)
    return [f"{v['id']}: {v['help']} -> {[node['target'] for node in v['nodes']]}" for v in result["violations"]]


@pytest.mark.parametrize("who", ["vui", "minh"])
def test_axe_finds_no_wcag_21_aa_violation_on_the_desk(who, live_server, newsroom, page, screenshot):
    """Admin home, story list, the add form and a story with bylines and photos: no WCAG 2.1 AA violation."""
    sign_in(page, live_server, who)
    pages = {
        "home": reverse("admin:index"),
        "list": reverse("admin:articles_article_changelist"),
        "add": reverse("admin:articles_article_add"),
        "story": reverse("admin:articles_article_change", args=[newsroom["draft"].pk]),
    }
    for name, url in pages.items():
        if name in {"add", "story"}:
            open_form(page, live_server.url + url)
        else:
            page.goto(live_server.url + url)
        page.wait_for_load_state("load")
        screenshot(f"{who}-{name}")
        assert axe_violations(page) == [], name
        assert page.evaluate(DANGLING_REFERENCES) == [], name


def test_the_story_form_fits_a_laptop_screen(live_server, newsroom, page, screenshot):
    """At 1366 px the story with two photos scrolls only downwards, the title spans the form, the page does
    not shift as it loads, and the photo table has one column headed "Ảnh"."""
    sign_in(page, live_server, "minh")
    open_form(page, live_server.url + reverse("admin:articles_article_change", args=[newsroom["draft"].pk]))
    screenshot("form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    title = page.locator("#id_title").bounding_box()
    row = page.locator(".form-row.field-title").bounding_box()
    assert title["width"] > 0.75 * row["width"], (title, row)
    assert page.evaluate(LAYOUT_SHIFT) < 0.01
    heads = [text.strip().lower() for text in page.locator("#captions-group thead th").all_inner_texts()]
    assert heads.count("ảnh") == 1, heads


def test_title_and_sapo_count_as_the_reporter_types(live_server, newsroom, page):
    """The title shows its word count and, past 12 words, a hint; the sapo shows its length in characters."""
    sign_in(page, live_server, "vui")
    open_form(page, live_server.url + reverse("admin:articles_article_add"))
    counter, hint = page.locator("#id_title_count .nr-counter__text"), page.locator("#id_title_count .nr-counter__hint")
    page.fill("#id_title", "Cầu treo mới cho bản Nậm Cắt")
    assert counter.inner_text() == "7 chữ" and hint.is_hidden()
    page.fill("#id_title", LONG_TITLE)
    assert counter.inner_text() == "22 chữ" and hint.is_visible()
    assert "12 chữ" in hint.inner_text()
    page.fill("#id_sapo", "Bà con đã có cầu.")
    assert page.locator("#id_sapo_count .nr-counter__text").inner_text() == "17 ký tự"
    # The typing was autosaved (autosave app): let that request finish before the test's database goes.
    page.wait_for_function("() => /Đã tự lưu/.test(document.getElementById('nr-autosave-status').textContent)")
    page.goto("about:blank")


def test_desk_tables_print_titles_on_lines_not_letters(live_server, newsroom, page, screenshot):
    """On the admin home, a long title in the editors' queue and in the reporter's own list wraps as words."""
    for who, table in [("minh", "#nr-desk"), ("vui", "#nr-desk")]:
        sign_in(page, live_server, who)
        screenshot(f"desk-{who}")
        cell = page.locator(f"{table} tbody th").first
        box = cell.bounding_box()
        line = float(cell.evaluate("el => parseFloat(getComputedStyle(el).lineHeight) || 16"))
        assert box["width"] > 200 and box["height"] < 4 * line + 20, (who, box)


def test_a_refusal_reads_as_an_error(live_server, newsroom, page, screenshot):
    """Sending an incomplete draft lists what is missing in a red error, without a green tick per item."""
    newsroom["draft"].sapo = ""
    newsroom["draft"].save()
    sign_in(page, live_server, "vui")
    open_form(page, live_server.url + reverse("admin:articles_article_change", args=[newsroom["draft"].pk]))
    page.click("button[name=_transition][value=submit]")
    page.wait_for_selector(".messagelist li.error")
    screenshot("refused")
    error = page.locator(".messagelist li.error")
    assert "bài còn thiếu" in error.inner_text() and error.locator("li", has_text="sapo").count() == 1
    item_background = error.locator("li").first.evaluate("el => getComputedStyle(el).backgroundImage")
    assert item_background == "none"


def test_the_presence_warning_goes_when_the_other_editor_leaves(live_server, newsroom, browser):
    """Hòa sees that Minh has the story open; once Minh moves to another page, Hòa's warning goes."""
    url = live_server.url + reverse("admin:articles_article_change", args=[newsroom["waiting"].pk])
    minh = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    hoa = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    sign_in(minh, live_server, "minh")
    minh.goto(url)
    sign_in(hoa, live_server, "hoa")
    hoa.goto(url)
    banner = hoa.locator("#nr-presence")
    assert banner.is_visible() and "Lý Minh" in banner.inner_text()

    minh.goto(live_server.url + reverse("admin:index"))
    # Hòa's next heartbeat (sent now, as when the tab comes back into view) no longer names Minh: a few
    # beats at most, since Minh's last word may reach the server just after the first.
    hoa.bring_to_front()  # a hidden tab skips its heartbeats
    for _ in range(5):
        with hoa.expect_response(lambda response: response.url.endswith("/dang-mo/")):
            hoa.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        if banner.is_hidden():
            break
    assert banner.is_hidden(), banner.inner_text()
    minh.context.close()
    hoa.context.close()
