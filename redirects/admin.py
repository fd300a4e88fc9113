"""Redirects in the admin (editors only): the list, adding one by hand, and the CSV import page."""
from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import roles

from . import addresses
from .imports import ImportRefused, import_csv, imported_message
from .models import Redirect, Source


class RedirectForm(forms.ModelForm):
    """Old address and new address as typed; the new one is turned into a story or a page (one hop)."""

    new_address = forms.CharField(
        label=gettext_lazy("New address"), max_length=addresses.MAX_PATH,
        help_text=gettext_lazy("An address on this site, e.g. /thoi-su/ten-bai/ (a full https://... address is taken too)."),
    )

    class Meta:
        model = Redirect
        fields = ["old_path"]
        labels = {"old_path": gettext_lazy("Old address")}
        help_texts = {"old_path": gettext_lazy("E.g. /tin-tuc/123.html or https://baocu.vn/index.php?id=123.")}

    def clean_old_path(self):
        try:
            old_path = addresses.normalize(self.cleaned_data["old_path"])
        except addresses.AddressError as error:
            raise forms.ValidationError(str(error)) from None
        if addresses.is_live_page(old_path):
            raise forms.ValidationError(
                _("“%(address)s” is a page of this site: it cannot lead elsewhere.") % {"address": old_path})
        return old_path

    def clean_new_address(self):
        try:
            addresses.target_of(self.cleaned_data["new_address"])
        except addresses.AddressError as error:
            raise forms.ValidationError(str(error)) from None
        return self.cleaned_data["new_address"]

    def validate_unique(self):
        pass  # an old address given again is changed to lead to the new place (redirect_save)


class CsvImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"),
                           help_text=gettext_lazy("Two columns: old address, new address; UTF-8 encoded."))


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    form = RedirectForm
    list_display = ["old_path", "leads_to", "source", "created_at"]
    list_filter = ["source"]
    search_fields = ["old_path"]
    list_select_related = ["article__section"]
    show_full_result_count = False
    change_list_template = "admin/redirects/redirect/change_list.html"

    def has_module_permission(self, request):
        return roles.may_manage_redirects(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.may_manage_redirects(request.user)

    def has_add_permission(self, request):
        return roles.may_manage_redirects(request.user)

    def has_change_permission(self, request, obj=None):
        return False  # delete and add again: an old address leads to one place, chosen when it is added

    def has_delete_permission(self, request, obj=None):
        return roles.may_manage_redirects(request.user)

    @admin.display(description=gettext_lazy("leads to"))
    def leads_to(self, redirect):
        if redirect.article_id is None:
            return redirect.target_path
        article = redirect.article
        return format_html('<a href="{}">{}</a> ({})', reverse("admin:articles_article_change", args=[article.pk]),
                           article.title, article.get_absolute_url())

    def save_model(self, request, obj, form, change):
        saved = addresses.redirect_save(old_address=form.cleaned_data["old_path"],
                                        new_address=form.cleaned_data["new_address"], by=request.user,
                                        source=Source.MANUAL)
        obj.pk, obj.article, obj.target_path = saved.pk, saved.article, saved.target_path

    def get_urls(self):
        return [
            path("nhap-csv/", self.admin_site.admin_view(self.import_view), name="redirects_redirect_import"),
        ] + super().get_urls()

    def import_view(self, request):
        """Upload a CSV of old addresses; every bad row is listed and nothing is imported until all are right."""
        if not self.has_add_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        errors = []
        form = CsvImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = import_csv(form.cleaned_data["file"].read(), by=request.user)
            except ImportRefused as refused:
                errors = refused.errors
            else:
                self.message_user(request, imported_message(result), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:redirects_redirect_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import old addresses from a CSV file"),
            "form": form,
            "errors": errors[:200],
            "more_errors": max(0, len(errors) - 200),
        }
        return TemplateResponse(request, "admin/redirects/redirect/import.html", context)
