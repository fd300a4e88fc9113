"""What a story's page shows of the story, rendered once and stored (prerender/fragments.py renders it).

One row per story: its page's <head> tags and JSON-LD, the story itself (header, photos, body, bylines,
corrections, tags, share links) and its teasers in every variant lists use; with the story version and the
fingerprint (templates, settings, code) it was rendered from, the keys it shows (articles/cachekeys.py's
names) and a stale flag. The key table says which stored renders show a key, so that a change to one photo,
author or tag marks exactly those stale.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class StoryRender(models.Model):
    article = models.OneToOneField("articles.Article", verbose_name=_("story"), primary_key=True,
                                   on_delete=models.CASCADE, related_name="render")
    version = models.PositiveIntegerField(_("story version"))
    fingerprint = models.CharField(_("fingerprint"), max_length=32)
    stale = models.BooleanField(_("stale"), default=False)
    # Moved on by every mark of staleness and every stored render: a render stores its result only if the stamp it
    # read before reading the story is still there, so a render of data older than a change never overwrites that
    # change's; and a stamp names one stored content (lists keep teasers in memory by it, prerender/reads.py).
    stamp = models.PositiveIntegerField(default=0)
    title = models.TextField(_("title"))
    head = models.TextField(_("head tags"))
    json_ld = models.TextField(_("structured data"))
    story = models.TextField(_("story"))
    keys = models.TextField(_("keys"), help_text=_("What the render shows, separated by spaces."))
    teasers_show = models.TextField(default="")  # the keys its teasers show: the story and its lead photo
    # The teasers lists show (prerender/fragments.py's TEASERS says how each is rendered).
    teaser_list = models.TextField(default="")
    teaser_list_in_section = models.TextField(default="")
    teaser_lead = models.TextField(default="")
    teaser_latest = models.TextField(default="")
    teaser_sublead = models.TextField(default="")
    teaser_pick = models.TextField(default="")
    teaser_pick_small = models.TextField(default="")
    rendered_at = models.DateTimeField(_("rendered at"))

    class Meta:
        verbose_name = _("stored render")
        verbose_name_plural = _("stored renders")
        indexes = [models.Index(fields=["stale"], name="prerender_stale_idx", condition=models.Q(stale=True))]

    def __str__(self):
        return f"{self.article_id} v{self.version}"

    @property
    def key_list(self) -> list[str]:
        return self.keys.split()


class RenderKey(models.Model):
    """One key a stored render shows (story-12, photo-42, author-7, tag-3)."""

    key = models.CharField(max_length=64, db_index=True)
    render = models.ForeignKey(StoryRender, on_delete=models.CASCADE, related_name="key_rows")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["render", "key"], name="prerender_key_once")]

    def __str__(self):
        return f"{self.key} → {self.render_id}"
