"""What the CDN still has to purge and every call made to it, for whoever runs the site (read-only)."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import purging
from .models import PendingPurge, PurgeCall


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False  # rows come from the site's own purges only

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PendingPurge)
class PendingPurgeAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["key", "target", "state", "attempts", "next_attempt_at", "last_error", "queued_at"]
    list_filter = ["state", "target"]
    search_fields = ["key"]
    actions = ["send_again"]

    @admin.action(description=_("Send every waiting key again now"), permissions=["view"])
    def send_again(self, request, queryset):
        count = purging.requeue_all()
        self.message_user(request, ngettext("%(count)d key will be sent to the CDN again now.",
                                            "%(count)d keys will be sent to the CDN again now.", count)
                          % {"count": count}, messages.SUCCESS)


@admin.register(PurgeCall)
class PurgeCallAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["at", "backend", "target", "key_count", "ok", "status", "error", "milliseconds"]
    list_filter = ["ok", "backend"]
    search_fields = ["keys"]
    readonly_fields = ["at", "backend", "target", "keys", "key_count", "ok", "status", "error", "milliseconds"]
