from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Draft(models.Model):
    """What one person last typed in one story's form (or in a new story's), kept until they save or discard it.

    Never a revision and never the story itself: the story changes only when its form is saved.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Empty for the form of a story not yet saved ("Thêm bài viết"): one such slot per person.
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # {"title": ..., "kicker": ..., "sapo": ..., "body": ...} as typed (the body sanitised like a saved one).
    fields = models.JSONField(default=dict)
    # {"<caption id>": "caption text"} for the story's photos.
    captions = models.JSONField(default=dict)
    # The story's version when the form was opened: a restored form is saved from it, so the stale-save check
    # refuses it if someone else saved the story since.
    version = models.PositiveIntegerField(null=True, blank=True)
    saved_at = models.DateTimeField()

    class Meta:
        verbose_name = _("autosaved draft")
        verbose_name_plural = _("autosaved drafts")
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="autosave_one_slot_per_story"),
            models.UniqueConstraint(fields=["user"], condition=models.Q(article__isnull=True),
                                    name="autosave_one_slot_per_new_story"),
        ]

    def __str__(self):
        return f"{self.user} / {self.article_id or '-'} / {self.saved_at:%Y-%m-%d %H:%M}"
