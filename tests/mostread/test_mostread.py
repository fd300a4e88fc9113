"""Most read ("Đọc nhiều"): the beacon counts people reading public stories, the block ranks the last 24 hours."""
import datetime
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Status
from mostread import beacon, counter, ranking
from mostread.models import HourlyViews
from newsroom.settings.base import redis_cache
from tests.articles.pages import parse_html
from tests.factories import make_article, make_section
from tests.scaleout.conftest import check_redis

pytestmark = pytest.mark.django_db

READER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"
COUNT = "/luot-doc/"
FORM = "application/x-www-form-urlencoded"  # what navigator.sendBeacon sends a URLSearchParams body as


def read(client, story, *, agent=READER, address="203.0.113.7", ticket=None):
    """A reader's browser sending the story page's beacon."""
    return client.post(COUNT, urlencode({"ve": ticket or beacon.ticket(story.pk)}), content_type=FORM,
                       HTTP_USER_AGENT=agent, REMOTE_ADDR=address)


def views_of(story):
    return sum(HourlyViews.objects.filter(article=story).values_list("views", flat=True))


def most_read(response, stories):
    """Titles in the page's 'Đọc nhiều' block, in the order shown ([] without the block)."""
    page = parse_html(response.content)
    block = next((s for s in page.find_all("section") if s.attrs.get("class") == "most-read"), None)
    if block is None:
        return []
    return sorted((s.title for s in stories if s.title in block.text), key=block.text.index)


@pytest.fixture
def stories(db):
    section = make_section("Xã hội")
    return [make_article(f"Bài xã hội {n:02d}", section=section, status=Status.PUBLISHED,
                         published_at=timezone.now() - timedelta(hours=n)) for n in range(1, 9)]


def test_story_page_loads_the_beacon_as_a_deferred_static_script(client, stories):
    """The story page carries the beacon script (own static file, defer, a signed ticket), and no inline script."""
    page = parse_html(client.get(stories[0].get_absolute_url()).content)
    script = next(s for s in page.find_all("script") if s.attrs.get("src"))
    assert script.attrs["src"].startswith("/static/mostread/beacon") and "defer" in script.attrs
    assert beacon.article_id_from(script.attrs["data-ticket"]) == stories[0].pk
    assert script.attrs["data-endpoint"] == COUNT and not script.text.strip()


def test_staff_preview_carries_no_beacon(client, editor, stories):
    """A preview is not a reading: the admin's preview of a draft has no beacon and no ticket for it."""
    draft = make_article("Bản nháp chưa đăng", section=stories[0].section)
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_preview", args=[draft.pk]))
    assert response.status_code == 200 and "beacon" not in response.content.decode()


def test_a_reader_counts_once_an_hour_per_story_and_each_reader_counts(client, stories):
    """204 each time; a reload by the same reader in the same hour is one view, another reader is another."""
    story = stories[0]
    assert read(client, story).status_code == 204
    assert read(client, story).status_code == 204
    assert views_of(story) == 1
    read(client, story, address="198.51.100.20")
    assert views_of(story) == 2
    assert not client.cookies  # no cookie, ever


@pytest.mark.parametrize("agent", ["", "Googlebot/2.1 (+http://www.google.com/bot.html)", "facebookexternalhit/1.1",
                                   "curl/8.5.0", "python-requests/2.32", "Mozilla/5.0 HeadlessChrome/124.0"])
def test_bots_are_answered_but_not_counted(client, stories, agent):
    """Crawlers, link previews, scripts and headless browsers get 204 and count nothing."""
    assert read(client, stories[0], agent=agent).status_code == 204
    assert views_of(stories[0]) == 0


@pytest.mark.parametrize("body", [{}, {"ve": "12"}, {"ve": "12:forged"}, {"ve": "x" * 150}, {"ve": "\x00"}])
def test_junk_is_refused_with_400_and_counts_nothing(client, stories, body):
    """A missing, unsigned, forged or garbage ticket is a 400 in Vietnamese, never a 500."""
    response = client.post(COUNT, urlencode(body), content_type=FORM, HTTP_USER_AGENT=READER)
    assert response.status_code == 400 and "Vé không hợp lệ" in response.content.decode()
    assert not HourlyViews.objects.exists()


