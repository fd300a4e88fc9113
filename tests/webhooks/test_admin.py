"""Webhooks in the admin: editors register endpoints and resend deliveries; reporters see none of it."""
import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Status
from tests.factories import make_article
from webhooks.models import Delivery, DeliveryState, Endpoint, Event

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_registers_an_endpoint_with_its_events(client, editor):
    """The add form takes a name, an address and events as checkboxes, and makes a signing secret."""
    client.force_login(editor)
    response = client.post(reverse("admin:webhooks_endpoint_add"), {
        "name": "Ứng dụng di động", "url": "https://app.example/hook",
        "events": [Event.PUBLISHED, Event.CORRECTED], "is_active": "on", "secret": "bi-mat-dai-du-32-ky-tu-0123456789",
    })
    assert response.status_code == 302
    endpoint = Endpoint.objects.get()
    assert endpoint.events == [Event.PUBLISHED, Event.CORRECTED] and endpoint.created_by == editor
    assert "Ứng dụng di động" in client.get(reverse("admin:webhooks_endpoint_changelist")).content.decode()


def test_an_address_that_is_not_http_is_refused_with_a_message(client, editor):
    """A file:// or ftp:// address is refused on the form and nothing is stored."""
    client.force_login(editor)
    response = client.post(reverse("admin:webhooks_endpoint_add"), {
        "name": "Sai", "url": "ftp://app.example/hook", "events": [Event.PUBLISHED], "secret": "x" * 40,
    })
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert not Endpoint.objects.exists()


def test_reporters_cannot_see_or_register_endpoints(client, reporter):
    """The secrets are the editors' to hand out: a reporter gets 403 on every webhook page."""
    client.force_login(reporter)
    for name in ("admin:webhooks_endpoint_changelist", "admin:webhooks_endpoint_add",
                 "admin:webhooks_delivery_changelist"):
        assert client.get(reverse(name)).status_code == 403
    response = client.post(reverse("admin:webhooks_endpoint_add"), {
        "name": "Lén", "url": "https://la.example/hook", "events": [Event.PUBLISHED], "secret": "x" * 40})
    assert response.status_code == 403 and not Endpoint.objects.exists()


def test_send_again_from_the_delivery_log_posts_the_same_body_again(client, editor, section, author, receiver,
                                                                   endpoint, run_worker):
    """A failed delivery, sent again by an editor's action, reaches the receiver with the same signed body; the retry
    queued before stands down."""
    story = make_article("Tin gửi lại", section=section, authors=[author], status=Status.REVIEW)
    receiver.status = 500
    workflow.article_publish(article=story, by=editor)
    run_worker()
    delivery = Delivery.objects.get()
    assert delivery.state == DeliveryState.RETRYING
    receiver.status = 200
    client.force_login(editor)
    changelist = reverse("admin:webhooks_delivery_changelist")
    assert "Tin gửi lại" in client.get(changelist).content.decode()
    response = client.post(changelist, {"action": "send_again", "_selected_action": [delivery.pk]}, follow=True)
    assert response.status_code == 200
    run_worker()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert [r["body"] for r in receiver.requests][0] == receiver.requests[-1]["body"]
    assert json.loads(receiver.requests[-1]["body"])["delivery"] == str(delivery.uuid)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        run_worker()  # the retry queued before "send again" is due now, and does nothing
    assert len(receiver.requests) == 2 and Delivery.objects.get().attempts == 1
    detail = client.get(reverse("admin:webhooks_delivery_change", args=[delivery.pk])).content.decode()
    assert "500" in detail and "200" in detail  # the attempts, as logged


@pytest.mark.parametrize("url", ["http://127.0.0.1:6379/", "http://10.0.0.5/hook", "http://169.254.169.254/latest/",
                                 "http://[::1]:8000/hook", "http://localhost/hook"])
def test_addresses_into_the_private_network_are_refused(client, editor, settings, url):
    """By default an editor cannot point a webhook at loopback, a private range or a metadata service."""
    settings.NEWSROOM_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    client.force_login(editor)
    response = client.post(reverse("admin:webhooks_endpoint_add"), {
        "name": "Nội bộ", "url": url, "events": [Event.PUBLISHED], "secret": "x" * 40})
    assert response.status_code == 200
    assert "mạng nội bộ" in str(response.context["adminform"].form.errors["url"])
    assert not Endpoint.objects.exists()


def test_an_endpoint_moved_into_the_private_network_is_not_posted_to(editor, section, author, receiver, settings,
                                                                      run_worker):
    """Registered while allowed, then refused: the attempt is logged with the reason and nothing is sent."""
    Endpoint.objects.create(name="Cũ", url=receiver.url, events=[Event.PUBLISHED])
    settings.NEWSROOM_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    story = make_article("Tin", section=section, authors=[author], status=Status.REVIEW)
    workflow.article_publish(article=story, by=editor)
    run_worker()
    delivery = Delivery.objects.get()
    assert receiver.requests == [] and delivery.state == DeliveryState.RETRYING
    assert "127.0.0.1" in delivery.last_error
