"""Endpoints that editors register for story events, and the log of every delivery to them."""
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    PUBLISHED = "article.published", _("Story published")
    UPDATED = "article.updated", _("Published story updated")
    UNPUBLISHED = "article.unpublished", _("Story taken down")
    CORRECTED = "article.corrected", _("Correction added")


def new_secret():
    return secrets.token_urlsafe(32)


class Endpoint(models.Model):
    name = models.CharField(_("name"), max_length=150, help_text=_("Who receives it, e.g. “Mobile app”."))
    url = models.URLField(_("address"), max_length=500, help_text=_("The https:// address that receives the POSTs."))
    events = models.JSONField(_("events"), default=list, blank=True)
    secret = models.CharField(
        _("signing secret"), max_length=100, default=new_secret,
        help_text=_("Give this to the receiver: it checks each delivery's signature with it."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.name


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RETRYING = "retrying", _("Will retry")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Not sent: the publication was called off")


class Delivery(models.Model):
    """One event for one endpoint: the body as signed and sent (the same on every attempt), and where it stands."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(Endpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE,
                                 related_name="deliveries")
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    # Not a foreign key: the log outlives a deleted story.
    article_id = models.BigIntegerField(_("story id"), null=True, blank=True)
    article_title = models.CharField(_("story"), max_length=300, blank=True)
    body = models.TextField(_("body"))
    state = models.CharField(_("state"), max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_status = models.PositiveIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.get_event_display()}: {self.article_title}"


class Attempt(models.Model):
    """One POST of a delivery: when, what came back."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("at"), default=timezone.now)
    status = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    milliseconds = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status or self.error[:40]}"
