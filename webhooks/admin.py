"""Webhooks in the admin: editors register endpoints, read the delivery log and send a delivery again."""
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles import roles

from . import addresses
from .models import Attempt, Delivery, Endpoint, Event
from .tasks import delivery_send_again


class EditorsOnly:
    """Every permission of these pages is roles.may_manage_webhooks: the secrets are the editors' to hand out."""

    def has_module_permission(self, request):
        return roles.may_manage_webhooks(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.may_manage_webhooks(request.user)

    def has_add_permission(self, request):
        return roles.may_manage_webhooks(request.user)

    def has_change_permission(self, request, obj=None):
        return roles.may_manage_webhooks(request.user)

    def has_delete_permission(self, request, obj=None):
        return roles.may_manage_webhooks(request.user)


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("address"), max_length=500, assume_scheme="https",
                         help_text=_("The https:// address that receives the POSTs."))
    events = forms.MultipleChoiceField(label=_("events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple,
                                       help_text=_("What this address is told about."))

    class Meta:
        model = Endpoint
        fields = ["name", "url", "events", "is_active", "secret"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        reason = addresses.refusal(url)
        if reason:
            raise forms.ValidationError(reason)
        return url


@admin.register(Endpoint)
class EndpointAdmin(EditorsOnly, admin.ModelAdmin):
    form = EndpointForm
    list_display = ["name", "url", "event_list", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]

    @admin.display(description=_("events"))
    def event_list(self, endpoint):
        labels = dict(Event.choices)
        return ", ".join(str(labels.get(event, event)) for event in endpoint.events)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "status", "error", "milliseconds"]

    def has_view_permission(self, request, obj=None):
        return roles.may_manage_webhooks(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(EditorsOnly, admin.ModelAdmin):
    list_display = ["created_at", "endpoint", "event", "article_title", "state", "attempts", "last_status",
                    "next_attempt_at"]
    list_filter = ["state", "event", "endpoint"]
    search_fields = ["article_title"]
    list_select_related = ["endpoint"]
    readonly_fields = ["uuid", "endpoint", "event", "article_id", "article_title", "body", "state", "attempts",
                       "last_status", "last_error", "next_attempt_at", "delivered_at", "created_at"]
    inlines = [AttemptInline]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False  # deliveries come from story events only

    def has_change_permission(self, request, obj=None):
        return False  # the log is read-only; "send again" is an action

    @admin.action(description=_("Send again"), permissions=["view"])
    def send_again(self, request, queryset):
        count = 0
        for delivery in queryset.select_related("endpoint"):
            delivery_send_again(delivery=delivery)
            count += 1
        self.message_user(request, ngettext("%(count)d delivery will be sent again.",
                                            "%(count)d deliveries will be sent again.", count) % {"count": count},
                          messages.SUCCESS)
