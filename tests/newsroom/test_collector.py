"""The app process sets aside what it holds from the collector once warm (newsroom/collector.py)."""
import gc

import pytest
from django.test import Client

from newsroom.collector import FreezeWhenWarm


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.fixture
def connections_kept():
    """As Django's test client does: the handler's end-of-request signal would close the test's own database
    connection, inside its transaction (PostgreSQL then answers nothing more: every page a 503)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_process_freezes_once_warm_and_still_answers(db, unfrozen, connections_kept):
    """The site's own WSGI handler, wrapped: nothing frozen before the third request, everything held after it;
    every answer is the page."""
    from django.core.handlers.wsgi import WSGIHandler

    warm = FreezeWhenWarm(WSGIHandler(), after=3)
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    environ = Client()._base_environ(PATH_INFO="/robots.txt", REQUEST_METHOD="GET")
    for _ in range(2):
        b"".join(warm(dict(environ), start_response))
        assert gc.get_freeze_count() == 0
    b"".join(warm(dict(environ), start_response))
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # Django and the apps, at least
    gc.unfreeze()
    b"".join(warm(dict(environ), start_response))
    assert gc.get_freeze_count() == 0  # once only: later requests freeze nothing more
    assert statuses == ["200 OK"] * 4


def test_zero_never_freezes(db, unfrozen, connections_kept):
    from django.core.handlers.wsgi import WSGIHandler

    never = FreezeWhenWarm(WSGIHandler(), after=0)
    environ = Client()._base_environ(PATH_INFO="/robots.txt", REQUEST_METHOD="GET")
    for _ in range(3):
        b"".join(never(dict(environ), lambda status, headers, exc_info=None: None))
    assert gc.get_freeze_count() == 0
