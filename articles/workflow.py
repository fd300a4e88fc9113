"""Every change of an article's status, and who may make it. Nothing else writes `status`.

The rules are a table of moves (MOVES: which action leads from which statuses to which, and who may make
it); each verb is a keyword-only function `article_<verb>` that locks the row, checks the move against the
table and the user's role, writes the status with a conditional UPDATE, records one Transition (the log
row: who moved which story when) and leaves mail and cache purges to run after the commit.

Names: a *move* is a rule of the table, a *Transition* is a row of the log that a move writes. Every message
refusing a move is written here once (Move.comment_refusal, Move.missing_heading); the admin shows them and
renders them into the page for its script.
"""
import dataclasses
import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from photos.models import Photo

from . import notifications, roles
from .models import Article, Status, Transition
from .people import display_name
from .rendering import placed_photo_ids
from .signals import announce_article_changed

# Who may make a move: the story's own reporter, an editor, or either.
OWNER, EDITOR, OWNER_OR_EDITOR = "owner", "editor", "owner_or_editor"


@dataclasses.dataclass(frozen=True)
class Move:
    """One rule of the workflow: the button `label` moves a story from one of `sources` to `target`."""

    action: str
    label: str
    sources: frozenset
    target: str
    who: str
    done: str
    comment_label: str = ""
    comment_required: bool = False
    needs_complete_story: bool = False
    only_scheduled: bool = False

    @property
    def comment_refusal(self) -> str:
        """What the writer reads when the move needs a comment and none was written."""
        return _("Write %(comment)s before you press “%(move)s”.") % {"comment": self.comment_label, "move": self.label}

    @property
    def missing_heading(self) -> str:
        """The first line of the refusal of a story that lacks parts; the missing parts follow it."""
        return _("Cannot “%(move)s” yet; the story still lacks:") % {"move": self.label}


MOVES = {
    move.action: move
    for move in [
        Move("submit", gettext_lazy("Send for review"), frozenset({Status.DRAFT}), Status.REVIEW, OWNER_OR_EDITOR,
             gettext_lazy("Sent “%(title)s” to the editors."), comment_label=gettext_lazy("a message to the editors"),
             needs_complete_story=True),
        Move("withdraw", gettext_lazy("Withdraw"), frozenset({Status.REVIEW}), Status.DRAFT, OWNER,
             gettext_lazy("Took “%(title)s” back to draft.")),
        Move("request_changes", gettext_lazy("Request changes"), frozenset({Status.REVIEW}), Status.DRAFT, EDITOR,
             gettext_lazy("Sent “%(title)s” back to the reporter for changes."), comment_label=gettext_lazy("a comment for the reporter"),
             comment_required=True),
        Move("publish", gettext_lazy("Approve and publish"), frozenset({Status.REVIEW, Status.UNPUBLISHED}), Status.PUBLISHED,
             EDITOR, gettext_lazy("Published “%(title)s”."), needs_complete_story=True),
        Move("unschedule", gettext_lazy("Cancel the schedule"), frozenset({Status.PUBLISHED}), Status.REVIEW, EDITOR,
             gettext_lazy("Schedule cancelled: “%(title)s” is back in the review queue."), only_scheduled=True),
        Move("unpublish", gettext_lazy("Take down"), frozenset({Status.PUBLISHED}), Status.UNPUBLISHED, EDITOR,
             gettext_lazy("Took “%(title)s” off the site."), comment_label=gettext_lazy("the reason for taking it down"), comment_required=True),
        Move("return_to_draft", gettext_lazy("Return to draft"), frozenset({Status.UNPUBLISHED}), Status.DRAFT, EDITOR,
             gettext_lazy("“%(title)s” is a draft again.")),
    ]
}

# Written only by the moves below; an edit of the text (admin save, restore) writes every other column.
WORKFLOW_FIELDS = {"status", "first_published_at", "trashed_at", "trashed_by"}


