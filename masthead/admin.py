"""The masthead in the admin: one record, so the list goes straight to its form; editors only (roles.py)."""
from django.contrib import admin
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles import roles

from .models import Masthead


@admin.register(Masthead)
class MastheadAdmin(admin.ModelAdmin):
    autocomplete_fields = ["logo"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ["updated_at", "updated_by"]
    fieldsets = [
        (None, {"fields": ["name", "logo"]}),
        (_("Legal masthead (Press Law 2016, art. 46)"), {
            "description": _("Shown at the foot of every page. Empty fields show a marked placeholder."),
            "fields": ["governing_body", "licence_number", "licence_date", "licence_issuer", "editor_in_chief"],
        }),
        (_("Contact"), {"fields": ["address", "phone", "email"]}),
        (_("Social networks"), {"fields": ["facebook_url", "youtube_url", "zalo_url", "tiktok_url"]}),
        (None, {"fields": ["updated_at", "updated_by"]}),
    ]

    def has_module_permission(self, request):
        return roles.may_edit_masthead(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.may_edit_masthead(request.user)

    def has_change_permission(self, request, obj=None):
        return roles.may_edit_masthead(request.user)

    def has_add_permission(self, request):
        return False  # the one record exists from the first visit of the list

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_change_permission(request):
            return super().changelist_view(request, extra_context)  # Django's own refusal
        record = Masthead.load()
        return redirect(reverse("admin:masthead_masthead_change", args=[record.pk]))

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
