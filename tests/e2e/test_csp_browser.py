"""The public site and the admin's CKEditor work in Chromium under the Content-Security-Policy, with no violation."""
import pytest
from django.urls import reverse

from articles.models import Article, Status
from tests.factories import make_article, make_author, make_caption, make_section, make_user, place_photo

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "mat-khau-thu-nghiem-42"
# Runs before any page script (Playwright injects it outside the page's CSP): keep every violation the page reports.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
}, true);
"""


@pytest.fixture
def watched(page):
    """The page, with CSP violations (events and console messages) and script errors collected."""
    problems = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" or "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    def violations():
        events = page.evaluate("() => window.__cspViolations || []")
        # 404 answers for a missing favicon and the like are not the policy's business.
        console = [p for p in problems if "Failed to load resource" not in p]
        return events + console

    page.violations = violations
    return page


@pytest.fixture
def newsroom(transactional_db):
    section = make_section("Thời sự")
    writer = make_author("Nông Vui", bio="Phóng viên thường trú tại Ba Bể.")
    story = make_article("Đại hội Đảng bộ tỉnh Bắc Kạn", section=section, authors=[writer], status=Status.PUBLISHED,
                         body='<p>Đoạn một <a href="https://backan.gov.vn">liên kết</a>.</p><p>Đoạn hai.</p>')
    make_caption(story, text="Các đại biểu dự đại hội.", is_lead=True)
    place_photo(story, text="Quang cảnh hội trường.", after=1)
    make_user("bientap", superuser=True, password=PASSWORD)
    return {"section": section, "writer": writer, "story": story}


def test_public_pages_run_under_the_policy(live_server, newsroom, watched, screenshot):
    """Home, section, story (twice: rendered and cached), author, search and 404 pages raise no CSP violation."""
    story = newsroom["story"]
    urls = [reverse("articles:home"), newsroom["section"].get_absolute_url(), story.get_absolute_url(),
            story.get_absolute_url(), newsroom["writer"].get_absolute_url(),
            reverse("articles:search") + "?q=dai+hoi", "/khong-co-trang-nay/"]
    for url in urls:
        response = watched.goto(live_server.url + url)
        assert response.headers.get("content-security-policy"), url
        watched.wait_for_load_state("load")
        assert watched.violations() == [], url
    watched.goto(live_server.url + story.get_absolute_url())
    assert watched.locator("h1").inner_text() == story.title
    assert watched.evaluate("() => [...document.images].every(img => img.complete)")
    screenshot("story")


def test_injected_inline_script_is_blocked(live_server, newsroom, watched):
    """The policy is really enforced: a script added to the story page without the nonce does not run."""
    watched.goto(live_server.url + newsroom["story"].get_absolute_url())
    ran = watched.evaluate("""() => new Promise((resolve) => {
        window.__ran = false;
        const s = document.createElement('script');
        s.textContent = 'window.__ran = true';
        document.body.appendChild(s);
        setTimeout(() => resolve(window.__ran), 200);
    })""")
    assert ran is False
    assert any("script-src" in v for v in watched.violations())


def test_editor_loads_and_accepts_typing_under_the_admin_policy(live_server, newsroom, watched, screenshot):
    """An editor logs in, CKEditor loads, typing and a toolbar button work, the story saves: no CSP violation."""
    watched.goto(live_server.url + reverse("admin:login"))
    watched.fill("input[name=username]", "bientap")
    watched.fill("input[name=password]", PASSWORD)
    watched.click("input[type=submit]")
    watched.wait_for_url(live_server.url + reverse("admin:index"))

    watched.goto(live_server.url + reverse("admin:articles_article_add"))
    watched.wait_for_function(
        "() => window.CKEDITOR && CKEDITOR.instances.id_body && CKEDITOR.instances.id_body.status === 'ready'")
    frame = watched.frame_locator("#cke_id_body iframe")
    frame.locator("body").click()
    watched.keyboard.type("Bà con bản Nậm Cắt mừng cầu mới.")
    watched.keyboard.press("Control+A")
    watched.click("#cke_id_body .cke_button__bold")
    assert "<p><strong>Bà con bản Nậm Cắt mừng cầu mới.</strong></p>" in watched.evaluate(
        "() => CKEDITOR.instances.id_body.getData()")
    screenshot("editor")

    watched.fill("input[name=title]", "Cầu mới cho bản Nậm Cắt")
    watched.fill("textarea[name=sapo]", "Bà con không còn phải lội suối.")
    watched.select_option("select[name=section]", str(newsroom["section"].pk))
    watched.click("input[name=_save]")
    watched.wait_for_url(live_server.url + reverse("admin:articles_article_changelist") + "**")
    stored = Article.objects.get(title="Cầu mới cho bản Nậm Cắt")
    assert "<strong>Bà con bản Nậm Cắt mừng cầu mới.</strong>" in stored.body
    assert watched.violations() == []
