"""The editor's path for addresses that never break, in headless Chromium: move a story, import old addresses."""
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Status
from tests.e2e.test_workflow_browser import newsroom, sign_in  # noqa: F401 - fixture
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_editor_moves_a_story_and_imports_the_old_sites_addresses(live_server, newsroom, page, screenshot,  # noqa: F811
                                                                  tmp_path):
    """A new slug keeps the old address working; a CSV with a bad row is refused whole, then imported once fixed."""
    article = make_article("Cầu treo Nậm Cắt", section=newsroom["section"], status=Status.PUBLISHED,
                           published_at=timezone.now() - timezone.timedelta(hours=2), first_published_at=timezone.now(),
                           authors=[newsroom["reporter"].author])
    old = article.get_absolute_url()
    sign_in(page, live_server, "minh")
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    page.fill("input[name=slug]", "cau-treo-nam-cat-hoan-thanh")
    page.click("input[name=_save]")
    page.wait_for_url(live_server.url + reverse("admin:articles_article_changelist") + "**")
    page.context.clear_cookies()
    page.goto(live_server.url + old)
    assert page.url == live_server.url + "/xa-hoi/cau-treo-nam-cat-hoan-thanh/"
    assert page.locator("h1").inner_text() == "Cầu treo Nậm Cắt"

    sign_in(page, live_server, "minh")
    page.goto(live_server.url + reverse("admin:redirects_redirect_changelist"))
    page.click("#nr-redirect-import")
    bad = tmp_path / "dia-chi-cu.csv"
    bad.write_text("địa chỉ cũ,địa chỉ mới\n/tin-tuc/1.html,/xa-hoi/cau-treo-nam-cat-hoan-thanh/\n/tin-tuc/2.html\n",
                   encoding="utf-8")
    page.set_input_files("input[name=file]", str(bad))
    page.click("#nr-import-submit")
    assert "Dòng 3: cần đúng 2 cột" in page.locator("#nr-import-errors").inner_text()
    screenshot("refused")
    bad.write_text("/tin-tuc/1.html,/xa-hoi/cau-treo-nam-cat-hoan-thanh/\n/tin-tuc/2.html,/xa-hoi/\n", encoding="utf-8")
    page.set_input_files("input[name=file]", str(bad))
    page.click("#nr-import-submit")
    assert "Đã nhập 2 địa chỉ mới" in page.locator(".messagelist").inner_text()
    screenshot("imported")
    page.context.clear_cookies()
    page.goto(live_server.url + "/tin-tuc/1.html")
    assert page.url == live_server.url + "/xa-hoi/cau-treo-nam-cat-hoan-thanh/"