def test_oversized_body_and_other_methods_are_refused(client, stories):
    """A body past 200 bytes is a 400; GET, PUT and the like are 405."""
    response = client.post(COUNT, "ve=" + "a" * 400, content_type=FORM, HTTP_USER_AGENT=READER)
    assert response.status_code == 400
    assert client.get(COUNT).status_code == 405 and client.put(COUNT).status_code == 405


def test_unpublished_stories_are_never_counted_even_with_an_old_ticket(client, stories, editor):
    """A story taken down after its page was read: its ticket still verifies, but nothing is counted."""
    story = stories[0]
    read(client, story)
    workflow.article_unpublish(article=story, by=editor, comment="Gỡ theo yêu cầu")
    read(client, story, address="198.51.100.30")
    draft = make_article("Bản nháp", section=story.section)
    read(client, draft, address="198.51.100.31")
    assert views_of(story) == 1 and views_of(draft) == 0


def test_block_ranks_the_last_24_hours_on_home_and_story_pages(client, stories):
    """'Đọc nhiều' lists the most-read public stories of the last 24 hours, best first, on both page kinds."""
    now = counter.hour_of(timezone.now())
    for story, views in zip(stories[:4], (5, 40, 12, 3)):
        HourlyViews.objects.create(article=story, hour=now, views=views)
    HourlyViews.objects.create(article=stories[5], hour=now - timedelta(hours=30), views=999)  # too old
    assert most_read(client.get("/"), stories) == [stories[1].title, stories[2].title, stories[0].title,
                                                   stories[3].title]
    # On a story page, never the story being read.
    assert most_read(client.get(stories[1].get_absolute_url()), stories) == [stories[2].title, stories[0].title,
                                                                           stories[3].title]


def test_block_is_cached_on_its_own_not_emptied_by_a_publication(client, stories, settings):
    """A publication empties the page cache but not the ranking; new views show once its time is up."""
    settings.NEWSROOM_MOST_READ_SECONDS = 300
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        HourlyViews.objects.create(article=stories[3], hour=counter.hour_of(timezone.now()), views=7)
        client.get("/")
        assert cache.get(ranking.RANKING_KEY) == [stories[3].pk]
        HourlyViews.objects.create(article=stories[4], hour=counter.hour_of(timezone.now()), views=50)
        make_article("Bài mới đăng", section=stories[0].section, status=Status.PUBLISHED)  # purges the pages
        assert cache.get(ranking.RANKING_KEY) == [stories[3].pk]
        assert most_read(client.get("/"), stories) == [stories[3].title]
        traveller.shift(timedelta(seconds=301))
        response = client.get(stories[0].get_absolute_url())
        assert cache.get(ranking.RANKING_KEY) == [stories[4].pk, stories[3].pk]
        assert most_read(response, stories) == [stories[4].title, stories[3].title]


def test_a_story_taken_down_leaves_the_block_at_once(client, stories, editor):
    """The ranking may still hold its id, but the page's query starts from published(): it is gone."""
    HourlyViews.objects.create(article=stories[2], hour=counter.hour_of(timezone.now()), views=9)
    assert most_read(client.get("/"), stories) == [stories[2].title]
    workflow.article_unpublish(article=stories[2], by=editor, comment="Sai sự thật")
    assert stories[2].pk in cache.get(ranking.RANKING_KEY)
    response = client.get("/")
    assert most_read(response, stories) == [] and stories[2].title not in response.content.decode()


def test_home_with_the_block_keeps_its_query_count(client, stories, django_assert_max_num_queries):
    """The most-read stories come in the home page's one story query: no extra query for the block."""
    for story in stories:
        HourlyViews.objects.create(article=story, hour=counter.hour_of(timezone.now()), views=story.pk)
    client.get("/robots.txt")
    ranking.ranking_ids()
    with django_assert_max_num_queries(4):
        response = client.get("/")
    assert "Đọc nhiều" in response.content.decode()


# --- Redis: hourly buckets, then the flush into PostgreSQL ----------------------------------------------------

