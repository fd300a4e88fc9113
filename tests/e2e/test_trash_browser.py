"""The editor's path through the trash, in headless Chromium: delete a story, find it in Thùng rác, restore it."""
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, Status
from tests.e2e.test_workflow_browser import newsroom, sign_in  # noqa: F401 - fixture
from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_editor_deletes_then_restores_a_story(live_server, newsroom, page, screenshot):  # noqa: F811
    """Xóa asks, the story goes to Thùng rác (listed on the admin home), and Khôi phục brings it back in review."""
    article = make_article("Bản tin trùng lặp", section=newsroom["section"], status=Status.REVIEW,
                           authors=[newsroom["reporter"].author])
    sign_in(page, live_server, "minh")
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    page.click("a.deletelink")
    page.fill("#nr-trash-comment", "Trùng với bài hôm qua")
    screenshot("confirm")
    page.click("#nr-trash-confirm")
    page.wait_for_url(live_server.url + reverse("admin:articles_article_changelist"))
    assert "Đã chuyển bài “Bản tin trùng lặp” vào thùng rác" in page.locator(".messagelist").inner_text()
    assert page.locator("#result_list", has_text="Bản tin trùng lặp").count() == 0

    page.goto(live_server.url + reverse("admin:index"))
    page.click("text=Thùng rác")
    page.wait_for_url(live_server.url + reverse("admin:articles_articleintrash_changelist"))
    row = page.locator("#result_list tbody tr", has_text="Bản tin trùng lặp")
    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "restore_selected")
    screenshot("trash")
    page.click("button[name=index]")
    # Waits for the answer's message (read at once, it could be the page still showing, before the post came back).
    expect(page.locator(".messagelist")).to_contain_text("Đã khôi phục bài “Bản tin trùng lặp”")
    restored = Article.objects.get(pk=article.pk)
    assert restored.trashed_at is None and restored.status == Status.REVIEW
