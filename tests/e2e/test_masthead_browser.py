"""An editor fills the paper's masthead in the admin (Chromium) and readers see it at the foot of the page."""
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.roles import EDITOR
from tests.e2e.test_workflow_browser import sign_in
from tests.factories import ensure_roles, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-42"


def test_editor_fills_the_masthead_and_the_footer_shows_it(django_db_setup, live_server, page, screenshot):
    """From the admin home to the masthead form, saved, then the public footer without placeholders for those."""
    ensure_roles()
    editor = make_user("minh", password=PASSWORD)
    editor.groups.set(Group.objects.filter(name=EDITOR.group))

    reader = page.context.browser.new_context().new_page()  # its own HTTP cache, which keeps pages 60 s
    reader.goto(live_server.url + "/")
    assert "[chưa khai báo]" in reader.locator("footer").inner_text()
    reader.context.close()

    sign_in(page, live_server, "minh")
    page.get_by_role("link", name="Thông tin tờ báo và măng-sét").first.click()
    page.fill("input[name=governing_body]", "Tỉnh ủy Bắc Kạn")
    page.fill("input[name=licence_number]", "12/GP-BTTTT")
    page.fill("input[name=editor_in_chief]", "Hoàng Văn Thái")
    page.fill("input[name=email]", "toasoan@baobackan.vn")
    screenshot("form")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")

    page.context.clear_cookies()
    page.goto(live_server.url + "/")
    footer = page.locator("footer").inner_text()
    screenshot("footer")
    assert "Cơ quan chủ quản: Tỉnh ủy Bắc Kạn" in footer
    assert "Tổng biên tập: Hoàng Văn Thái" in footer
    assert page.locator("footer a[href='mailto:toasoan@baobackan.vn']").count() == 1
    assert "Địa chỉ: [chưa khai báo]" in footer  # what is still missing stays marked
    assert reverse("admin:index") not in page.content()
