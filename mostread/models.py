"""Views per story and hour, as flushed from the counter (mostread/counter.py); the ranking reads these."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class HourlyViews(models.Model):
    article = models.ForeignKey("articles.Article", verbose_name=_("story"), on_delete=models.CASCADE,
                                related_name="+")
    hour = models.DateTimeField(_("hour"), help_text=_("The start of the hour (UTC) the views were counted in."))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "hour"], name="mostread_one_row_per_story_hour")]
        indexes = [models.Index(fields=["hour"], name="mostread_hour")]
        verbose_name = _("views in an hour")
        verbose_name_plural = _("views per hour")

    def __str__(self):
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H}: {self.views}"
