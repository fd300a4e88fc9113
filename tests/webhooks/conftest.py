import pytest
from django.core.management import call_command

from tests.webhooks_receiver import Receiver
from webhooks.models import Endpoint, Event


@pytest.fixture(autouse=True)
def _receivers_on_loopback(settings):
    """The receivers of these tests listen on 127.0.0.1, which a real deployment refuses by default."""
    settings.NEWSROOM_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def receiver():
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture
def endpoint(db, receiver):
    return Endpoint.objects.create(name="Ứng dụng di động", url=receiver.url, events=list(Event.values))


@pytest.fixture
def run_worker():
    """Run the real task queue's worker (django-tasks-db) until no task is due, as `make run`'s worker would."""
    def run():
        call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)
    return run
