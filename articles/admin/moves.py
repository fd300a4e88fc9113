"""The workflow buttons of the story page: the panel, the move a button asks for, and the bulk publish action.

The admin never writes a status: each button posts a MoveForm (forms.py), and workflow.py makes the move or
says why not. Every refusal's wording comes from workflow.py; the panel renders the ones its script shows.
"""
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import presence, roles, workflow
from ..forms import MoveForm
from ..models import Article, Status
from .base import StoryPagesMixin


class StoryMovesMixin(StoryPagesMixin):
    """The button panel under the story form, the move view for read-only stories, and save-then-move."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            # The URL's name keeps its first wording: links and tests outside the admin use it.
            path("<path:object_id>/chuyen-trang-thai/", wrap(self.move_view), name="articles_article_transition"),
        ] + super().get_urls()

    def move_view(self, request, object_id):
        """A button pressed on a story the user may move but not edit (a reporter withdrawing, say)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._visible_story(request, object_id)
        self._move(request, article, MoveForm(request.POST, article=article))
        presence.stop_editing(article.pk, request.user)
        if not workflow.can_view(request.user, Article.objects.get(pk=article.pk)):
            return HttpResponseRedirect(reverse("admin:articles_article_changelist"))
        return HttpResponseRedirect(self._change_url(article))

    def response_add(self, request, obj, post_url_continue=None):
        if request.POST.get("_transition"):
            return self._save_and_move(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if request.POST.get("_transition"):
            return self._save_and_move(request, obj)
        return super().response_change(request, obj)

    def _save_and_move(self, request, obj):
        self.message_user(request, _("Saved “%(title)s”.") % {"title": obj.title}, messages.SUCCESS)
        # The story form has checked the version, the comment and the time before saving (ArticleAdminForm).
        self._move(request, obj, MoveForm(request.POST))
        return HttpResponseRedirect(self._change_url(obj))

    def _move(self, request, article, form):
        """Run the button's move through workflow.py and tell the user what happened."""
        if not form.is_valid():
            for refusal in form.refusals():
                self.message_user(request, refusal, messages.ERROR)
            return None
        try:
            moved = workflow.article_move(form.action, article=article, by=request.user, comment=form.comment,
                                          publish_at=form.publish_at(article))
        except workflow.WorkflowError as error:
            if error.missing:
                self.message_user(request, format_html(
                    "{}<ul>{}</ul>", error.heading,
                    format_html_join("", "<li>{}</li>", ((item,) for item in error.missing)),
                ), messages.ERROR)
            else:
                self.message_user(request, error.message, messages.ERROR)
            return None
        self.message_user(request, workflow.done_message(form.action, moved), messages.SUCCESS)
        return moved

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self._workflow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _workflow_context(self, request, obj):
        if obj is None or obj.pk is None:
            return {"workflow_moves": [], "story_editable": True, "submit_on_add": True}
        moves = workflow.available_moves(request.user, obj)
        editable = workflow.can_edit(request.user, obj)
        presence_text = ""
        if editable:
            presence.mark_editing(obj.pk, request.user)
            presence_text = presence.describe(presence.others_editing(obj.pk, request.user))
        publish_at = ""
        if obj.published_at and obj.published_at > timezone.now():
            publish_at = timezone.localtime(obj.published_at).strftime("%Y-%m-%dT%H:%M")
        log = list(obj.transitions.select_related("actor")[:100])  # newest first
        # Editors' notes are internal: only those who may read the story's history read them here too.
        reads_notes = workflow.can_read_history(request.user, obj)
        return {
            "workflow_moves": moves,
            "story_editable": editable,
            "transition_url": reverse("admin:articles_article_transition", args=[quote(obj.pk)]),
            "preview_url": reverse("admin:articles_article_preview", args=[quote(obj.pk)]),
            "transitions": log,
            "hide_transition_comments": not reads_notes,
            # The editor's request stays on top of the story until the reporter sends it for review again.
            "change_request": (log[0] if reads_notes and log and log[0].action == "request_changes"
                               and obj.status == Status.DRAFT else None),
            "presence_text": presence_text,
            "presence_url": reverse("admin:articles_article_presence", args=[quote(obj.pk)]) if editable else "",
            "presence_every": presence.HEARTBEAT_EVERY,
            "action_labels": workflow.ACTION_LABELS,
            "missing": workflow.missing_for_publication(obj) if obj.status == Status.DRAFT else [],
            "publish_at_value": request.POST.get("_publish_at", publish_at),
            "transition_comment": request.POST.get("_transition_comment", ""),
        }

    # The bulk action of the story list.

    def has_publish_permission(self, request):
        """Who sees the publish action (Django asks this for actions declaring permissions=["publish"])."""
        return roles.may_publish(request.user)

    @admin.action(description=gettext_lazy("Approve and publish the chosen stories"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        done, refused = 0, []
        for article in queryset:
            try:
                workflow.article_publish(article=article, by=request.user)
                done += 1
            except workflow.WorkflowError as error:
                refused.append(f"“{article.title}”: {error.message}")
        if done:
            self.message_user(request, _("Published %(count)s stories.") % {"count": done}, messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)
