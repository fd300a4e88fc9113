"""Which story changes become which webhook events, and the deliveries they make.

The workflow announces every move after its commit (articles.signals.article_changed, sent from
transaction.on_commit), as do the admin's saves and revision restores; a correction is a new Correction row,
announced here after its commit. Each event makes one Delivery per active endpoint that asked for it and
enqueues its first attempt on the task queue (webhooks/tasks.py); nothing is sent inside a request.
"""
import json
import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from articles import seo
from articles.models import Article, Correction, Status
from articles.signals import article_changed

from .models import Delivery, Endpoint, Event

logger = logging.getLogger(__name__)

# article_changed's actions (workflow verbs, admin saves) that say a public story changed in place.
EDIT_ACTIONS = {"save", "restore"}
REMOVE_ACTIONS = {"unpublish", "delete"}


def _was_public(article) -> bool:
    return article.status == Status.PUBLISHED and article.published_at is not None


def event_for(article, action):
    """The webhook event an article_changed announcement makes, with the time it takes effect, or None."""
    if action == "publish" or (action == "system" and article.status == Status.PUBLISHED):
        return Event.PUBLISHED, article.published_at
    if action in REMOVE_ACTIONS and (action == "unpublish" or _was_public(article)):
        return Event.UNPUBLISHED, None
    if action == "system" and article.status == Status.UNPUBLISHED:
        return Event.UNPUBLISHED, None
    if action in EDIT_ACTIONS and article.is_public:
        return Event.UPDATED, None
    return None


def payload(event, article, *, correction=None) -> dict:
    """What a receiver gets: the event, the story's public identity and where to read it in full."""
    api_url = seo.absolute(reverse("api:article", kwargs={"article_id": article.pk}))
    data = {
        "event": str(event),
        "occurred_at": timezone.now().isoformat(),
        "article": {
            "id": article.pk,
            "headline": article.title,
            "canonical_url": seo.absolute(article.get_absolute_url()),
            "api_url": api_url,
            "ninjs_url": api_url + "ninjs",
            "published_at": article.published_at.isoformat() if article.published_at else None,
            "updated_at": article.updated_at.isoformat() if article.updated_at else None,
        },
    }
    if correction is not None:
        data["correction"] = {"text": correction.text, "published_at": correction.created_at.isoformat()}
    return data


def record(event, article, *, correction=None, run_after=None) -> list[Delivery]:
    """Log one delivery per endpoint listening for `event` and queue their first attempts.

    Runs after the story's change has committed: a failure here (the database gone a moment later) is logged
    and never turns the editor's finished move into an error page.
    """
    try:
        return _record(event, article, correction=correction, run_after=run_after)
    except Exception:
        logger.exception("webhook deliveries for %s of story %s were not queued", event, article.pk)
        return []


def _record(event, article, *, correction, run_after):
    from .tasks import enqueue_attempt

    deliveries = []
    for endpoint in Endpoint.objects.filter(is_active=True):
        if str(event) not in endpoint.events:
            continue
        delivery = Delivery(endpoint=endpoint, event=event, article_id=article.pk, article_title=article.title[:300])
        data = payload(event, article, correction=correction) | {"delivery": str(delivery.uuid)}
        delivery.body = json.dumps(data, ensure_ascii=False, sort_keys=True)
        with transaction.atomic():  # the log row and its queued task, or neither
            delivery.save()
            enqueue_attempt(delivery, run_after=run_after)
        deliveries.append(delivery)
    return deliveries


def story_changed(sender, article, action, **kwargs):
    """article_changed (already after the commit): a published, updated or withdrawn story."""
    found = event_for(article, action)
    if found is None:
        return
    event, takes_effect = found
    record(event, article, run_after=takes_effect if takes_effect and takes_effect > timezone.now() else None)


def correction_saved(sender, instance, created, raw=False, **kwargs):
    """A new correction on a story the public can read, announced once the row is committed."""
    if raw or not created:
        return
    article = instance.article

    def announce():
        if Article.objects.published().filter(pk=article.pk).exists():
            record(Event.CORRECTED, article, correction=instance)

    transaction.on_commit(announce)


def connect():
    article_changed.connect(story_changed, dispatch_uid="webhooks-story-changed")
    post_save.connect(correction_saved, sender=Correction, dispatch_uid="webhooks-correction")
