"""Which stories show which library photo: the PhotoUse rows, one per story, photo and place (lead or in the text).

They are derived, never edited: a story's save (raw saves included: a revision revert, loaddata) rewrites its
text uses from the body's figures (richtext.PHOTO_FIGURE), a lead Caption's save or removal its lead use, and the
paths that write captions without signals (bulk_create in a revision restore, the bench seed) call the functions
below themselves. The photo library reads this one indexed table instead of scanning every body with LIKE.
"""
import html

from .models import Caption, PhotoUse
from .richtext import PHOTO_FIGURE


def placed_captions(body: str) -> dict[int, str]:
    """The library photos the body shows, id -> its caption there (the first, if a photo stands twice)."""
    placed = {}
    for match in PHOTO_FIGURE.finditer(body or ""):
        placed.setdefault(int(match.group(1)), html.unescape(match.group(2)))
    return placed


def _write(article_id: int, place: str, wanted: dict[int, str]) -> None:
    """Make the story's uses at `place` exactly `wanted` (photo id -> caption), touching only what differs."""
    have = {use.photo_id: use for use in PhotoUse.objects.filter(article_id=article_id, place=place)}
    gone = [use.pk for photo_id, use in have.items() if photo_id not in wanted]
    if gone:
        PhotoUse.objects.filter(pk__in=gone).delete()
    recaptioned = [use for photo_id, use in have.items() if photo_id in wanted and use.caption != wanted[photo_id]]
    for use in recaptioned:
        use.caption = wanted[use.photo_id]
    if recaptioned:
        PhotoUse.objects.bulk_update(recaptioned, ["caption"])
    new = [photo_id for photo_id in wanted if photo_id not in have]
    if new:
        # A figure may name a photo gone from the library (pages leave it out): it is no use of a photo.
        photo_model = PhotoUse._meta.get_field("photo").related_model
        known = set(photo_model.objects.filter(pk__in=new).values_list("pk", flat=True))
        # ignore_conflicts: two saves of one story at once may both add the same use; one row is all it needs.
        PhotoUse.objects.bulk_create([PhotoUse(article_id=article_id, photo_id=photo_id, place=place,
                                               caption=wanted[photo_id]) for photo_id in new if photo_id in known],
                                     ignore_conflicts=True)


def text_uses_sync(*, article_id: int, body: str) -> None:
    """Bring the story's text uses in step with its body."""
    _write(article_id, PhotoUse.Place.TEXT, placed_captions(body))


def lead_use_sync(*, article_id: int) -> None:
    """Bring the story's lead use in step with its lead Caption."""
    leads = Caption.objects.filter(article_id=article_id, is_lead=True).order_by("order", "id")
    wanted = {}
    for photo_id, caption in leads.values_list("photo_id", "text"):
        wanted.setdefault(photo_id, caption)
    _write(article_id, PhotoUse.Place.LEAD, wanted)


def rebuild(stories) -> None:
    """Write the uses of every story of `stories` (a queryset) again, for paths that bypass the signals."""
    for article in stories.only("id", "body").order_by().iterator(chunk_size=200):
        text_uses_sync(article_id=article.pk, body=article.body)
        lead_use_sync(article_id=article.pk)


def _story_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if update_fields is not None and "body" not in update_fields:
        return  # a status move, a stored search copy: the body did not change
    text_uses_sync(article_id=instance.pk, body=instance.body)


def _caption_changed(sender, instance, raw=False, origin=None, **kwargs):
    from .models import Article

    if isinstance(origin, Article):
        return  # the story itself goes: its uses go with it (CASCADE)
    lead_use_sync(article_id=instance.article_id)


def connect_signals():
    """Keep the uses in step with every save of a story or a caption (called once, from ArticlesConfig.ready())."""
    from django.db.models.signals import post_delete, post_save

    from .models import Article

    post_save.connect(_story_saved, sender=Article, dispatch_uid="photouses-story")
    post_save.connect(_caption_changed, sender=Caption, dispatch_uid="photouses-caption-saved")
    post_delete.connect(_caption_changed, sender=Caption, dispatch_uid="photouses-caption-deleted")
