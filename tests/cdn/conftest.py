import pytest
from django.core.management import call_command

from tests.cdn.fake_cdn import FakeCdn


@pytest.fixture
def run_worker():
    """Run the real task queue's worker (django-tasks-db) until no task is due, as `make run`'s worker would."""
    def run():
        call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)
    return run


@pytest.fixture
def fastly(settings):
    fake = FakeCdn("fastly").start()
    settings.NEWSROOM_CDN_BACKEND = "fastly"
    settings.NEWSROOM_CDN_FASTLY_API_URL = fake.url
    settings.NEWSROOM_CDN_FASTLY_SERVICE_ID = "SU1Z0isxPaozGVKXdv0eY"
    settings.NEWSROOM_CDN_FASTLY_TOKEN = "fastly-token-do-not-log"
    settings.NEWSROOM_CDN_TIMEOUT_SECONDS = 0.5
    yield fake
    fake.stop()


@pytest.fixture
def cloudflare(settings):
    fake = FakeCdn("cloudflare").start()
    settings.NEWSROOM_CDN_BACKEND = "cloudflare"
    settings.NEWSROOM_CDN_CLOUDFLARE_API_URL = fake.url + "/client/v4"
    settings.NEWSROOM_CDN_CLOUDFLARE_ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353"
    settings.NEWSROOM_CDN_CLOUDFLARE_TOKEN = "cloudflare-token-do-not-log"
    settings.NEWSROOM_CDN_TIMEOUT_SECONDS = 0.5
    yield fake
    fake.stop()


@pytest.fixture
def varnishes(settings):
    """Two Varnish servers."""
    fakes = [FakeCdn("varnish").start(), FakeCdn("varnish").start()]
    settings.NEWSROOM_CDN_BACKEND = "varnish"
    settings.NEWSROOM_CDN_VARNISH_URLS = [fake.url + "/" for fake in fakes]
    settings.NEWSROOM_CDN_TIMEOUT_SECONDS = 0.5
    yield fakes
    for fake in fakes:
        fake.stop()
