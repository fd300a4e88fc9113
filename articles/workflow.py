"""Every change of an article's status, and who may make it. Nothing else writes `status`."""
from django.db import transaction
from django.utils import timezone

from .models import Article, Status, Transition


class WorkflowError(Exception):
    """A refused move, with a message the reporter or editor can read."""


def _record(*, article, action, from_status, to_status, by=None, comment=""):
    return Transition.objects.create(
        article=article, article_title=article.title, action=action, from_status=from_status,
        to_status=to_status, actor=by, actor_name=(by.get_username() if by else "hệ thống"), comment=comment,
    )


@transaction.atomic
def article_set_status_by_system(*, article: Article, status: str, comment: str = "", published_at=None) -> Article:
    """Move a story to `status` on behalf of the system (import, demo content), with an audit entry."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status == status:
        return locked
    if status not in Status.values:
        raise WorkflowError(f"Trạng thái không hợp lệ: {status}")
    from_status = locked.status
    fields = {"status": status}
    if status == Status.PUBLISHED:
        fields["published_at"] = published_at or locked.published_at or timezone.now()
        fields["first_published_at"] = locked.first_published_at or fields["published_at"]
    Article.objects.filter(pk=locked.pk).update(**fields)
    locked.refresh_from_db()
    _record(article=locked, action="system", from_status=from_status, to_status=status, comment=comment)
    return locked
