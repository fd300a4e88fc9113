"""Most read in the admin: the views counted per story and hour, read-only, for editors (roles.py)."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from articles import roles

from .models import HourlyViews


@admin.register(HourlyViews)
class HourlyViewsAdmin(admin.ModelAdmin):
    list_display = ["article", "hour", "views"]
    list_select_related = ["article"]
    ordering = ["-hour", "-views"]
    search_fields = ["article__title"]
    date_hierarchy = "hour"

    def has_module_permission(self, request):
        return roles.may_see_readership(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.may_see_readership(request.user)

    def has_add_permission(self, request):
        return False  # counted by the beacon and the flush, never typed in

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}),
                                                 "title": _("Views per story and hour (most read)")})
