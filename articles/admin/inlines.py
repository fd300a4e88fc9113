"""The rows edited inside a story: bylines, the lead photo and correction notices."""
from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import roles, workflow
from ..models import Byline, Caption, Correction
from .autocomplete import KnownChoicesFormSet, KnownChoicesInlineMixin


class StoryRowsFormSet(KnownChoicesFormSet):
    """Rows of a tabular inline, each input named after its column: a row's inputs have no <label> of their
    own (the column heads are text), so screen readers would read them unnamed."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            widget = getattr(field.widget, "widget", field.widget)  # inside the related-object wrapper
            if field.widget.is_hidden:
                continue
            widget.attrs.setdefault("aria-label", str(field.label).capitalize())
            if field.help_text:
                # The column head shows the help; the row's input would point at a help block the table
                # never prints (Django's aria-describedby), so it carries the help as its own description.
                widget.attrs.setdefault("title", strip_tags(str(field.help_text)))
                field.help_text = ""


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
    formset = StoryRowsFormSet
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "order"]


class LeadPhotoForm(forms.ModelForm):
    """The lead photo and its caption: every caption row of a story is its lead (other photos stand in the text)."""

    class Meta:
        model = Caption
        fields = ["photo", "text"]
        help_texts = {"photo": gettext_lazy("The photo above the story. Put other photos in the text with the photo "
                                            "button of the body's editor.")}

    def save(self, commit=True):
        self.instance.is_lead = True
        return super().save(commit)


class CaptionInline(KnownChoicesInlineMixin, StoryInlineMixin, admin.TabularInline):
    """The lead photo, chosen apart from the text; the body's editor places the others (its photo button)."""

    model = Caption
    form = LeadPhotoForm
    formset = StoryRowsFormSet
    extra = 0
    max_num = 1
    autocomplete_fields = ["photo"]
    fields = ["thumbnail", "photo", "text", "about_photo"]
    readonly_fields = ["thumbnail", "about_photo"]
    verbose_name = gettext_lazy("lead photo")
    verbose_name_plural = gettext_lazy("lead photo")
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}

    def get_queryset(self, request):
        return super().get_queryset(request).filter(is_lead=True)

    # The photo column itself is the picker, headed "ảnh": this one shows the chosen photo.
    @admin.display(description=gettext_lazy("preview of the photo"))
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

    # Alt text and credit belong to the photo in the library (one photo, many stories): shown here, edited there.
    @admin.display(description=gettext_lazy("description and credit"))
    def about_photo(self, caption):
        if not caption.pk or not caption.photo_id:
            return "—"
        photo = caption.photo
        return format_html('{}<br><span class="nr-credit">{}</span><br><a href="{}">{}</a>',
                           photo.alt_text or "—", photo.credit or "—",
                           reverse("admin:photos_photo_change", args=[photo.pk]), _("Edit in the photo library"))


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
