"""A story's history pages: its revisions, the comparison of two, restoring one, and the log of moves."""
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from .. import revisions, workflow
from .base import StoryPagesMixin


class StoryHistoryMixin(StoryPagesMixin):
    """Lịch sử, So sánh and Khôi phục for the story admin; restoring never changes the story's status."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/lich-su/so-sanh/", wrap(self.compare_view), name="articles_article_compare"),
            path("<path:object_id>/lich-su/<int:version_id>/khoi-phuc/", wrap(self.restore_view),
                 name="articles_article_restore"),
        ] + super().get_urls()

    def _story_with_history(self, request, object_id):
        article = self._visible_story(request, object_id)
        if not workflow.can_read_history(request.user, article):
            raise PermissionDenied
        return article

    def history_view(self, request, object_id, extra_context=None):
        """Revisions (compare, restore) and the audit trail of status changes."""
        article = self._story_with_history(request, object_id)
        versions = list(revisions.article_versions(article)[:200])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": _("History: %(title)s") % {"title": article.title},
            "versions": [(version, revisions.describe(version)) for version in versions],
            "transitions": list(article.transitions.select_related("actor")),
            "action_labels": workflow.ACTION_LABELS,
            "can_restore": workflow.can_edit(request.user, article),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/article/object_history.html", context)

    def compare_view(self, request, object_id):
        article = self._story_with_history(request, object_id)
        old = revisions.get_version(article, request.GET.get("cu"))
        new = revisions.get_version(article, request.GET.get("moi"))
        if old is None or new is None:
            self.message_user(request, _("Choose two versions of this story to compare."), messages.WARNING)
            return HttpResponseRedirect(reverse("admin:articles_article_history", args=[quote(article.pk)]))
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": _("Compare two versions: %(title)s") % {"title": article.title},
            "old": old, "new": new,
            "old_label": revisions.describe(old), "new_label": revisions.describe(new),
            "rows": revisions.compare_versions(old, new),
            "can_restore": workflow.can_edit(request.user, article),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        article = self._visible_story(request, object_id)
        version = revisions.get_version(article, version_id)
        if version is None:
            raise Http404(_("There is no such version."))
        if not workflow.can_edit(request.user, article):
            raise PermissionDenied
        if request.method == "POST":
            try:
                revisions.article_restore(article=article, version=version, by=request.user)
            except workflow.WorkflowError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                done = _("Restored the version saved at %(version)s. The story's status has not changed.")
                self.message_user(request, done % {"version": revisions.describe(version)}, messages.SUCCESS)
            return HttpResponseRedirect(self._change_url(article))
        current = {name: getattr(article, name) for name, _ in revisions.COMPARED_FIELDS}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": _("Restore a version: %(title)s") % {"title": article.title},
            "version": version,
            "version_label": revisions.describe(version),
            "rows": revisions.compare(current, version.field_dict),
        }
        return TemplateResponse(request, "admin/articles/article/restore.html", context)
