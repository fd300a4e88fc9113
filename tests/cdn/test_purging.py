"""keys_purged after a commit becomes purge calls sent by the real task worker: coalesced, batched within each
API's limit, retried with backoff when the CDN fails, given up after about eight hours, never in the request."""
import logging
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.signals import keys_purged
from cdn import purging
from cdn.models import PendingPurge, PurgeCall, PurgeState
from tests.cdn.fake_cdn import FakeCdn, free_port, header

pytestmark = pytest.mark.django_db(transaction=True)


def purged(*keys):
    """What articles/caching.py does after a commit: one keys_purged with every key the transaction purged."""
    keys_purged.send(sender=None, keys=frozenset(keys))


def test_keys_wait_for_the_worker_then_go_in_one_call(fastly, run_worker):
    """Nothing is sent in the request; the worker sends the keys of two commits in one batch, and forgets them."""
    purged("story-42", "section-3", "latest")
    purged("story-42", "author-5-list")
    assert fastly.calls == []
    assert PendingPurge.objects.count() == 4
    run_worker()
    [call] = fastly.calls
    assert call["body"] == {"surrogate_keys": ["author-5-list", "latest", "section-3", "story-42"]}
    assert not PendingPurge.objects.exists()
    log = PurgeCall.objects.get()
    assert log.ok and log.key_count == 4 and log.status == 200 and log.backend == "fastly"


def test_keys_only_blocks_show_are_never_sent(fastly, run_worker, client):
    """Most read is a block filled into pages, not a key any response names: its purge never reaches the CDN."""
    from articles import cachekeys

    purged(cachekeys.MOST_READ)
    assert not PendingPurge.objects.exists()
    purged(cachekeys.MOST_READ, "story-7")
    run_worker()
    [call] = fastly.calls
    assert call["body"] == {"surrogate_keys": ["story-7"]}
    response = client.get("/")
    assert cachekeys.MOST_READ not in response["Surrogate-Key"].split()


def test_a_rolled_back_change_purges_nothing(fastly, run_worker):
    """keys_purged is sent after the commit: a transaction that fails never reaches the CDN."""
    with pytest.raises(RuntimeError), transaction.atomic():
        transaction.on_commit(lambda: purged("story-1"))
        raise RuntimeError("the save failed")
    run_worker()
    assert fastly.calls == [] and not PendingPurge.objects.exists()


def test_many_keys_go_in_batches_within_each_api_limit(cloudflare, settings, run_worker):
    """Cloudflare takes NEWSROOM_CDN_CLOUDFLARE_TAGS_PER_CALL tags a call (set to 30 here, the old limit)."""
    settings.NEWSROOM_CDN_CLOUDFLARE_TAGS_PER_CALL = 30
    keys = {f"story-{n}" for n in range(75)}
    purged(*keys)
    run_worker()
    sizes = [len(call["body"]["tags"]) for call in cloudflare.calls]
    assert sizes == [30, 30, 15]
    assert set(cloudflare.purged_keys()) == keys


def test_fastly_batches_at_256_keys(fastly, run_worker):
    purged(*{f"photo-{n}" for n in range(300)})
    run_worker()
    assert [len(call["body"]["surrogate_keys"]) for call in fastly.calls] == [256, 44]


def test_site_goes_alone_and_covers_every_waiting_key(varnishes, run_worker):
    """With `site` due, each Varnish gets one PURGE of `site` only, and the other waiting keys are done with it."""
    purged("story-1", "home")
    purged("site", "section-2")
    run_worker()
    for fake in varnishes:
        assert [header(call, "xkey-purge") for call in fake.calls] == ["site"]
    assert not PendingPurge.objects.exists()


def test_a_cdn_failing_is_retried_with_growing_waits_until_it_answers(fastly, run_worker):
    """A 500, then a timeout, then 200: three calls with the same keys, each wait longer than the one before."""
    fastly.answers = [(500, {"msg": "oops"})]
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        purged("story-42", "latest")
        run_worker()
        row = PendingPurge.objects.get(key="story-42")
        assert row.state == PurgeState.RETRYING and row.attempts == 1 and "HTTP 500" in row.last_error
        first_wait = row.next_attempt_at - timezone.now()
        run_worker()  # not due yet
        assert len(fastly.calls) == 1

        fastly.delay = 1.0  # now it hangs past the 0.5 s timeout
        traveller.shift(first_wait + timedelta(seconds=1))
        run_worker()
        row.refresh_from_db()
        assert row.attempts == 2 and "timed out" in row.last_error
        second_wait = row.next_attempt_at - timezone.now()
        assert second_wait > first_wait

        fastly.delay = 0
        traveller.shift(second_wait + timedelta(seconds=1))
        run_worker()
    assert len(fastly.calls) == 3 and all(c["body"] == {"surrogate_keys": ["latest", "story-42"]} for c in fastly.calls)
    assert not PendingPurge.objects.exists()
    assert [c.ok for c in PurgeCall.objects.order_by("at", "id")] == [False, False, True]