def workflow_owned_fields(article: Article | None) -> set[str]:
    """Fields the edit form shows but never writes on this story: once a story is out or scheduled, its
    publish time is the workflow's (publish, unschedule, unpublish), so an old form cannot empty or move it."""
    if article is not None and article.pk is not None and article.status == Status.PUBLISHED:
        return {"published_at"}
    return set()


def content_fields(article: Article | None = None) -> list[str]:
    """The columns an edit of a story writes: all but the workflow's, the key and who created it when."""
    skip = WORKFLOW_FIELDS | workflow_owned_fields(article) | {"id", "created_at", "created_by", "source_key"}
    return [field.name for field in Article._meta.concrete_fields if field.name not in skip]


ACTION_LABELS = {action: move.label for action, move in MOVES.items()} | {
    "system": gettext_lazy("System"), "create": gettext_lazy("Create story"),
    "trash": gettext_lazy("Move to the trash"), "untrash": gettext_lazy("Restore from the trash"),
    "purge": gettext_lazy("Delete for good"),
}


class WorkflowError(Exception):
    """A refused move, with a message the reporter or editor can read (and what is missing, if anything)."""

    def __init__(self, message, missing=(), heading=""):
        super().__init__(message)
        self.message = str(message)
        self.missing = [str(item) for item in missing]
        self.heading = str(heading)  # the message's first line when it lists what is missing

    def __str__(self):
        return self.message


# --- Who may do what --------------------------------------------------------------------------------------

def _is_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


def can_view(user, article: Article) -> bool:
    """Editors see every story, reporters their own and what the public can read: a scheduled (embargoed)
    story stays closed to other reporters until its time (the same rule as ArticleQuerySet.visible_to)."""
    if not _is_staff(user):
        return False
    if not (user.has_perm("articles.view_article") or user.has_perm("articles.change_article")):
        return False
    return roles.is_editor(user) or article.is_public or roles.owns(user, article)


def can_edit(user, article: Article) -> bool:
    """Editors edit every story outside the trash; a reporter edits their own stories while they are drafts."""
    if not (_is_staff(user) and user.has_perm("articles.change_article")) or article.in_trash:
        return False
    if roles.is_editor(user):
        return True
    return article.status == Status.DRAFT and roles.owns(user, article)


def can_read_history(user, article: Article) -> bool:
    """Revisions and their comparison hold text that never went public: those who may edit the story, and its
    own reporter, may read them (not every reporter who can see the published page)."""
    return can_edit(user, article) or (can_view(user, article) and roles.owns(user, article))


def can_add_correction(user, article: Article) -> bool:
    """Correction notices (Đính chính) are written by editors, on stories that have been published."""
    return roles.is_editor(user) and article.first_published_at is not None


def _may(user, article: Article, move: Move) -> bool:
    if not _is_staff(user):
        return False
    if user.is_superuser:
        return True
    if move.who == EDITOR:
        return roles.is_editor(user)
    owner = user.has_perm("articles.change_article") and roles.owns(user, article)
    if move.who == OWNER:
        return owner
    return owner or roles.is_editor(user)


def allowed(user, article: Article, action: str) -> bool:
    """Whether `user` may make `action` on the story as it stands (comment and completeness aside)."""
    move = MOVES.get(action)
    if move is None or article.status not in move.sources or article.in_trash:
        return False
    if move.only_scheduled and not article.is_scheduled:
        return False
    return _may(user, article, move)


def available_moves(user, article: Article) -> list[Move]:
    """The buttons to show this user on this story."""
    if article.pk is None:
        return []
    return [move for action, move in MOVES.items() if allowed(user, article, action)]


