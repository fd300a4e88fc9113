"""The cache is an accelerator, never a dependency: our own Redis is killed, frozen, or replaced by a mute socket.

Each test runs its own redis-server on a free loopback port (never the shared one), serves pages through
it, breaks it part-way through a loop of requests, and checks that the public site and the admin keep
working uncached, that the circuit breaker stops paying the socket timeout after the first failure,
and that once the cache answers again no page from before the outage is served.
"""
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse

from articles.models import Article, Status
from newsroom.redis_breaker import breaker_of
from newsroom.settings.base import redis_cache
from tests.articles.adminforms import admin_form_data
from tests.articles.pages import parse_html
from tests.factories import make_article

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

SOCKET_TIMEOUT = 0.2  # seconds: the most any request may wait for one cache command
BREAKER_SECONDS = 60  # long enough that no probe happens inside a loop; tests move the breaker's clock instead
LOOP = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    """A redis-server of this test's own, stopped for sure by its pid."""

    def __init__(self, binary):
        self.binary, self.port, self.process = binary, free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        pytest.fail(f"redis-server on port {self.port} did not start")

    def signal(self, number):
        os.kill(self.process.pid, number)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.signal(signal.SIGCONT)
            self.signal(signal.SIGTERM)
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis():
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not os.path.exists(binary):
        message = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    server = OwnRedis(binary)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mute_socket():
    """A loopback port that accepts connections and never reads nor answers: a hung cache server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    listener.close()


@pytest.fixture
def point_cache(settings):
    """Point the default cache at a Redis URL (a new connection pool, hence a new breaker)."""
    prefix = f"faults-{uuid.uuid4().hex[:8]}"

    def point(url):
        entry = redis_cache(url, prefix)
        entry["OPTIONS"].update(SOCKET_CONNECT_TIMEOUT=SOCKET_TIMEOUT, SOCKET_TIMEOUT=SOCKET_TIMEOUT,
                                CONNECTION_POOL_KWARGS={"breaker_seconds": BREAKER_SECONDS})
        settings.CACHES = {"default": entry}  # Django's setting_changed handler drops the old cache objects
        return breaker_of(cache)

    return point


@pytest.fixture
def newsroom(section, editor, reporter):
    """Two published stories: one the desk will retitle, one it will take down, during the outage."""
    def story(title):
        return make_article(title, section=section, authors=[reporter.author], created_by=reporter,
                            status=Status.PUBLISHED)

    return story("Khai mạc lễ hội hồ Ba Bể"), story("Giá lúa tăng ở Chợ Mới")


def public_urls(retitled, taken_down, section):
    return ["/", retitled.get_absolute_url(), taken_down.get_absolute_url(), section.get_absolute_url(),
            reverse("articles:rss")]


def warm(client, urls):
    for url in urls:
        assert client.get(url).status_code == 200
    for url in urls:
        assert client.get(url)["X-Page-Cache"] == "hit", url


def serve(client, urls, *, during=None, at=LOOP // 3):
    """LOOP requests over the public pages, calling `during` part-way through; every answer must be 200."""
    for n in range(LOOP):
        if n == at and during:
            during()
        url = urls[n % len(urls)]
        response = client.get(url)
        assert response.status_code == 200, (n, url, response.status_code)


def desk_works(client, editor, retitled, taken_down, django_capture_on_commit_callbacks):
    """Open, heartbeat, save and a workflow move (take a story down), all through the real admin."""
    client.force_login(editor)
    change = reverse("admin:articles_article_change", args=[retitled.pk])
    opened = client.get(change)
    assert opened.status_code == 200
    heartbeat = client.post(reverse("admin:articles_article_presence", args=[retitled.pk]))
    assert heartbeat.status_code == 200 and "message" in heartbeat.json()
    data = admin_form_data(opened)
    data["title"] = "Lễ hội hồ Ba Bể dời sang tuần sau"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change, data).status_code == 302
    other = reverse("admin:articles_article_change", args=[taken_down.pk])
    data = admin_form_data(client.get(other))
    data.update({"_transition": "unpublish", "_transition_comment": "Số liệu chưa được kiểm chứng."})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(other, data).status_code == 302
    client.logout()
    assert Article.objects.get(pk=retitled.pk).title == "Lễ hội hồ Ba Bể dời sang tuần sau"
    assert Article.objects.get(pk=taken_down.pk).status == Status.UNPUBLISHED


def shows_the_outage_edits(client, retitled, taken_down):
    """The retitled story shows its new title everywhere, the taken-down one is gone: nothing from before."""
    page = client.get(retitled.get_absolute_url())
    assert page.status_code == 200
    assert "Lễ hội hồ Ba Bể dời sang tuần sau" in parse_html(page.content).text
    home = parse_html(client.get("/").content).text
    assert "Lễ hội hồ Ba Bể dời sang tuần sau" in home and "Giá lúa tăng ở Chợ Mới" not in home
    assert client.get(taken_down.get_absolute_url()).status_code == 410


def bounded(breaker, failures_before):
    """Only the first failing command paid the socket timeout; every later one skipped the cache at once."""
    assert breaker.is_open
    assert breaker.failures - failures_before <= 1
    assert breaker.refused >= LOOP  # at least one skipped command per request served meanwhile


def after_the_cooldown(breaker):
    later = breaker.clock() + BREAKER_SECONDS + 1
    breaker.clock = lambda: later


def cached_again(client, url):
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_killed_redis_mid_loop(client, own_redis, point_cache, newsroom, section, editor,
                               django_capture_on_commit_callbacks):
    """Redis killed under load: every page still answers 200, the desk works, and a restarted Redis caches again."""
    retitled, taken_down = newsroom
    urls = public_urls(retitled, taken_down, section)
    breaker = point_cache(own_redis.url)
    warm(client, urls)

    serve(client, urls, during=own_redis.stop)
    bounded(breaker, 0)
    desk_works(client, editor, retitled, taken_down, django_capture_on_commit_callbacks)
    shows_the_outage_edits(client, retitled, taken_down)
    assert breaker.failures <= 1

    own_redis.start()
    after_the_cooldown(breaker)
    shows_the_outage_edits(client, retitled, taken_down)
    assert not breaker.is_open
    cached_again(client, retitled.get_absolute_url())


def test_frozen_redis_keeps_no_stale_page_after_it_thaws(client, own_redis, point_cache, newsroom, section, editor,
                                                        django_capture_on_commit_callbacks):
    """A frozen Redis costs one timeout, not one per request; thawed with its old pages, it serves none of them."""
    retitled, taken_down = newsroom
    urls = public_urls(retitled, taken_down, section)
    breaker = point_cache(own_redis.url)
    warm(client, urls)

    serve(client, urls, during=lambda: own_redis.signal(signal.SIGSTOP))
    bounded(breaker, 0)
    desk_works(client, editor, retitled, taken_down, django_capture_on_commit_callbacks)
    shows_the_outage_edits(client, retitled, taken_down)
    assert breaker.failures <= 1

    own_redis.signal(signal.SIGCONT)  # back with every page and the site state from before the edits
    after_the_cooldown(breaker)
    shows_the_outage_edits(client, retitled, taken_down)
    assert not breaker.is_open
    cached_again(client, retitled.get_absolute_url())
    shows_the_outage_edits(client, retitled, taken_down)


def test_cache_that_accepts_and_never_answers(client, own_redis, mute_socket, point_cache, newsroom, section, editor,
                                              django_capture_on_commit_callbacks):
    """Pointed at a server that never answers, the site works uncached; pointed back, the old pages are not served."""
    retitled, taken_down = newsroom
    urls = public_urls(retitled, taken_down, section)
    point_cache(own_redis.url)
    warm(client, urls)

    mute = point_cache(mute_socket)
    serve(client, urls)
    bounded(mute, 0)
    desk_works(client, editor, retitled, taken_down, django_capture_on_commit_callbacks)
    shows_the_outage_edits(client, retitled, taken_down)
    assert mute.failures <= 1

    breaker = point_cache(own_redis.url)  # the server that still holds the pages from before the edits
    shows_the_outage_edits(client, retitled, taken_down)
    assert breaker.failures == 0
    cached_again(client, retitled.get_absolute_url())


def test_production_cache_waits_a_few_hundred_milliseconds_at_most(settings):
    """The Redis cache entry bounds every wait, ignores failures and goes through the breaker's pool."""
    entry = redis_cache("redis://cache-host:6379/0", "newsroom")
    options = entry["OPTIONS"]
    assert entry["BACKEND"] == "django_redis.cache.RedisCache" and options["IGNORE_EXCEPTIONS"] is True
    assert 0 < options["SOCKET_CONNECT_TIMEOUT"] <= 0.5 and 0 < options["SOCKET_TIMEOUT"] <= 0.5
    assert options["CONNECTION_POOL_CLASS"] == "newsroom.redis_breaker.BreakerConnectionPool"
    assert options["CONNECTION_POOL_KWARGS"]["breaker_seconds"] == settings.CACHE_BREAKER_SECONDS > 0
