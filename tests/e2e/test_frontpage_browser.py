"""An editor arranges the front page in Chromium: drag one story, place another with the keyboard, preview, go live."""
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Status
from articles.roles import EDITOR
from frontpage.models import Layout
from tests.e2e.test_workflow_browser import sign_in
from tests.factories import ensure_roles, make_article, make_section, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-42"


def test_editor_drags_and_keys_stories_into_slots_previews_and_publishes(django_db_setup, live_server, page,
                                                                         screenshot):
    """Drag an old story onto the lead, pick one with Enter and place it as sub-lead 1, preview, then go live."""
    ensure_roles()
    editor = make_user("minh", password=PASSWORD)
    editor.groups.set(Group.objects.filter(name=EDITOR.group))
    section = make_section("Kinh tế")
    stories = [make_article(f"Tin kinh tế {n:02d}", section=section, status=Status.PUBLISHED,
                            published_at=timezone.now() - timedelta(hours=n)) for n in range(1, 9)]
    lead, sublead = stories[7], stories[6]

    sign_in(page, live_server, "minh")
    page.get_by_role("link", name="Nhật ký trang chủ").first.click()
    page.get_by_role("link", name="Sắp xếp trang chủ").click()
    page.wait_for_selector("#fp-board")

    # Drag and drop, as with a mouse.
    page.locator(f'.fp-story[data-id="{lead.pk}"]').drag_to(page.locator('.fp-slot[data-slot="lead"]'))
    assert page.locator('.fp-slot[data-slot="lead"] .fp-slot-title').inner_text() == lead.title
    # The keyboard: focus the story's button, Enter picks it; Tab to the slot's "Đặt vào đây", Enter places it.
    page.locator(f'.fp-story[data-id="{sublead.pk}"] .fp-pick').focus()
    page.keyboard.press("Enter")
    assert "Đã chọn" in page.locator("#fp-status").inner_text()
    page.locator('.fp-slot[data-slot="sub-1"] .fp-slot-id').focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.locator('.fp-slot[data-slot="sub-1"] .fp-slot-title').inner_text() == sublead.title
    assert page.locator('.fp-slot[data-slot="sub-1"] .fp-slot-id').input_value() == str(sublead.pk)
    screenshot("board")

    page.get_by_role("button", name="Lưu nháp và xem trước").click()
    page.wait_for_selector(".preview-banner")
    assert lead.title in page.locator(".lead-story").inner_text()
    screenshot("preview")
    assert Layout.objects.get().goes_live_at is None  # a draft: readers still see the newest story

    page.get_by_role("link", name="Quay lại bảng sắp xếp").click()
    assert page.locator('.fp-slot[data-slot="lead"] .fp-slot-id').input_value() == str(lead.pk)
    page.get_by_role("button", name="Đưa lên trang chủ ngay").click()
    page.wait_for_selector(".messagelist .success")
    assert "đang hiện" in page.locator("#result_list").inner_text()

    reader = page.context.browser.new_context().new_page()
    reader.goto(live_server.url + "/")
    assert lead.title in reader.locator(".lead-story").inner_text()
    assert sublead.title in reader.locator(".subleads").inner_text()
    screenshot("home")
    reader.context.close()