def missing_for_publication(article: Article) -> list[str]:
    """What a story still lacks before an editor can see it: labels in Vietnamese, empty when complete."""
    missing = []
    if not article.title.strip():
        missing.append(_("title"))
    if not article.sapo.strip():
        missing.append(_("sapo"))
    if not strip_tags(article.body or "").replace("&nbsp;", " ").strip():
        missing.append(_("body"))
    if not article.bylines.exists():
        missing.append(_("author (byline)"))
    photos = [caption.photo for caption in article.captions.select_related("photo")]
    placed = placed_photo_ids(article.body)
    if placed:
        found = {photo.pk: photo for photo in Photo.objects.filter(pk__in=placed)}
        photos += [found[pk] for pk in sorted(found)]
        missing += [_("photo #%(id)s placed in the body, which is no longer in the photo library") % {"id": pk}
                    for pk in sorted(placed - found.keys())]
    for photo in photos:
        lacking = photo.missing_metadata
        if lacking:
            missing.append(_("photo “%(photo)s”: missing %(fields)s") % {
                "photo": photo, "fields": ", ".join(str(item) for item in lacking)})
    return missing


def invalid_action_message(action) -> str:
    """The refusal of a button the workflow does not have (a crafted POST)."""
    return _("Not a valid move: %(action)s") % {"action": action}


def check(action: str, *, article: Article, by, comment: str = "") -> Move:
    """Refuse the move with a readable message unless `by` may make it now; return the move."""
    move = MOVES.get(action)
    if move is None:
        raise WorkflowError(invalid_action_message(action))
    if not (by and by.is_authenticated):
        raise WorkflowError(_("You need to log in to do this."))
    if article.in_trash:
        raise WorkflowError(_("“%(title)s” is in the trash; restore it first.") % {"title": article.title})
    if article.status not in move.sources:
        raise WorkflowError(
            _("Cannot “%(move)s” a story that is “%(status)s”.") % {"move": move.label, "status": Status(article.status).label}
        )
    if move.only_scheduled and not article.is_scheduled:
        raise WorkflowError(_("Cannot “%(move)s”: the story is not scheduled.") % {"move": move.label})
    if not _may(by, article, move):
        raise WorkflowError(_("You may not “%(move)s” this story.") % {"move": move.label})
    if move.comment_required and not (comment or "").strip():
        raise WorkflowError(move.comment_refusal)
    return move


# --- Moving a story ---------------------------------------------------------------------------------------

def record_transition(*, article, action, from_status, to_status, by=None, comment=""):
    return Transition.objects.create(
        article=article, article_title=article.title, action=action, from_status=from_status,
        to_status=to_status, actor=by, comment=comment,
        # The name as the newsroom knows it, kept even if the account is later deleted.
        actor_name=(display_name(by) if by else _("system"))[:150],
    )


def _move(action: str, *, article: Article, by, comment: str = "", fields=None) -> Article:
    """Lock the story, check the move, write the new status only if nobody moved it first, log it."""
    comment = (comment or "").strip()
    with transaction.atomic():
        # The row lock makes a second editor wait for the first; the conditional UPDATE below is the
        # guarantee on databases without row locks (SQLite serialises writers instead).
        locked = Article.objects.select_for_update().get(pk=article.pk)
        move = check(action, article=locked, by=by, comment=comment)
        if move.needs_complete_story:
            missing = missing_for_publication(locked)
            if missing:
                raise WorkflowError(f"{move.missing_heading} {'; '.join(missing)}.", missing=missing,
                                    heading=move.missing_heading)
        from_status = locked.status
        fields = dict(fields(locked) if callable(fields) else fields or {})
        # The version moves on with the status, so that an edit form opened before this move is refused as
        # stale (forms.py) instead of writing its old status-era values over the move.
        updated = Article.objects.filter(pk=locked.pk, status=from_status).update(
            status=move.target, version=F("version") + 1, **fields
        )
        if not updated:
            raise WorkflowError(_("Someone else has just moved this story. Reload the page."))
        locked.status = move.target
        locked.version += 1
        for name, value in fields.items():
            setattr(locked, name, value)
        transition = record_transition(article=locked, action=action, from_status=from_status, to_status=move.target,
                             by=by, comment=comment)
        notifications.transition_made(transition)
        announce_article_changed(locked, action=action)
    # The caller's instance follows, so `article.status` is right after the call.
    article.status = locked.status
    article.version = locked.version
    for name, value in fields.items():
        setattr(article, name, value)
    return locked


