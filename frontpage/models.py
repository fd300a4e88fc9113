"""The curated front page: versions of the whole arrangement (layouts) and the stories pinned in their slots.

A layout is never edited: every change saves a new one, so the list of layouts is the log (who, when) and
any earlier one can be brought back. The layout on the front page is the one whose time to go live came
last; one with a time ahead is a scheduled switch, one without a time is a draft for the preview.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LayoutQuerySet(models.QuerySet):
    def live(self, now=None):
        """Layouts that have gone live by `now`, the one on the front page first."""
        return self.filter(goes_live_at__lte=now or timezone.now()).order_by("-goes_live_at", "-id")

    def scheduled(self, now=None):
        return self.filter(goes_live_at__gt=now or timezone.now()).order_by("goes_live_at", "id")


class Layout(models.Model):
    class Kind(models.TextChoices):
        DRAFT = "draft", _("draft for preview")
        PUBLISH = "publish", _("put on the front page")
        SCHEDULE = "schedule", _("scheduled switch")
        RESTORE = "restore", _("undo: an earlier layout back")

    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    goes_live_at = models.DateTimeField(
        _("on the front page from"), null=True, blank=True, db_index=True,
        help_text=_("Empty for a draft that only the preview shows."),
    )
    restored_from = models.ForeignKey(
        "self", verbose_name=_("brought back from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cancelled by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = LayoutQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("front page layout")
        verbose_name_plural = _("front page log")

    def __str__(self):
        return _("Layout #%(number)s") % {"number": self.pk}


class Pin(models.Model):
    layout = models.ForeignKey(Layout, verbose_name=_("layout"), on_delete=models.CASCADE, related_name="pins")
    slot = models.CharField(_("slot"), max_length=40)
    article = models.ForeignKey(
        "articles.Article", verbose_name=_("story"), on_delete=models.CASCADE, related_name="+",
    )
    expires_at = models.DateTimeField(
        _("pinned until"), null=True, blank=True, help_text=_("After this the slot shows the newest story again."),
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["layout", "slot"], name="frontpage_one_story_per_slot")]
        verbose_name = _("pinned story")
        verbose_name_plural = _("pinned stories")

    def __str__(self):
        return f"{self.slot}: {self.article_id}"
