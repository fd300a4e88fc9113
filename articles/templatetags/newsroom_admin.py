"""Template helpers for the newsroom's admin pages: labels and the editors' desk on the index page."""
from django import template
from django.db.models import OuterRef, Subquery

from .. import notifications, roles, workflow
from ..models import Article, Status, Transition

register = template.Library()

DESK_LIMIT = 30


@register.filter
def action_label(action):
    """'publish' -> 'Duyệt và xuất bản'."""
    return workflow.ACTION_LABELS.get(action, action)


@register.filter
def status_label(status):
    try:
        return Status(status).label
    except ValueError:
        return status


def _latest(field):
    return Subquery(Transition.objects.filter(article=OuterRef("pk")).order_by("-at", "-id").values(field)[:1])


@register.inclusion_tag("admin/articles/_desk.html", takes_context=True)
def newsroom_desk(context):
    """Editors: the review queue (oldest first) and what is scheduled. Reporters: their stories in progress."""
    user = context["request"].user
    if not (user.is_authenticated
            and (user.has_perm("articles.view_article") or user.has_perm("articles.change_article"))):
        return {"show": False}
    if roles.is_editor(user):
        waiting = (
            Article.objects.filter(status=Status.REVIEW).outside_trash().with_submission()
            .select_related("section").order_by("submitted_at", "id")[:DESK_LIMIT]
        )
        scheduled = Article.objects.scheduled().select_related("section").order_by("published_at", "id")[:DESK_LIMIT]
        return {"show": True, "editor": True, "waiting": list(waiting), "scheduled": list(scheduled),
                "mail_failures": notifications.recent_failures()}
    own = (
        Article.objects.exclude(status=Status.PUBLISHED).outside_trash().owned_by(user)
        .annotate(last_action=_latest("action"), last_comment=_latest("comment"), last_actor=_latest("actor_name"))
        .select_related("section").order_by("-updated_at", "-id")[:DESK_LIMIT]
    )
    return {"show": True, "editor": False, "own": list(own)}
