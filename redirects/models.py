"""Old addresses that answer 301: a story's earlier addresses, and addresses editors add by hand or by CSV."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    MOVED = "moved", _("story moved")
    MANUAL = "manual", _("added by hand")
    IMPORTED = "imported", _("imported from CSV")


class Redirect(models.Model):
    """One old address and where it leads now: a story (followed to its current address, so chains never form)
    or another page of the site."""

    old_path = models.CharField(
        _("old address"), max_length=500, unique=True,
        help_text=_("The path as readers typed it, starting with /, with its query string if any "
                    "(e.g. /tin-tuc/123.html or /index.php?id=123)."),
    )
    article = models.ForeignKey(
        "articles.Article", verbose_name=_("story"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="old_addresses",
    )
    target_path = models.CharField(
        _("new address"), max_length=500, blank=True,
        help_text=_("A page of this site that is not a story (a section, an author, the home page)."),
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(article__isnull=False, target_path="")
                           | models.Q(article__isnull=True) & ~models.Q(target_path="")),
                name="redirect_has_one_target",
            ),
        ]

    def __str__(self):
        return f"{self.old_path} → {self.target_path or self.article_id}"
