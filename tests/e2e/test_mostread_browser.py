"""The most-read beacon in Chromium: a reader opens a story, the deferred script reports it within the CSP."""
import pytest
from django.core.cache import cache

from articles import caching
from articles.models import Status
from mostread import ranking
from mostread.models import HourlyViews
from tests.factories import make_article, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Headless Chromium says "HeadlessChrome", which the beacon takes for a bot, as it should: read as a person would.
READER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"


def test_opening_a_story_counts_one_view_and_the_home_page_lists_it(django_db_setup, live_server, browser):
    """The beacon posts once per opening, without cookies or CSP errors; the story then leads 'Đọc nhiều'."""
    story = make_article("Lễ hội lồng tồng đầu xuân", section=make_section("Văn hóa"), status=Status.PUBLISHED)
    context = browser.new_context(user_agent=READER)
    page = context.new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    with page.expect_response(lambda response: "/luot-doc/" in response.url) as beacon:
        page.goto(live_server.url + story.get_absolute_url())
    assert beacon.value.status == 204 and beacon.value.request.method == "POST"
    assert HourlyViews.objects.get(article=story).views == 1
    assert not problems, problems  # a CSP refusal would show here
    assert context.cookies() == []

    cache.delete(ranking.RANKING_KEY)  # the list is recomputed every NEWSROOM_MOST_READ_SECONDS; not wait for it
    caching.invalidate()  # nor for the home page cached before it
    page.goto(live_server.url + "/")
    assert story.title in page.locator(".most-read").inner_text()
    context.close()
