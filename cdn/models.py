"""What is still to be purged at the CDN, key by key, and the log of every purge call made to it."""
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PurgeState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RETRYING = "retrying", _("Will retry")
    FAILED = "failed", _("Given up")


class PendingPurge(models.Model):
    """One key still to purge at one target (the CDN's API, or one Varnish server); deleted once purged."""

    target = models.CharField(_("target"), max_length=200)
    key = models.CharField(_("key"), max_length=100)
    # New on every queueing: a purge that was already on its way when the key was queued again does not count
    # for the new change (its page may have been fetched again before that change committed).
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(_("state"), max_length=20, choices=PurgeState.choices, default=PurgeState.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["queued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["target", "key"], name="cdn_pending_purge_target_key")]
        verbose_name = _("key waiting to be purged")
        verbose_name_plural = _("keys waiting to be purged")

    def __str__(self):
        return self.key


class PurgeCall(models.Model):
    """One call to the CDN (a batch of keys, or a purge of everything): when, what came back."""

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    backend = models.CharField(_("CDN"), max_length=20)
    target = models.CharField(_("target"), max_length=200)
    keys = models.TextField(_("keys"), blank=True, help_text=_("Empty for a purge of everything."))
    key_count = models.PositiveIntegerField(_("number of keys"), default=0)
    ok = models.BooleanField(_("succeeded"), default=False)
    status = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    milliseconds = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("purge call")
        verbose_name_plural = _("purge calls")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.backend} {self.key_count}"