@pytest.fixture
def redis_counter(settings):
    """The default cache on the test Redis database; its buckets are emptied before and after."""
    url = check_redis()
    settings.CACHES = {"default": redis_cache(url, "newsroom-test-mostread")}
    cache.clear()
    yield counter.redis_client()
    cache.clear()


def test_views_go_to_hourly_redis_buckets_then_flush_into_the_database(client, stories, redis_counter,
                                                                       django_assert_max_num_queries):
    """With Redis, a view costs no database write; the flush moves the hour's counts into HourlyViews once."""
    read(client, stories[0])  # asks the database once whether the story is public in this generation
    with django_assert_max_num_queries(0):
        assert read(client, stories[0], address="198.51.100.2").status_code == 204
    read(client, stories[1], address="198.51.100.3")
    assert not HourlyViews.objects.exists()
    bucket = redis_counter.hgetall(counter._full_key(counter._bucket_key(counter.hour_of(timezone.now()))))
    assert {int(k): int(v) for k, v in bucket.items()} == {stories[0].pk: 2, stories[1].pk: 1}

    call_command("flush_most_read", stdout=open("/dev/null", "w"))
    assert views_of(stories[0]) == 2 and views_of(stories[1]) == 1
    call_command("flush_most_read", stdout=open("/dev/null", "w"))  # nothing counted twice
    assert views_of(stories[0]) == 2
    read(client, stories[0], address="198.51.100.4")
    call_command("flush_most_read", stdout=open("/dev/null", "w"))
    assert views_of(stories[0]) == 3


def test_flush_never_writes_a_story_that_is_not_public(client, stories, redis_counter, editor):
    """Counts of a story taken down before the flush, or of an id that is no story, never reach the database."""
    read(client, stories[0])
    key = counter._full_key(counter._bucket_key(counter.hour_of(timezone.now())))
    redis_counter.hincrby(key, "999999", 5)
    redis_counter.hincrby(key, "not-a-number", 5)
    workflow.article_unpublish(article=stories[0], by=editor, comment="Gỡ")
    call_command("flush_most_read", stdout=open("/dev/null", "w"))
    assert not HourlyViews.objects.exists()


def test_flush_forgets_hours_past_the_keeping_period(stories, redis_counter):
    """Rows older than --keep-days go; recent ones stay."""
    now = counter.hour_of(timezone.now())
    HourlyViews.objects.create(article=stories[0], hour=now - timedelta(days=40), views=3)
    HourlyViews.objects.create(article=stories[0], hour=now - timedelta(days=2), views=4)
    call_command("flush_most_read", "--keep-days", "30", stdout=open("/dev/null", "w"))
    assert list(HourlyViews.objects.values_list("views", flat=True)) == [4]


def test_redis_down_counts_in_the_database_and_never_fails_the_reader(client, stories, settings):
    """A Redis that does not answer: the view is counted in the database, the reader still gets 204."""
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{port}/0", "newsroom-test-down")}
    assert read(client, stories[0]).status_code == 204
    assert views_of(stories[0]) == 1


def test_counting_hours_are_utc_hours():
    """Buckets are named by the UTC hour, whatever the site's time zone."""
    moment = datetime.datetime(2026, 3, 1, 6, 59, tzinfo=datetime.timezone(timedelta(hours=7)))
    assert counter.hour_of(moment) == datetime.datetime(2026, 2, 28, 23, 0, tzinfo=datetime.timezone.utc)


def test_editors_read_the_counts_in_the_admin_and_reporters_do_not(client, stories, editor, reporter):
    """'Lượt đọc theo giờ' lists the counts, read-only, for editors; reporters get 403 and no menu entry."""
    HourlyViews.objects.create(article=stories[0], hour=counter.hour_of(timezone.now()), views=42)
    url = reverse("admin:mostread_hourlyviews_changelist")
    client.force_login(editor)
    page = client.get(url).content.decode()
    assert stories[0].title in page and "42" in page and "Lượt đọc theo bài và theo giờ" in page
    assert client.get(reverse("admin:mostread_hourlyviews_add")).status_code == 403
    client.force_login(reporter)
    assert client.get(url).status_code == 403
    assert url not in client.get(reverse("admin:index")).content.decode()
