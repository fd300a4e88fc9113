"""Purging the CDN by key after each commit: queued in the database, sent by the task queue's worker.

articles/caching.py sends `keys_purged` once per committed transaction with every key it purged. Here each
key becomes a PendingPurge row per target (one upsert, in the request: no call to the CDN ever waits in a
request thread) and a run of `send_purges` is queued. A run takes every key that is due at every target,
all queued changes together, and sends them in as few calls as the CDN allows (only `site` when it is due:
it covers every page). A purged key's row is deleted; a failed call (no answer within
NEWSROOM_CDN_TIMEOUT_SECONDS, a 5xx, a 429, a refusal) leaves its keys to be tried again after the next of
RETRY_DELAYS, about eight hours in all, then they are given up: logged at ERROR, listed in the admin, and
sent again by `manage.py cdn_purge --queued` (or covered by `cdn_purge --all`).

Every time a row's next attempt is set, a run is queued for that time, so no key waits for a run that nobody
queued, even when a worker is killed in the middle of a call (the run queued for the end of its lease takes
the keys up again). A key queued again while a call carrying it is on its way keeps its row: that call may
have reached the CDN before the new change committed.
"""
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django_tasks import task

from articles import cachekeys

from . import backends
from .models import PendingPurge, PurgeCall, PurgeState

logger = logging.getLogger(__name__)

# Waits after the 1st, 2nd, ... failed call: 10 s, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 1, 2, 3 h (8 h 24 min).
RETRY_DELAYS = tuple(timedelta(seconds=s) for s in (10, 30, 60, 120, 300, 600, 900, 1800, 3600, 3600, 7200,
                                                     10800))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
LOG_DAYS = 7
OUTSTANDING = (PurgeState.PENDING, PurgeState.RETRYING)


def keys_purged_received(sender, keys, **kwargs):
    """keys_purged (after the commit): queue the keys for the CDN. Never fails the change that sent it."""
    try:
        queue(keys)
    except Exception:
        logger.exception("CDN purge of %d keys was not queued; the CDN keeps those pages until they expire",
                         len(keys))


def queue(keys, *, now=None) -> int:
    """Queue `keys` at every target of the chosen CDN and a run to send them; the number of rows queued."""
    backend = backends.current()
    if backend is None:
        return 0
    keys = backends.clean_keys(set(keys) - cachekeys.BLOCK_ONLY)
    if not keys:
        return 0
    now = now or timezone.now()
    rows = [PendingPurge(target=target, key=key, token=uuid.uuid4(), state=PurgeState.PENDING, attempts=0,
                         queued_at=now, next_attempt_at=now, last_error="")
            for target in backend.targets() for key in keys]
    with transaction.atomic():
        # A key already waiting (or given up, or on its way) starts over: this change needs its own purge.
        PendingPurge.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["target", "key"],
            update_fields=["token", "state", "attempts", "queued_at", "next_attempt_at", "last_error"])
        send_purges.enqueue()
    return len(rows)


@task()
def send_purges() -> str:
    """Send every key that is due, in batches; failures are retried later, given up after MAX_ATTEMPTS."""
    backend = backends.current()
    if backend is None:
        return "off"
    now = timezone.now()
    claimed = _claim(backend, now)
    if not claimed:
        return "nothing due"
    sent = failed = 0
    for target, rows in claimed.items():
        for batch in _batches(backend, rows):
            keys = backends.clean_keys(row.key for row in batch)
            result = backend.purge(target, keys)
            _log(backend, target, keys, result)
            if result.ok:
                # Only the rows as claimed: one queued again meanwhile waits for a call of its own.
                PendingPurge.objects.filter(token__in=[row.token for row in batch]).delete()
                sent += len(batch)
            else:
                _failed(batch, result, target)
                failed += len(batch)
    PurgeCall.objects.filter(at__lt=now - timedelta(days=LOG_DAYS)).delete()
    return f"sent {sent}, failed {failed}"


