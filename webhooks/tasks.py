"""Sending a delivery: one signed POST per attempt, run by the task queue's worker (`manage.py db_worker`).

django-tasks with its database backend (django-tasks-db) holds the queue in the project's own database, so
PostgreSQL and SQLite both work and nothing else needs running but the worker. A failed attempt (no answer,
a timeout, anything but 2xx) enqueues the next one after the next of RETRY_DELAYS: about a day in all,
then the delivery is marked failed; an editor can send it again from the admin at any time.
"""
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks import task

from articles.models import Article, Status

from . import addresses, signing
from .models import Attempt, Delivery, DeliveryState, Event

# Waits after the 1st, 2nd, ... failed attempt: 1 min, 5 min, 15 min, 1 h, 3 h, 6 h, 12 h (22 h 21 min in all).
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
                timedelta(hours=3), timedelta(hours=6), timedelta(hours=12))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
ERROR_CHARS = 500


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to log, not a new address to POST the body to


_opener = urllib.request.build_opener(_NoRedirects)


def enqueue_attempt(delivery, *, run_after=None):
    """Queue the delivery's next attempt (now, or at `run_after`), named by its due time: the delivery keeps
    only its latest due time, so an attempt queued earlier (before a "send again") finds itself superseded."""
    due = run_after or timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=due)
    delivery.next_attempt_at = due
    queued = send_delivery.using(run_after=run_after) if run_after else send_delivery
    queued.enqueue(delivery.pk, due.isoformat())


def post(delivery) -> tuple[int | None, str]:
    """One signed POST of the delivery's body: (HTTP status or None, error text)."""
    refused = addresses.refusal(delivery.endpoint.url)
    if refused:
        return None, refused
    body = delivery.body.encode()
    stamp = int(time.time())
    request = urllib.request.Request(delivery.endpoint.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"Newsroom-Webhooks/1 (+{settings.NEWSROOM_SITE_URL})",  # headers are Latin-1
        signing.EVENT_HEADER: delivery.event,
        signing.DELIVERY_HEADER: str(delivery.uuid),
        signing.TIMESTAMP_HEADER: str(stamp),
        signing.SIGNATURE_HEADER: signing.signature(delivery.endpoint.secret, stamp, body),
    })
    try:
        with _opener.open(request, timeout=settings.NEWSROOM_WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error))[:ERROR_CHARS]


def _publication_called_off(delivery) -> bool:
    """The story of a "published" delivery went back to the desk (unscheduled) or was rescheduled later (that
    publication makes a delivery of its own). One taken down or deleted since did go out: announce it."""
    story = Article.objects.filter(pk=delivery.article_id).values("status", "published_at").first()
    if story is None:
        return False
    if story["status"] in (Status.DRAFT, Status.REVIEW):
        return True
    return story["status"] == Status.PUBLISHED and story["published_at"] > timezone.now()


@task()
def send_delivery(delivery_id: int, due: str) -> str:
    """Make the attempt at a delivery due at `due`; on failure queue the next one, or give up after a day."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("endpoint").filter(pk=delivery_id).first()
        if delivery is None or delivery.state in (DeliveryState.DELIVERED, DeliveryState.CANCELLED):
            return "skipped"
        if delivery.next_attempt_at != parse_datetime(due):
            return "superseded"  # sent again meanwhile: that newer attempt carries on
        # A scheduled story's "published" waits for its time (run_after); unscheduled meanwhile, it never goes.
        if delivery.event == Event.PUBLISHED and _publication_called_off(delivery):
            delivery.state, delivery.next_attempt_at = DeliveryState.CANCELLED, None
            delivery.save(update_fields=["state", "next_attempt_at"])
            return "cancelled"
    started = time.monotonic()
    status, error = post(delivery)
    now = timezone.now()
    Attempt.objects.create(delivery=delivery, at=now, status=status, error=error,
                           milliseconds=int((time.monotonic() - started) * 1000))
    delivery.attempts += 1
    delivery.last_status, delivery.last_error = status, error
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = DeliveryState.DELIVERED, now, None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
    else:
        delivery.state = DeliveryState.RETRYING
        delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    delivery.save(update_fields=["attempts", "last_status", "last_error", "state", "delivered_at",
                                 "next_attempt_at"])
    if delivery.state == DeliveryState.RETRYING:
        enqueue_attempt(delivery, run_after=delivery.next_attempt_at)
    return delivery.state


def delivery_send_again(*, delivery: Delivery) -> Delivery:
    """An editor's "send again": a fresh day of attempts with the same body, starting now."""
    delivery.state, delivery.attempts = DeliveryState.PENDING, 0
    delivery.save(update_fields=["state", "attempts"])
    transaction.on_commit(lambda: enqueue_attempt(delivery))
    return delivery
