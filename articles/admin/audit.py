"""The workflow's log (Transition rows): every move, who made it and why, read-only for everyone."""
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import roles, workflow
from ..models import Article, Transition


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    """The audit trail, read-only for everyone: it outlives the story's edits and even the story."""

    list_display = ["at", "article_link", "action_label", "from_status", "to_status", "actor_name", "comment"]
    list_filter = ["action", "to_status"]
    search_fields = ["article_title", "actor_name"]
    list_select_related = ["article"]
    date_hierarchy = "at"
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if roles.is_editor(request.user):
            return queryset
        return queryset.filter(article__in=Article.objects.visible_to(request.user).values("pk"))

    @admin.display(description=_("story"), ordering="article_title")
    def article_link(self, transition):
        if transition.article_id is None:
            return transition.article_title
        url = reverse("admin:articles_article_change", args=[quote(transition.article_id)])
        return format_html('<a href="{}">{}</a>', url, transition.article_title)

    @admin.display(description=_("move"), ordering="action")
    def action_label(self, transition):
        return workflow.ACTION_LABELS.get(transition.action, transition.action)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
