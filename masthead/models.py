"""The paper's identity and legal masthead: one record, edited by editors in the admin.

Luật Báo chí 2016, art. 46 asks every press product to show its name, governing body (cơ quan chủ quản),
licence, editor-in-chief and contact details; they belong to the newsroom, not to the server's environment,
so editors keep them here. The public site reads them through masthead/identity.py, never from this model.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SINGLETON_ID = 1


class Masthead(models.Model):
    name = models.CharField(
        _("paper's name"), max_length=200, blank=True,
        help_text=_("As printed on the licence. Left empty, the name set at installation is shown."),
    )
    logo = models.ForeignKey(
        "photos.Photo", verbose_name=_("logo"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("A picture from the photo library, shown in the page header and to search engines."),
    )
    governing_body = models.CharField(_("governing body"), max_length=300, blank=True)
    licence_number = models.CharField(_("licence number"), max_length=100, blank=True)
    licence_date = models.DateField(_("licence date"), null=True, blank=True)
    licence_issuer = models.CharField(
        _("licence issued by"), max_length=300, blank=True, help_text=_("For example: the Ministry of Information and Communications."),
    )
    editor_in_chief = models.CharField(_("editor-in-chief"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    facebook_url = models.URLField(_("Facebook page"), blank=True)
    youtube_url = models.URLField(_("YouTube channel"), blank=True)
    zalo_url = models.URLField(_("Zalo page"), blank=True)
    tiktok_url = models.URLField(_("TikTok account"), blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("paper's identity and masthead")
        verbose_name_plural = _("paper's identity and masthead")

    def __str__(self):
        return self.name or settings.NEWSROOM_NAME

    def save(self, *args, **kwargs):
        self.pk = SINGLETON_ID  # one record: a second "add" edits the first
        super().save(*args, **kwargs)

    @classmethod
    def load(cls):
        """The record, made empty on first use."""
        return cls.objects.get_or_create(pk=SINGLETON_ID)[0]

    def social_links(self):
        """(network, address) of every social link filled in, in a fixed order."""
        links = [("Facebook", self.facebook_url), ("YouTube", self.youtube_url),
                 ("Zalo", self.zalo_url), ("TikTok", self.tiktok_url)]
        return [(network, url) for network, url in links if url]
