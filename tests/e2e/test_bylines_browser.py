"""The editor's path for bylines with roles, in headless Chromium: credit a photographer, read the page."""
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Status
from tests.e2e.test_workflow_browser import newsroom, pick_autocomplete, sign_in  # noqa: F401 - fixture
from tests.factories import make_article, make_author

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_editor_credits_a_photographer(live_server, newsroom, page, screenshot):  # noqa: F811
    """The editor adds Hà Linh as "Ảnh" in the byline inline; the public page reads "Bài: Nông Vui - Ảnh: Hà Linh"."""
    writer = newsroom["reporter"].author
    make_author("Hà Linh")
    article = make_article("Mùa hồng chín ở Ba Bể", section=newsroom["section"], authors=[writer],
                           status=Status.PUBLISHED, published_at=timezone.now() - timezone.timedelta(hours=1))
    sign_in(page, live_server, "minh")
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    group = page.locator("#bylines-group")
    row = group.locator("tr.form-row:not(.empty-form)").last
    if row.locator("select[name$=-author]").input_value():  # no blank row left: add one
        group.locator(".add-row a").click()
        row = group.locator("tr.form-row:not(.empty-form)").last
    pick_autocomplete(page, row, "Hà", "Hà Linh")
    row.locator("select[name$=-role]").select_option(label="Ảnh")
    row.locator("input[name$=-order]").fill("1")
    screenshot("inline")
    page.click("input[name=_save]")
    page.wait_for_url(live_server.url + reverse("admin:articles_article_changelist") + "**")
    assert "Bài: Nông Vui - Ảnh: Hà Linh" in page.locator("#result_list").inner_text()
    page.goto(live_server.url + article.get_absolute_url())
    assert page.locator("p.byline").inner_text() == "Bài: Nông Vui - Ảnh: Hà Linh"
    screenshot("page")
