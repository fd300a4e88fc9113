"""The trash (Thùng rác) in the admin: deleting a story moves it there (the story admin's delete page and action),
and its own list shows what was deleted, by whom, until when, with the editor's restore action."""
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .. import presence, roles, text, trash, workflow
from ..models import ArticleInTrash, Status
from .base import StoryPagesMixin


def _trashed_message(articles):
    if len(articles) == 1:
        return _("Moved “%(title)s” to the trash. An editor can restore it from “Trash”.") % {"title": articles[0].title}
    return ngettext("Moved %(count)d story to the trash. An editor can restore them from “Trash”.",
                    "Moved %(count)d stories to the trash. An editor can restore them from “Trash”.",
                    len(articles)) % {"count": len(articles)}


class StoryTrashMixin(StoryPagesMixin):
    """The story admin's delete: a confirmation page and a list action that move stories to the trash."""

    def has_delete_permission(self, request, obj=None):
        """Delete means "move to the trash" (articles/trash.py); who may is asked there, story by story. An editor
        also gets the page for a published story, which tells them to take it down first."""
        if obj is None:
            return request.user.has_perm("articles.change_article")
        return trash.can_trash(request.user, obj) or (roles.is_editor(request.user) and not obj.in_trash)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a delete is a move to the trash: trash_selected
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        """Deleting a story moves it to the trash (Thùng rác), after a confirmation page; nothing is deleted here."""
        article = self._visible_story(request, object_id)
        if not self.has_delete_permission(request, article):
            raise PermissionDenied
        refusal = trash.refusal(request.user, article)
        if request.method == "POST" and not refusal:
            try:
                trash.article_trash(article=article, by=request.user, comment=request.POST.get("_comment", "")[:1000])
            except workflow.WorkflowError as error:
                self.message_user(request, error.message, messages.ERROR)
                return HttpResponseRedirect(self._change_url(article))
            presence.stop_editing(article.pk, request.user)
            self.message_user(request, _trashed_message([article]), messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:articles_article_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": _("Move to the trash"),
            "refusal": refusal,
            "purge_note": (
                _("An editor can restore it from the trash; after %(days)d days it is deleted for good.")
                % {"days": settings.NEWSROOM_TRASH_DAYS} if not trash.law_keeps(article) else
                _("The story has been published, so it is kept in the trash and never deleted automatically "
                  "(Press Law, art. 52).")),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/article/trash_confirm.html", context)

    @admin.action(description=gettext_lazy("Move the selected stories to the trash"), permissions=["change"])
    def trash_selected(self, request, queryset):
        done, refused = [], []
        for article in queryset:
            try:
                trash.article_trash(article=article, by=request.user)
                done.append(article)
            except workflow.WorkflowError as error:
                refused.append(error.message)
        if done:
            self.message_user(request, _trashed_message(done), messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)


@admin.register(ArticleInTrash)
class TrashAdmin(admin.ModelAdmin):
    """Editors only: a read-only list of trashed stories with one action, restore."""

    list_display = ["title", "status_label", "section", "trashed_when", "trashed_by_name", "purge_note"]
    list_display_links = None
    list_select_related = ["section", "trashed_by"]
    list_per_page = 50
    show_full_result_count = False
    ordering = ["-trashed_at", "-id"]
    actions = ["restore_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).in_trash().defer("body", "search_body")

    def has_module_permission(self, request):
        return roles.is_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff and roles.is_editor(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_restore_permission(self, request):
        return self.has_view_permission(request)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_label(self, article):
        return Status(article.status).label

    @admin.display(description=gettext_lazy("moved to the trash at"), ordering="trashed_at")
    def trashed_when(self, article):
        return text.vietnamese_datetime(article.trashed_at)

    @admin.display(description=gettext_lazy("moved by"))
    def trashed_by_name(self, article):
        user = article.trashed_by
        return (user.get_full_name() or user.get_username()) if user else "—"

    @admin.display(description=gettext_lazy("deleted for good"))
    def purge_note(self, article):
        when = trash.purge_after(article)
        if when is None:
            return format_html('<span title="{}">{}</span>', _("Published once: never deleted automatically "
                                                                 "(Press Law, art. 52)."), _("Kept"))
        return text.vietnamese_datetime(when)

    @admin.action(description=gettext_lazy("Restore the selected stories"), permissions=["restore"])
    def restore_selected(self, request, queryset):
        done, refused = [], []
        for article in queryset:
            try:
                trash.article_untrash(article=article, by=request.user)
                done.append(article.title)
            except workflow.WorkflowError as error:
                refused.append(error.message)
        if done:
            if len(done) == 1:
                message = _("Restored “%(title)s” to the story list, in the state it had.") % {"title": done[0]}
            else:
                message = ngettext("Restored %(count)d story to the story list, in the state it had.",
                                   "Restored %(count)d stories to the story list, in the state they had.",
                                   len(done)) % {"count": len(done)}
            self.message_user(request, message, messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)
