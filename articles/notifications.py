"""Mail about a story's moves: editors hear of submissions, reporters of requests for changes and publication.

Mail leaves after the transaction commits (a rolled-back move sends nothing) and a mail failure is logged
at ERROR and recorded for the editors' desk (MailFailure), never raised: the newsroom's work does not wait on
the mail server, and nobody is left believing a mail went out. Each recipient's mail is sent on its own, so one
refused address does not silence the others.
"""
import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import roles
from .people import display_name
from .text import single_line, vietnamese_datetime

logger = logging.getLogger(__name__)

NOTIFIED_ACTIONS = {"submit", "request_changes", "publish", "unpublish"}


def transition_made(transition) -> None:
    """Queue the mail a transition calls for; it goes out once the transaction has committed."""
    if transition.action in NOTIFIED_ACTIONS:
        transaction.on_commit(lambda: send_for_transition(transition.pk))


def send_for_transition(transition_id: int) -> int:
    """Send the mail for one logged transition, one message per recipient; return how many left."""
    try:
        messages = build_messages(transition_id)
    except Exception as error:  # noqa: BLE001 - a mail failure must never reach the editor's request
        record_failure(transition_id, recipient="", error=error)
        return 0
    if not messages:
        return 0
    sent = 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()  # one connection for all the messages; if it fails, each send below tries and says so
    except Exception:  # noqa: BLE001
        pass
    for message in messages:
        message.connection = connection
        try:
            sent += message.send() or 0
        except Exception as error:  # noqa: BLE001 - as above; the other recipients still get theirs
            record_failure(transition_id, recipient=", ".join(message.to), error=error)
    try:
        connection.close()
    except Exception:  # noqa: BLE001 - closing a broken connection tells us nothing new
        pass
    return sent


def record_failure(transition_id: int, *, recipient: str, error: Exception) -> None:
    """Log a mail that did not leave at ERROR, and keep it for the editors' desk."""
    from .models import MailFailure, Transition

    logger.error("Workflow mail not sent (transition #%s) to %s: %r", transition_id,
                 recipient or "every recipient", error, exc_info=error)
    try:
        transition = Transition.objects.filter(pk=transition_id).first()
        MailFailure.objects.create(
            transition=transition, article_title=transition.article_title if transition else "",
            recipient=recipient[:254], error=f"{type(error).__name__}: {error}"[:2000],
        )
    except Exception:  # noqa: BLE001 - with the database down too, the log line above is what remains
        logger.exception("Could not record the unsent workflow mail (transition #%s)", transition_id)


def recent_failures(days: int = 7, limit: int = 10):
    """Mail that did not leave in the last `days`, newest first, for the editors' desk."""
    from .models import MailFailure

    since = timezone.now() - datetime.timedelta(days=days)
    return list(MailFailure.objects.filter(at__gte=since).order_by("-at", "-id")[:limit])


def editors_to_notify(exclude=None):
    """Active editors (roles.editors) with an address."""
    users = roles.editors().exclude(email="")
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users.order_by("pk"))


def reporters_to_notify(article, exclude=None):
    """The story's own people: who created it and who carries its byline, with an address."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="").filter(
        Q(pk=article.created_by_id) | Q(author__bylines__article=article)
    )
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users.distinct().order_by("pk"))


# Who hears of each move; the mail's subject and body are the templates articles/mail/<action>_subject.txt and
# articles/mail/<action>.txt.
def _recipients(action, article, actor):
    if action == "submit":
        return editors_to_notify(exclude=actor)
    return reporters_to_notify(article, exclude=actor)


def build_messages(transition_id: int) -> list[EmailMessage]:
    from .models import Transition

    transition = Transition.objects.select_related("article__section", "actor__author").get(pk=transition_id)
    article = transition.article
    if article is None or transition.action not in NOTIFIED_ACTIONS:
        return []
    context = {
        "site_name": settings.NEWSROOM_NAME,
        "title": article.title,
        "actor": display_name(transition.actor, transition.actor_name) or _("system"),
        "comment": transition.comment.strip(),
        "scheduled": article.is_scheduled,
        "when": vietnamese_datetime(article.published_at),
        "public_url": settings.NEWSROOM_SITE_URL + article.get_absolute_url(),
        "admin_url": settings.NEWSROOM_SITE_URL + reverse("admin:articles_article_change", args=[article.pk]),
    }
    # In the newsroom's language whoever sends it (a request, the scheduler, a management command).
    with translation.override(settings.LANGUAGE_CODE):
        # A header is one line: a title saved before titles were kept on one line must not drop the mail.
        subject = single_line(render_to_string(f"articles/mail/{transition.action}_subject.txt", context))
        body = render_to_string(f"articles/mail/{transition.action}.txt", context).strip() + "\n"
    # One message per person, so that addresses are not shown to everyone.
    return [EmailMessage(subject=subject, body=body, to=[user.email])
            for user in _recipients(transition.action, article, transition.actor)]
