"""The rows edited inside a story: bylines, captioned photos and correction notices."""
from django import forms
from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import roles, workflow
from ..models import Byline, Caption, Correction
from .autocomplete import KnownChoicesInlineMixin


class StoryInlineMixin:
    """An inline row may change only when its story may (workflow.can_edit)."""

    def _story_editable(self, request, obj):
        return obj is None or workflow.can_edit(request.user, obj)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._story_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._story_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._story_editable(request, obj)


class BylineInline(KnownChoicesInlineMixin, StoryInlineMixin, admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "order"]


class CaptionInline(KnownChoicesInlineMixin, StoryInlineMixin, admin.TabularInline):
    model = Caption
    extra = 0
    autocomplete_fields = ["photo"]
    fields = ["thumbnail", "photo", "text", "position", "is_lead", "order"]
    readonly_fields = ["thumbnail"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}

    @admin.display(description=gettext_lazy("photo"))
    def thumbnail(self, caption):
        if not caption.pk or not caption.photo_id:
            return "—"
        photo = caption.photo
        missing = photo.missing_metadata
        warning = format_html('<br><span class="nr-warning">{}</span>', _("Missing: %(fields)s") % {
            "fields": ", ".join(str(m) for m in missing)}) \
            if missing else ""
        return format_html('<img class="nr-thumb" src="{}" alt="{}" width="120" loading="lazy">{}',
                           photo.image.url, photo.alt_text, warning)


class CorrectionInline(admin.StackedInline):
    """Đính chính: dated notices readers see at the end of a published story, written by editors."""

    model = Correction
    extra = 0
    fields = ["text", "created_at"]
    readonly_fields = ["created_at"]

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and obj is not None and \
            workflow.can_add_correction(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and roles.is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return False
