"""The photo library: a Photo (the public master and the upload as sent) and its Renditions.

The tables keep the names they had in the articles app (articles_photo, articles_rendition): the move to this
app was a change of Django's state only (migration 0001), no data moved. A story's lead photo is an
articles.Caption, its other photos stand in its body's text; articles.PhotoUse says which stories show a photo.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import NormalizedTextMixin

from .storage import original_upload_to, photo_upload_to, private_storage, rendition_upload_to


class Photo(NormalizedTextMixin, models.Model):
    # The public master: orientation applied, metadata stripped. The upload itself goes to `original`.
    image = models.ImageField(
        _("image"), upload_to=photo_upload_to, width_field="width", height_field="height", max_length=255,
    )
    original = models.FileField(
        _("original"), upload_to=original_upload_to, storage=private_storage, blank=True, max_length=255,
        help_text=_("The file as uploaded; only editors can see it."),
    )
    original_filename = models.CharField(_("original file name"), max_length=255, blank=True)
    format = models.CharField(_("format"), max_length=10, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True, editable=False)
    file_size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True, editable=False)
    checksum = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    alt_text = models.CharField(
        _("alt text"), max_length=300, blank=True,
        help_text=_("What the photo shows, for blind readers and search engines."),
    )
    credit = models.CharField(
        _("photo credit"), max_length=200, blank=True, help_text=_("The photographer or agency, e.g. “Photo: Nong Vui”."),
    )
    is_placeholder = models.BooleanField(
        _("placeholder"), default=False, editable=False,
        help_text=_("Made by the importer where the scraped story had a photo it did not save; shown in the "
                    "library until a real photo replaces it."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    class Meta:
        db_table = "articles_photo"
        ordering = ["-uploaded_at"]
        verbose_name = _("photo")
        verbose_name_plural = _("photo library")

    def __str__(self):
        return self.alt_text or self.original_filename or _("Photo #%(id)s") % {"id": self.pk}

    @property
    def missing_metadata(self):
        """The fields a story cannot be published without, as labels."""
        missing = []
        if not self.alt_text.strip():
            missing.append(_("alt text"))
        if not self.credit.strip():
            missing.append(_("photo credit"))
        return missing


class Rendition(models.Model):
    """One resized copy of a photo, made once and reused from storage."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=10)
    file = models.ImageField(upload_to=rendition_upload_to, max_length=255)

    class Meta:
        db_table = "articles_rendition"
        constraints = [
            models.UniqueConstraint(fields=["photo", "width", "format"], name="unique_rendition"),
        ]

    def __str__(self):
        return f"{self.photo_id} {self.width}w {self.format}"
