"""A save cut off by the database in Chromium: the page says it was not saved, and Back brings the typed text back."""
import re

import pytest
from django.urls import reverse

from articles.models import Article
from tests.e2e.test_workflow_browser import PASSWORD, type_body
from tests.factories import make_article, make_section, make_user
from tests.faults.database import database_refusing_in_requests

pytestmark = [pytest.mark.browser, pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_cut_off_save_keeps_the_typed_text_behind_the_back_button(live_server, page, screenshot):
    """503 "CHƯA được lưu"; Back shows the form with the new title and the paragraph typed in CKEditor; saving works."""
    make_user("quantri", superuser=True, password=PASSWORD)
    article = make_article("Chợ phiên Bằng Vân", section=make_section("Xã hội"))
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("input[name=username]", "quantri")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))

    change = live_server.url + reverse("admin:articles_article_change", args=[article.pk])
    page.goto(change)
    page.fill("input[name=title]", "Chợ phiên Bằng Vân đông vui ngày giáp Tết")
    type_body(page, ["Đoạn mới gõ trước khi mất kết nối."])
    with database_refusing_in_requests(r'^UPDATE "articles_article"'):
        page.click("input[name=_save]")
        page.wait_for_load_state()
        assert "CHƯA được lưu" in page.locator("h1").inner_text()
    screenshot("1-not-saved")
    assert Article.objects.get(pk=article.pk).title == "Chợ phiên Bằng Vân"

    page.go_back()
    page.wait_for_url(change)
    page.wait_for_function(
        "() => window.CKEDITOR && CKEDITOR.instances.id_body && CKEDITOR.instances.id_body.status === 'ready'")
    screenshot("2-back-to-the-form")
    assert page.input_value("input[name=title]") == "Chợ phiên Bằng Vân đông vui ngày giáp Tết"
    assert "Đoạn mới gõ trước khi mất kết nối." in page.evaluate("CKEDITOR.instances.id_body.getData()")

    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/articles/article/(\?.*)?$"))
    saved = Article.objects.get(pk=article.pk)
    assert saved.title == "Chợ phiên Bằng Vân đông vui ngày giáp Tết"
    assert "Đoạn mới gõ trước khi mất kết nối." in saved.body
