"""The trash (Thùng rác): deleting a story moves it here, an editor may restore it, a command empties it.

The trash is a flag beside the status (Article.trashed_at), not a status: a story keeps the state it had, so
restoring gives back exactly that, and a taken-down story stays "Đã gỡ" while it waits. Every story query of
the public site starts from published(), which leaves the trash out; the admin's list does the same and the
trash has a list of its own. Moves in and out are logged with the status moves (Transition) and, like them,
make an open edit form stale.

What may go in: drafts and stories in review, and taken-down stories (editors only). A published or
scheduled story is first taken down with a reason (Gỡ bài) or unscheduled: removing what readers could
see always leaves a reason in the log. Reporters may trash their own drafts that never went out.

What leaves for good: after NEWSROOM_TRASH_DAYS, `manage.py purge_trash` deletes a trashed story with its
revisions, leaving an audit entry. A story that was ever published (taken down, or back to a draft since)
is never deleted automatically: Luật Báo chí 2016, art. 52, requires removed content to be kept.
"""
import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import roles
from .models import Article, Status
from .signals import announce_article_changed
from .workflow import WorkflowError, record_transition

TRASHABLE = {Status.DRAFT, Status.REVIEW, Status.UNPUBLISHED}


def kept_by_law():
    """The condition for stories the purge never deletes: taken down, or published at some time."""
    return Q(status=Status.UNPUBLISHED) | Q(first_published_at__isnull=False)


def law_keeps(article: Article) -> bool:
    """The purge never deletes this story (kept_by_law, for one story)."""
    return article.status == Status.UNPUBLISHED or article.first_published_at is not None


def refusal(user, article: Article) -> str:
    """Why `user` may not move the story to the trash now, in Vietnamese; empty when they may."""
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return _("You need to log in to delete a story.")
    if article.in_trash:
        return _("“%(title)s” is already in the trash.") % {"title": article.title}
    if article.status == Status.PUBLISHED:
        if article.is_scheduled:
            return _("“%(title)s” is scheduled: cancel the schedule before moving it to the trash.") % {
                "title": article.title}
        return _("“%(title)s” is published: take it down (with a reason) before moving it to the trash.") % {
            "title": article.title}
    if roles.is_editor(user):
        return "" if article.status in TRASHABLE else _("“%(title)s” cannot be deleted.") % {"title": article.title}
    if article.status == Status.DRAFT and article.first_published_at is None and roles.owns(user, article):
        return ""
    return _("You may not delete “%(title)s”: reporters delete only their own drafts.") % {"title": article.title}


def can_trash(user, article: Article) -> bool:
    return not refusal(user, article)


def can_restore(user, article: Article) -> bool:
    """Editors bring stories back from the trash."""
    return article.in_trash and roles.is_editor(user) and user.is_staff


def purge_after(article: Article):
    """When the purge will delete this trashed story; None if the law keeps it."""
    if law_keeps(article) or not article.in_trash:
        return None
    return article.trashed_at + datetime.timedelta(days=settings.NEWSROOM_TRASH_DAYS)


def _flag(article: Article, *, by, action: str, comment: str, trashed: bool) -> Article:
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if trashed:
            problem = refusal(by, locked)
        else:
            problem = "" if can_restore(by, locked) else _("You may not restore “%(title)s”.") % {"title": locked.title}
        if problem:
            raise WorkflowError(problem)
        fields = {"trashed_at": timezone.now(), "trashed_by": by} if trashed else {"trashed_at": None, "trashed_by": None}
        # The version moves on, so that an edit form opened before is refused as stale instead of writing over.
        Article.objects.filter(pk=locked.pk).update(version=F("version") + 1, **fields)
        locked.refresh_from_db()
        record_transition(article=locked, action=action, from_status=locked.status, to_status=locked.status,
                          by=by, comment=(comment or "").strip())
        announce_article_changed(locked, action=action)
    for name in ("trashed_at", "trashed_by_id", "version"):
        setattr(article, name, getattr(locked, name))
    return locked


def article_trash(*, article: Article, by, comment: str = "") -> Article:
    """Move a story to the trash: gone from the admin's list, kept whole, restorable by an editor."""
    return _flag(article, by=by, action="trash", comment=comment, trashed=True)


def article_untrash(*, article: Article, by, comment: str = "") -> Article:
    """Bring a story back from the trash in the state it had."""
    return _flag(article, by=by, action="untrash", comment=comment, trashed=False)


def due_for_purge(now=None):
    """Trashed stories past NEWSROOM_TRASH_DAYS that the law does not keep."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.NEWSROOM_TRASH_DAYS)
    return Article.objects.in_trash().filter(trashed_at__lte=cutoff).exclude(kept_by_law())


def kept_past_due(now=None):
    """Trashed stories past NEWSROOM_TRASH_DAYS kept because they were published (art. 52)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.NEWSROOM_TRASH_DAYS)
    return Article.objects.in_trash().filter(trashed_at__lte=cutoff).filter(kept_by_law())


def article_purge(*, article: Article, days: int) -> None:
    """Delete a trashed story for good, with its revisions; the audit entry (Transition) outlives it."""
    from reversion.models import Revision, Version

    with transaction.atomic():
        locked = Article.objects.select_for_update().select_related("section").get(pk=article.pk)
        if not locked.in_trash or Article.objects.filter(pk=locked.pk).filter(kept_by_law()).exists():
            raise WorkflowError(_("“%(title)s” is not in the trash, or must be kept.") % {"title": locked.title})
        record_transition(article=locked, action="purge", from_status=locked.status, to_status=locked.status,
                          comment=_("Deleted for good after %(days)d days in the trash (story %(pk)d, address "
                                    "%(address)s).") % {"days": days, "pk": locked.pk,
                                                        "address": locked.get_absolute_url()})
        Revision.objects.filter(pk__in=Version.objects.get_for_object(locked).values("revision_id")).delete()
        pk = locked.pk
        locked.delete()
        locked.pk = pk  # listeners purge the old address; the row itself is gone
        announce_article_changed(locked, action="delete")