def article_submit(*, article: Article, by, comment: str = "") -> Article:
    """Send a draft to the editors; refused with the list of what is missing."""
    return _move("submit", article=article, by=by, comment=comment)


def article_withdraw(*, article: Article, by, comment: str = "") -> Article:
    """Take a story back from the review queue to the reporter's drafts."""
    return _move("withdraw", article=article, by=by, comment=comment)


def article_request_changes(*, article: Article, by, comment: str) -> Article:
    """Send a story in review back to its reporter, with the editor's required comment."""
    return _move("request_changes", article=article, by=by, comment=comment)


def article_publish(*, article: Article, by, comment: str = "", publish_at: datetime.datetime | None = None,
                    now: datetime.datetime | None = None) -> Article:
    """Approve and publish now, or at `publish_at` if it lies in the future (the story is then scheduled)."""
    now = now or timezone.now()
    if publish_at is not None and timezone.is_naive(publish_at):
        publish_at = timezone.make_aware(publish_at)
    published_at = publish_at or now

    def fields(locked):
        return {"published_at": published_at, "first_published_at": locked.first_published_at or published_at}

    return _move("publish", article=article, by=by, comment=comment, fields=fields)


def article_unschedule(*, article: Article, by, comment: str = "") -> Article:
    """Cancel a scheduled publication; the story waits in review again."""
    return _move("unschedule", article=article, by=by, comment=comment)


def article_unpublish(*, article: Article, by, comment: str) -> Article:
    """Take a published story off the site; the reason is required and kept in the log."""
    return _move("unpublish", article=article, by=by, comment=comment)


def article_return_to_draft(*, article: Article, by, comment: str = "") -> Article:
    """Send an unpublished story back to the drafts to be reworked and reviewed again."""
    return _move("return_to_draft", article=article, by=by, comment=comment)


ACTION_FUNCTIONS = {
    "submit": article_submit,
    "withdraw": article_withdraw,
    "request_changes": article_request_changes,
    "publish": article_publish,
    "unschedule": article_unschedule,
    "unpublish": article_unpublish,
    "return_to_draft": article_return_to_draft,
}


def article_move(action: str, *, article: Article, by, comment: str = "", publish_at=None) -> Article:
    """Run the verb named `action` (what an admin button posts)."""
    function = ACTION_FUNCTIONS.get(action)
    if function is None:
        raise WorkflowError(invalid_action_message(action))
    if action == "publish":
        return function(article=article, by=by, comment=comment, publish_at=publish_at)
    return function(article=article, by=by, comment=comment)


def done_message(action: str, article: Article) -> str:
    """What the admin tells the user after a successful move."""
    if action == "publish" and article.is_scheduled:
        from .text import vietnamese_datetime

        return _("Approved “%(title)s”, scheduled for %(at)s.") % {
            "title": article.title, "at": vietnamese_datetime(article.published_at)}
    return MOVES[action].done % {"title": article.title}


@transaction.atomic
def article_set_status_by_system(*, article: Article, status: str, comment: str = "", published_at=None) -> Article:
    """Move a story to `status` on behalf of the system (import, demo content), with an audit entry."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status == status:
        return locked
    if status not in Status.values:
        raise WorkflowError(_("Not a valid status: %(status)s") % {"status": status})
    from_status = locked.status
    fields = {"status": status, "version": F("version") + 1}  # an open form is now stale, as after any move
    if status == Status.PUBLISHED:
        fields["published_at"] = published_at or locked.published_at or timezone.now()
        fields["first_published_at"] = locked.first_published_at or fields["published_at"]
    Article.objects.filter(pk=locked.pk).update(**fields)
    locked.refresh_from_db()
    record_transition(article=locked, action="system", from_status=from_status, to_status=status, comment=comment)
    announce_article_changed(locked, action="system")
    return locked
