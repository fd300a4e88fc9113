"""Autosaved drafts: keep what someone types in a story form, offer it back, forget it once the story is saved.

A draft belongs to one person and one story (or to the one new story that person is writing). It is never a
revision and never touches the story: only saving the form does, and then the draft goes. Restoring a draft
fills the form with it and with the story version it was typed against, so the form's stale-save check
(articles/forms.py) still refuses it if someone else saved the story in between.
"""
import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from articles import text
from articles.models import Article, Caption
from articles.revisions import COMPARED_FIELDS, compare, diff_html
from articles.richtext import sanitize_html

from .models import Draft

# The story's own text fields a draft keeps (the ones a stale save compares); captions are kept apart.
TEXT_FIELDS = tuple(name for name, _label in COMPARED_FIELDS)
ONE_LINE_FIELDS = {name for name in TEXT_FIELDS if Article._meta.get_field(name).get_internal_type() == "CharField"}
# The prefix of the captions' rows in the story form: the inline formset's default, the relation's accessor.
CAPTION_PREFIX = Caption._meta.get_field("article").remote_field.get_accessor_name()


class DraftRefused(Exception):
    """A request the autosave endpoint will not store, with the message the page shows and the HTTP status."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


def max_bytes() -> int:
    """A draft may be as large as the story form itself may be when it is sent (DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def parse(raw: bytes) -> tuple[dict, dict, int | None]:
    """The fields, captions and version of an autosave request body (JSON), or DraftRefused."""
    if len(raw) > max_bytes():
        raise DraftRefused(_("The autosave is too large to keep; save the story to keep everything."), 413)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict):
        raise DraftRefused(_("The autosave could not be read."))
    fields, captions, version = data.get("fields", {}), data.get("captions", {}), data.get("version")
    if not isinstance(fields, dict) or not isinstance(captions, dict):
        raise DraftRefused(_("The autosave could not be read."))
    unknown = set(fields) - set(TEXT_FIELDS)
    if unknown or not all(isinstance(value, str) for value in [*fields.values(), *captions.values()]):
        raise DraftRefused(_("The autosave could not be read."))
    if not all(isinstance(key, str) and key.isdigit() and len(key) <= 19 for key in captions):
        raise DraftRefused(_("The autosave could not be read."))
    if version in ("", None):
        version = None
    elif isinstance(version, (int, str)) and str(version).isdigit() and len(str(version)) <= 9:
        version = int(version)
    else:
        raise DraftRefused(_("The autosave could not be read."))
    return fields, captions, version


def _clean_text(name: str, value: str) -> str:
    """A field as the story would store it: NFC, one line for titles, a sanitised body, Unix line ends."""
    value = text.normalize(value).replace("\r\n", "\n")
    if name in ONE_LINE_FIELDS:
        value = text.single_line(value)
    if name == "body":
        value = sanitize_html(value)
    return value


def _stored_fields(article) -> dict:
    if article is None:
        return {name: "" for name in TEXT_FIELDS}
    return {name: (getattr(article, name) or "").replace("\r\n", "\n") for name in TEXT_FIELDS}


def _stored_captions(article) -> dict:
    if article is None:
        return {}
    return {str(pk): (caption or "").replace("\r\n", "\n")
            for pk, caption in Caption.objects.filter(article=article).values_list("pk", "text")}


def _differs(article, fields, captions) -> bool:
    stored, stored_captions = _stored_fields(article), _stored_captions(article)
    return any(row["changed"] for row in compare(stored, {**stored, **fields})) or any(
        stored_captions.get(pk) != value for pk, value in captions.items())


def draft_save(*, user, article, fields: dict, captions: dict, version) -> Draft | None:
    """Keep what `user` typed in `article`'s form (None: a new story); return the draft, or None if it matches the story.

    A draft equal to the stored story (an autosave that arrived just after the form was saved) is no draft.
    """
    fields = {name: _clean_text(name, value) for name, value in fields.items()}
    known = _stored_captions(article)
    captions = {pk: _clean_text("caption", value) for pk, value in captions.items() if pk in known}
    if not _differs(article, fields, captions):
        draft_discard(user=user, article=article)
        return None
    values = {"fields": fields, "captions": captions, "version": version, "saved_at": timezone.now()}
    for _attempt in range(2):  # two tabs of one person may create the slot at once: the second updates it
        try:
            with transaction.atomic():
                draft, _created = Draft.objects.update_or_create(user=user, article=article, defaults=values)
            return draft
        except IntegrityError:
            continue
    raise DraftRefused(_("The autosave could not be kept; it will be tried again."), 409)


def draft_for(*, user, article) -> Draft | None:
    """`user`'s draft of `article` (None: of their new story)."""
    if not user.is_authenticated:
        return None
    return Draft.objects.filter(user=user, article=article).first()


def draft_discard(*, user, article) -> None:
    """Forget `user`'s draft of `article` (discarded, or the story was saved)."""
    Draft.objects.filter(user=user, article=article).delete()


def saved_label(draft) -> str:
    """'10:05', or '10:05 ngày 21/7/2026' for a draft from another day."""
    saved = timezone.localtime(draft.saved_at)
    if saved.date() == timezone.localdate():
        return f"{saved:%H:%M}"
    return _("%(time)s on %(date)s") % {"time": f"{saved:%H:%M}", "date": f"{saved.day}/{saved.month}/{saved.year}"}


def offer(draft, article) -> dict:
    """What the form shows above itself: when the draft was saved, how it differs from the story, the values."""
    stored = _stored_fields(article)
    rows = [row for row in compare(stored, {**stored, **draft.fields}) if row["changed"]]
    stored_captions = _stored_captions(article)
    captions = {pk: value for pk, value in draft.captions.items() if pk in stored_captions}
    for pk, value in captions.items():
        if stored_captions[pk] != value:
            rows.append({"name": f"caption-{pk}", "label": _("Photo caption"), "changed": True,
                         "diff": diff_html(stored_captions[pk], value, note=True) or escape(value),
                         "old": stored_captions[pk], "new": value})
    return {
        "saved_at": saved_label(draft),
        "rows": rows,
        "values": {"fields": draft.fields, "captions": captions,
                   "version": "" if draft.version is None else str(draft.version)},
    }