def test_a_cdn_down_for_an_hour_gets_everything_when_it_returns(settings, run_worker):
    """Publications keep coming while the CDN is down; when it is back, every key waiting is purged, coalesced."""
    down = FakeCdn("fastly", port=free_port())  # not listening yet
    settings.NEWSROOM_CDN_BACKEND = "fastly"
    settings.NEWSROOM_CDN_FASTLY_API_URL = down.url
    settings.NEWSROOM_CDN_FASTLY_SERVICE_ID, settings.NEWSROOM_CDN_FASTLY_TOKEN = "svc", "tok"
    settings.NEWSROOM_CDN_TIMEOUT_SECONDS = 0.5
    start = timezone.now()
    with time_machine.travel(start, tick=True) as traveller:
        for minute in range(0, 60, 10):
            traveller.move_to(start + timedelta(minutes=minute))
            purged(f"story-{minute}", "latest")
            run_worker()
        assert PendingPurge.objects.filter(state=PurgeState.RETRYING).count() == 7
        down.start()
        try:
            # Back after an hour: every wait so far (10 min at most) is over: the next run sends all of it at once.
            traveller.move_to(start + timedelta(minutes=61))
            run_worker()
        finally:
            down.stop()
    assert not PendingPurge.objects.exists()
    [call] = down.calls  # coalesced: one call, not one per key or per publication
    assert call["body"]["surrogate_keys"] == ["latest", *sorted(f"story-{m}" for m in range(0, 60, 10))]


def test_a_cdn_that_never_answers_is_given_up_after_about_eight_hours(fastly, run_worker, caplog):
    """Thirteen calls over about eight hours, then the keys are marked given up, logged at ERROR, not retried."""
    fastly.status = 503
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        started = timezone.now()
        purged("story-1")
        with caplog.at_level(logging.WARNING, logger="cdn.purging"):
            run_worker()
            row = PendingPurge.objects.get()
            while row.state == PurgeState.RETRYING:
                traveller.shift(row.next_attempt_at - timezone.now() + timedelta(seconds=1))
                run_worker()
                row.refresh_from_db()
        span = timezone.now() - started
        traveller.shift(timedelta(days=1))
        run_worker()
    assert row.state == PurgeState.FAILED and row.attempts == purging.MAX_ATTEMPTS == 13
    assert timedelta(hours=8) < span < timedelta(hours=9)
    assert len(fastly.calls) == 13
    given_up = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(given_up) == 1 and "cdn_purge --queued" in given_up[0].getMessage()
    assert all("fastly-token-do-not-log" not in r.getMessage() for r in caplog.records)


def test_a_key_queued_again_during_its_call_is_purged_again(fastly, run_worker):
    """A change committed while a purge of its key is on the way gets a purge of its own afterwards."""
    def change_during_the_call(*args, **kwargs):
        purged("story-5")  # another editor's save commits while the CDN is being called

    original = purging.backends.FastlyBackend.purge

    def purge_with_a_change(self, target, keys):
        if len(fastly.calls) == 0:
            change_during_the_call()
        return original(self, target, keys)

    purging.backends.FastlyBackend.purge = purge_with_a_change
    try:
        purged("story-5")
        run_worker()
    finally:
        purging.backends.FastlyBackend.purge = original
    assert [call["body"]["surrogate_keys"] for call in fastly.calls] == [["story-5"], ["story-5"]]
    assert not PendingPurge.objects.exists()


def test_no_cdn_configured_costs_nothing(settings, run_worker, django_assert_num_queries):
    """With NEWSROOM_CDN_BACKEND=none (the default) a purge writes nothing and queues nothing."""
    settings.NEWSROOM_CDN_BACKEND = "none"
    with django_assert_num_queries(0):
        purged("story-1", "latest")
    assert not PendingPurge.objects.exists()


def test_queueing_costs_the_request_two_writes_and_no_call(fastly):
    """In the request, after the commit: one upsert of the keys and one queued task, whatever the number of keys."""
    with CaptureQueriesContext(connection) as captured:
        purged(*{f"story-{n}" for n in range(50)})
    statements = [q["sql"].split()[0] for q in captured.captured_queries
                  if q["sql"].split()[0] not in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")]
    assert statements == ["INSERT", "INSERT"]
    assert PendingPurge.objects.count() == 50 and fastly.calls == []


def test_a_database_failure_while_queueing_never_breaks_the_save(fastly, caplog, monkeypatch):
    """The editor's change is committed: a purge that cannot be queued is logged, and the request goes on."""
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(purging.PendingPurge.objects, "bulk_create", broken)
    with caplog.at_level(logging.ERROR, logger="cdn.purging"):
        purged("story-1")
    assert "not queued" in caplog.records[-1].getMessage()


def test_keys_of_a_varnish_removed_from_the_settings_are_dropped(varnishes, settings, run_worker):
    """Keys queued for a server no longer configured are dropped (with a warning), the others still sent."""
    purged("story-3")
    settings.NEWSROOM_CDN_VARNISH_URLS = settings.NEWSROOM_CDN_VARNISH_URLS[:1]
    run_worker()
    assert len(varnishes[0].calls) == 1 and varnishes[1].calls == []
    assert not PendingPurge.objects.exists()


def test_one_varnish_down_does_not_hold_back_the_other(varnishes, run_worker):
    """Each server is its own target: the healthy one is purged once, the failing one retried alone."""
    varnishes[1].status = 503
    purged("story-8")
    run_worker()
    assert len(varnishes[0].calls) == 1 and len(varnishes[1].calls) == 1
    [waiting] = PendingPurge.objects.all()
    assert waiting.target == varnishes[1].url + "/" and waiting.state == PurgeState.RETRYING
