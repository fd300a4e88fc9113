"""Webhooks end to end: story events become signed POSTs, sent after the commit by the real task queue's worker
(django-tasks-db), to a receiver on loopback; retried with backoff for a day; logged and resendable in the admin."""
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from articles import workflow
from articles.models import Correction, Status
from tests.factories import make_article
from tests.webhooks_receiver import Receiver, free_port
from webhooks import signing
from webhooks.models import Delivery, DeliveryState, Endpoint, Event
from webhooks.tasks import MAX_ATTEMPTS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story_in_review(section, author):
    return make_article("Khánh thành cầu Nà Phặc", section=section, authors=[author], status=Status.REVIEW)


def checked_signature(secret, request):
    """What the README tells a receiver to do, written out by hand: HMAC-SHA256 over "<timestamp>.<body>"."""
    headers = request["headers"]
    expected = "sha256=" + hmac.new(secret.encode(), headers["X-Newsroom-Timestamp"].encode() + b"." + request["body"],
                                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Newsroom-Signature"])


def test_publication_is_posted_signed_by_the_worker_after_the_commit(receiver, endpoint, story_in_review, editor,
                                                                   run_worker):
    """Publishing queues a delivery; nothing leaves until the worker runs; then one signed POST with the story."""
    workflow.article_publish(article=story_in_review, by=editor)
    delivery = Delivery.objects.get()
    assert delivery.event == Event.PUBLISHED and delivery.state == DeliveryState.PENDING
    assert receiver.requests == []  # not sent inside the editor's request
    run_worker()
    [request] = receiver.requests
    assert checked_signature(endpoint.secret, request)
    assert request["headers"]["X-Newsroom-Event"] == "article.published"
    body = json.loads(request["body"])
    assert body["event"] == "article.published" and body["delivery"] == request["headers"]["X-Newsroom-Delivery"]
    assert body["article"]["id"] == story_in_review.pk and body["article"]["headline"] == "Khánh thành cầu Nà Phặc"
    assert body["article"]["api_url"].endswith(f"/api/v1/articles/{story_in_review.pk}/")
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 1 and delivery.last_status == 200
    assert delivery.attempt_log.get().status == 200


def test_a_move_rolled_back_sends_nothing(receiver, endpoint, story_in_review, editor, run_worker):
    """A publication whose transaction fails is never announced."""
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.article_publish(article=story_in_review, by=editor)
        raise RuntimeError("the rest of the request failed")
    run_worker()
    assert not Delivery.objects.exists() and receiver.requests == []


def test_updates_corrections_and_removals_are_announced_and_drafts_are_not(receiver, endpoint, story_in_review,
                                                                         editor, run_worker):
    """An edit of the published story, a correction and a removal each make their event; a draft's save none."""
    make_article("Bản nháp", section=story_in_review.section).save()
    workflow.article_publish(article=story_in_review, by=editor)
    story_in_review.refresh_from_db()
    story_in_review.title = "Khánh thành cầu Nà Phặc (cập nhật)"
    story_in_review.save()
    from articles.signals import announce_article_changed

    announce_article_changed(story_in_review, action="save")  # what the admin's save_related announces
    Correction.objects.create(article=story_in_review, text="Cầu dài 120 m, không phải 210 m.")
    workflow.article_unpublish(article=story_in_review, by=editor, comment="Trùng bài")
    run_worker()
    events = [json.loads(r["body"])["event"] for r in receiver.requests]
    assert events == ["article.published", "article.updated", "article.corrected", "article.unpublished"]
    corrected = json.loads(receiver.requests[2]["body"])
    assert corrected["correction"]["text"] == "Cầu dài 120 m, không phải 210 m."


def test_an_endpoint_gets_only_the_events_it_asked_for(receiver, story_in_review, editor, run_worker):
    """Subscribed to removals only, an endpoint hears nothing of the publication; an inactive one nothing at all."""
    Endpoint.objects.create(name="Lưu trữ", url=receiver.url, events=[Event.UNPUBLISHED])
    Endpoint.objects.create(name="Tắt", url=receiver.url, events=list(Event.values), is_active=False)
    workflow.article_publish(article=story_in_review, by=editor)
    workflow.article_unpublish(article=story_in_review, by=editor, comment="Sai sự thật")
    run_worker()
    assert [r["headers"]["X-Newsroom-Event"] for r in receiver.requests] == ["article.unpublished"]


def test_a_receiver_down_for_a_while_gets_the_delivery_when_it_recovers(story_in_review, editor, run_worker):
    """Refused connections, then a 503, then 200: retried with growing waits; the same signed body each time."""
    down = Receiver(port=free_port())  # nothing listens on its port yet
    endpoint = Endpoint.objects.create(name="Đối tác", url=down.url, events=[Event.PUBLISHED])
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        workflow.article_publish(article=story_in_review, by=editor)
        run_worker()
        delivery = Delivery.objects.get()
        assert delivery.state == DeliveryState.RETRYING and delivery.attempts == 1 and delivery.last_status is None
        first_wait = delivery.next_attempt_at - timezone.now()
        run_worker()  # not due yet: nothing is tried
        assert Delivery.objects.get().attempts == 1

        traveller.shift(first_wait + timedelta(seconds=1))
        run_worker()
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and delivery.state == DeliveryState.RETRYING
        second_wait = delivery.next_attempt_at - timezone.now()
        assert second_wait > first_wait  # backoff

        down.status = 503
        down.start()  # back, but not well yet
        try:
            traveller.shift(second_wait + timedelta(seconds=1))
            run_worker()
            delivery.refresh_from_db()
            assert delivery.attempts == 3 and delivery.last_status == 503 and delivery.state == DeliveryState.RETRYING

            down.status = 200
            traveller.shift(delivery.next_attempt_at - timezone.now() + timedelta(seconds=1))
            run_worker()
        finally:
            down.stop()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 4
    assert [a.status for a in delivery.attempt_log.all()] == [None, None, 503, 200]
    assert len(down.requests) == 2 and down.requests[0]["body"] == down.requests[1]["body"]
    assert all(checked_signature(endpoint.secret, r) for r in down.requests)


def test_a_receiver_that_never_answers_is_given_up_after_about_a_day(story_in_review, editor, run_worker):
    """Eight attempts over about 22 hours, then the delivery is marked failed and nothing more is queued."""
    Endpoint.objects.create(name="Đã đóng cửa", url=f"http://127.0.0.1:{free_port()}/hook", events=[Event.PUBLISHED])
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        workflow.article_publish(article=story_in_review, by=editor)
        started = timezone.now()
        run_worker()
        delivery = Delivery.objects.get()
        while delivery.state == DeliveryState.RETRYING:
            traveller.shift(delivery.next_attempt_at - timezone.now() + timedelta(seconds=1))
            run_worker()
            delivery.refresh_from_db()
        span = timezone.now() - started
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == MAX_ATTEMPTS == 8
    assert timedelta(hours=22) < span < timedelta(hours=24)
    assert delivery.next_attempt_at is None


def test_a_scheduled_story_is_announced_at_its_time_and_an_unscheduled_one_never(receiver, endpoint, section,
                                                                               author, editor, run_worker):
    """The "published" POST waits for the publish time; a story unscheduled meanwhile is never announced."""
    kept = make_article("Hẹn giờ giữ", section=section, authors=[author], status=Status.REVIEW)
    dropped = make_article("Hẹn giờ hủy", section=section, authors=[author], status=Status.REVIEW)
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        for story in (kept, dropped):
            workflow.article_publish(article=story, by=editor, publish_at=timezone.now() + timedelta(hours=1))
        workflow.article_unschedule(article=dropped, by=editor)
        run_worker()
        assert receiver.requests == []
        traveller.shift(timedelta(hours=1, seconds=1))
        run_worker()
    assert [json.loads(r["body"])["article"]["id"] for r in receiver.requests] == [kept.pk]
    assert Delivery.objects.get(article_id=dropped.pk).state == DeliveryState.CANCELLED


def test_signature_check_refuses_tampering_other_secrets_and_old_deliveries():
    """verify() (the receiver's side) accepts the signed body only: not another body, key or an old time."""
    body, stamp = b'{"event": "article.published"}', 1_800_000_000
    given = signing.signature("bi-mat", stamp, body)
    assert signing.verify("bi-mat", str(stamp), body, given, now=stamp + 10)
    assert not signing.verify("bi-mat", str(stamp), body + b" ", given, now=stamp + 10)
    assert not signing.verify("khac", str(stamp), body, given, now=stamp + 10)
    assert not signing.verify("bi-mat", str(stamp), body, given, now=stamp + 3600)
    assert not signing.verify("bi-mat", "hôm qua", body, given, now=stamp)


def test_sending_again_replaces_the_queued_retry_instead_of_adding_one(receiver, endpoint, story_in_review, editor,
                                                                       run_worker):
    """Sent again while a retry waits, a failing delivery keeps one schedule: the old retry stands down."""
    from webhooks.tasks import delivery_send_again

    receiver.status = 500
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        workflow.article_publish(article=story_in_review, by=editor)
        run_worker()  # attempt 1 fails; a retry is queued for a minute later
        with transaction.atomic():
            delivery_send_again(delivery=Delivery.objects.get())
        run_worker()  # the new first attempt fails too; its own retry is queued
        assert len(receiver.requests) == 2
        traveller.shift(timedelta(minutes=2))  # both retries are due now
        run_worker()
    assert len(receiver.requests) == 3
    assert Delivery.objects.get().attempts == 2



def test_the_trash_announces_nothing_the_take_down_before_it_did(receiver, endpoint, story_in_review, editor,
                                                                run_worker):
    """A published story reaches the trash only after its take-down, which is the one removal announced; the
    trash, a restore from it and the purge of a never-published story send nothing more."""
    from articles import trash

    workflow.article_publish(article=story_in_review, by=editor)
    workflow.article_unpublish(article=story_in_review, by=editor, comment="Trùng bài")
    trash.article_trash(article=story_in_review, by=editor)
    trash.article_untrash(article=story_in_review, by=editor)
    draft = make_article("Bản nháp bỏ đi", section=story_in_review.section, status=Status.DRAFT)
    trash.article_trash(article=draft, by=editor)
    with time_machine.travel(timezone.now() + timedelta(days=40)):
        trash.article_purge(article=draft, days=30)
    run_worker()
    assert [json.loads(r["body"])["event"] for r in receiver.requests] == ["article.published",
                                                                        "article.unpublished"]
