"""The story editor in Vietnamese in headless Chromium: labels, the link dialog, and a quiet console."""
import pytest
from django.urls import reverse

from tests.e2e.test_workflow_browser import sign_in
from tests.factories import make_article, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(reporter_vui):
    return make_article("Chợ phiên vùng cao", section=make_section("Xã hội"), created_by=reporter_vui)


def test_editor_speaks_vietnamese_and_offers_only_kept_links(live_server, story, page):
    """No English in the editor's labels and link dialog, only http/https/mail links, nothing in the console."""
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}")
            if message.type in ("warning", "error") else None)
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    sign_in(page, live_server, "vui")
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[story.pk]))
    page.wait_for_function("() => window.CKEDITOR && CKEDITOR.instances.id_body"
                           " && CKEDITOR.instances.id_body.status === 'ready'")

    label_id = page.locator("#cke_id_body").get_attribute("aria-labelledby")
    assert page.locator(f"#{label_id}").inner_text() == "Trình soạn thảo: Nội dung"
    frame_title = page.locator("#cke_id_body iframe").get_attribute("title")
    assert frame_title == "Nội dung"
    assert "Rich Text Editor" not in page.content()

    page.locator("#cke_id_body .cke_combo__format .cke_combo_button").click()
    formats = page.frame_locator(".cke_panel_frame").locator(".cke_panel_listItem").all_inner_texts()
    assert [f.strip() for f in formats] == ["Đoạn văn", "Tiêu đề cấp 2", "Tiêu đề cấp 3", "Tiêu đề cấp 4"]
    page.keyboard.press("Escape")

    page.locator("#cke_id_body .cke_button__link").click()
    dialog = page.locator(".cke_dialog").filter(has_text="Liên kết").first
    dialog.wait_for()
    text = dialog.inner_text()
    assert "Chữ hiển thị" in text and "Display Text" not in text and "Phone" not in text
    link_types = dialog.locator("select").first.evaluate("s => Array.from(s.options).map(o => o.value)")
    assert link_types == ["url", "anchor", "email"]
    protocols = dialog.locator("select").nth(1).evaluate("s => Array.from(s.options).map(o => o.value)")
    assert protocols == ["http://", "https://", ""]
    assert console == []