def _claim(backend, now) -> dict[str, list[PendingPurge]]:
    """Take the due rows, target by target, and lease them to this run (a run is queued for the lease's end)."""
    targets = backend.targets()
    with transaction.atomic():
        due = list(PendingPurge.objects.select_for_update(skip_locked=True)
                   .filter(state__in=OUTSTANDING, next_attempt_at__lte=now).order_by("target", "key"))
        gone = [row for row in due if row.target not in targets]
        if gone:
            # Left from another configuration (a Varnish server removed, another service): nobody to purge.
            logger.warning("CDN: dropping %d queued keys for targets no longer configured: %s", len(gone),
                           ", ".join(sorted({row.target for row in gone})))
            PendingPurge.objects.filter(pk__in=[row.pk for row in gone]).delete()
        claimed = {}
        for row in due:
            if row.target in targets:
                claimed.setdefault(row.target, []).append(row)
        for target, rows in claimed.items():
            if any(row.key == backends.SITE_KEY for row in rows):
                # `site` covers every key of this target: take the others along, whenever they were due.
                rows += list(PendingPurge.objects.select_for_update(skip_locked=True)
                             .filter(target=target).exclude(pk__in=[row.pk for row in rows]))
        if not claimed:
            return {}
        calls = sum(len(_batches(backend, rows)) for rows in claimed.values())
        lease = now + timedelta(seconds=settings.NEWSROOM_CDN_TIMEOUT_SECONDS * calls + 30)
        PendingPurge.objects.filter(pk__in=[row.pk for rows in claimed.values() for row in rows]).update(
            next_attempt_at=lease)
        send_purges.using(run_after=lease).enqueue()
    return claimed


def _batches(backend, rows):
    """The rows of one target in calls: one call for all of them when `site` is among them (only `site` is sent,
    the other keys ride along: deleted with it, or retried with it), else batches the CDN accepts."""
    if any(row.key == backends.SITE_KEY for row in rows):
        return [rows]
    size = max(1, backend.batch_size)
    return [rows[i:i + size] for i in range(0, len(rows), size)]


def _failed(batch, result, target):
    """Schedule each row's next attempt (and a run at that time), or give it up after MAX_ATTEMPTS."""
    now = timezone.now()
    error = result.error or f"HTTP {result.status}"
    by_attempts = {}
    for row in batch:
        by_attempts.setdefault(row.attempts + 1, []).append(row.token)
    for attempts, tokens in sorted(by_attempts.items()):
        rows = PendingPurge.objects.filter(token__in=tokens)
        if attempts >= MAX_ATTEMPTS:
            rows.update(state=PurgeState.FAILED, attempts=attempts, next_attempt_at=None, last_error=error)
            logger.error("CDN purge given up after %d attempts at %s for %d keys (last error: %s); "
                         "run `manage.py cdn_purge --queued` once the CDN answers", attempts, target, len(tokens),
                         error)
        else:
            due = now + RETRY_DELAYS[attempts - 1]
            rows.update(state=PurgeState.RETRYING, attempts=attempts, next_attempt_at=due, last_error=error)
            send_purges.using(run_after=due).enqueue()
            logger.warning("CDN purge failed at %s for %d keys (%s); attempt %d of %d at %s", target, len(tokens),
                           error, attempts + 1, MAX_ATTEMPTS, due.isoformat(timespec="seconds"))


def _log(backend, target, keys, result) -> PurgeCall:
    joined = " ".join(keys)
    return PurgeCall.objects.create(backend=backend.name, target=target[:200], keys=joined[:10000], key_count=len(keys),
                             ok=result.ok, status=result.status, error=result.error,
                             milliseconds=result.milliseconds)


# --- By hand (manage.py cdn_purge) ---------------------------------------------------------------------------

def purge_now(keys) -> list[PurgeCall]:
    """Purge `keys` at every target at once, in batches; each call's log row (nothing is queued or retried)."""
    backend = backends.current()
    keys = backends.clean_keys(keys)
    calls = []
    for target in backend.targets():
        if keys == [backends.SITE_KEY]:
            batches = [keys]
        else:
            batches = [keys[i:i + backend.batch_size] for i in range(0, len(keys), backend.batch_size)]
        for batch in batches:
            calls.append(_log(backend, target, batch, backend.purge(target, batch)))
    return calls


def purge_everything_now() -> list[PurgeCall]:
    """The CDN's purge of everything at each target; on success nothing queued there is needed any more."""
    backend = backends.current()
    calls = []
    for target in backend.targets():
        covered = list(PendingPurge.objects.filter(target=target).values_list("token", flat=True))
        call = _log(backend, target, [], backend.purge_all(target))
        calls.append(call)
        if call.ok:
            PendingPurge.objects.filter(token__in=covered).delete()
    return calls


def requeue_all() -> int:
    """Make every queued key due now, given-up ones included, and queue a run: the number of keys."""
    with transaction.atomic():
        count = PendingPurge.objects.update(state=PurgeState.PENDING, attempts=0, next_attempt_at=timezone.now())
        if count:
            send_purges.enqueue()
    return count


def next_attempt():
    return PendingPurge.objects.filter(state__in=OUTSTANDING).aggregate(at=Min("next_attempt_at"))["at"]
