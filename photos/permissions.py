"""Who may change a photo's description and credit, and how such a change is named in the history of the
published stories that show the photo.

A photo is shared: the same file can run in a reporter's draft and on the front page. A reporter may change
a photo only when every story using it is one they may edit (workflow.can_edit), or when it is their own
upload that no story uses yet; author portraits and photos of stories past the draft stage are the editors'.
The photo library is the one part of this app that knows about stories: a photo is used by a story as its lead
(articles.Caption) or placed in its text (articles.richtext.PHOTO_FIGURE), both read from articles.PhotoUse.
"""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import roles, workflow
from articles.models import Article, Author, PhotoUse, Status

from .models import Photo

# The photo's own words, as the story history names them.
METADATA_FIELDS = {"alt_text": gettext_lazy("photo description"), "credit": gettext_lazy("photo credit")}


def stories_using(photo: Photo):
    """Every story that shows the photo, as its lead or in its text, whatever its status."""
    return Article.objects.filter(pk__in=PhotoUse.objects.filter(photo=photo).values("article_id"))


def stories_placing(photo: Photo):
    """The stories that show the photo in their text (articles.richtext.PHOTO_FIGURE), whatever their status."""
    placing = PhotoUse.objects.filter(photo=photo, place=PhotoUse.Place.TEXT).values("article_id")
    return Article.objects.filter(pk__in=placing).only("pk", "title")


def published_stories_using(photo: Photo):
    """The published (or scheduled) stories that show the photo."""
    return stories_using(photo).filter(status=Status.PUBLISHED)


def visible_uses(user):
    """The uses of photos (as lead or in the text) in stories this user may see: reporters do not see others'
    drafts."""
    return PhotoUse.objects.filter(article__in=Article.objects.visible_to(user).values("pk"))


def can_change(user, photo: Photo) -> bool:
    """May this user change the photo's description or credit (see the module's rule)."""
    if roles.is_editor(user):
        return True
    if not (user and user.is_authenticated) or photo.pk is None:
        return False
    # Asked several times while one admin page is built: once per photo and user.
    known = photo.__dict__.setdefault("_may_change", {})
    if user.pk not in known:
        if Author.objects.filter(portrait=photo).exists():
            known[user.pk] = False
        else:
            stories = list(stories_using(photo))
            if stories:
                known[user.pk] = all(workflow.can_edit(user, story) for story in stories)
            else:
                known[user.pk] = photo.uploaded_by_id is not None and photo.uploaded_by_id == user.pk
    return known[user.pk]


def _shown(value) -> str:
    return _("empty") if value in (None, "") else f"“{value}”"


def describe_change(photo: Photo, changes: dict) -> str:
    """'Sửa ảnh #12: tác giả ảnh “A” → “B”' for a story's revision list."""
    parts = [f"{METADATA_FIELDS[name]} {_shown(old)} → {_shown(new)}" for name, (old, new) in changes.items()]
    return _("Edited photo #%(id)s: %(changes)s") % {"id": photo.pk, "changes": "; ".join(parts)}
