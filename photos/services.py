"""Writing photos: storing a checked upload with its master and renditions, importing one from disk, deleting
one with its files, and saving an editor's change of its words.

Every write is all or nothing: a failure leaves no row and no file (storage.files_removed_on_rollback covers the
enclosing transaction).
"""
from pathlib import Path

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from articles import text

from . import permissions, renditions, storage
from .models import Photo
from .validation import MASTER_MAX_SIDE, CheckedImage, PhotoRejected, check_upload, safe_filename

MASTER_QUALITY = 90


def photo_store(*, photo: Photo, checked: CheckedImage, uploaded_by=None) -> Photo:
    """Store a checked upload as `photo` (unsaved or new): original, clean master and renditions, or nothing."""
    written = []
    new = photo.pk is None
    try:
        with transaction.atomic():
            photo.original_filename = checked.original_filename or photo.original_filename
            photo.format = checked.format
            photo.checksum = checked.checksum
            if uploaded_by is not None:
                photo.uploaded_by = uploaded_by
            # Storage names come from storage.generated_name: random, with the verified extension only.
            storage.save_file(photo.original, f"goc.{checked.extension}", checked.data, written)
            pixels = renditions.fit(checked.image, MASTER_MAX_SIDE)
            master = renditions.encode(pixels.copy(), checked.format, quality=MASTER_QUALITY, optimize=False)
            storage.save_file(photo.image, f"anh.{checked.extension}", master, written)
            # width, height and file_size describe Photo.image, the file the public (and feeds) get.
            photo.width, photo.height = pixels.size  # ImageField cannot measure a nameless ContentFile
            photo.file_size = len(master)
            photo.save()
            made = renditions.make_renditions(photo, pixels, written)
    except BaseException:
        storage.delete_files(written)
        if new:
            photo.pk = None  # its row was rolled back with the savepoint
            photo._state.adding = True
        raise
    renditions.cache_set(photo, made)
    return photo


def photo_create(*, file, uploaded_by=None, alt_text: str = "", credit: str = "", original_filename: str = "",
                 **fields) -> Photo:
    """Check an upload and store it as a new photo with its renditions; raise PhotoRejected if it is not one.

    `file` may be an uploaded file, an open binary file, bytes, or a CheckedImage from check_upload().
    """
    checked = file if isinstance(file, CheckedImage) else check_upload(file, original_filename=original_filename)
    if original_filename:
        checked.original_filename = safe_filename(original_filename)
    photo = Photo(alt_text=alt_text or "", credit=credit or "", **fields)
    return photo_store(photo=photo, checked=checked, uploaded_by=uploaded_by)


def existing_photo(checked: CheckedImage, alt_text: str, credit: str) -> Photo | None:
    """A photo of the same file with the same words, which an import reuses instead of storing it twice."""
    return Photo.objects.filter(
        checksum=checked.checksum, alt_text=text.normalize(alt_text or ""), credit=text.normalize(credit or ""),
    ).first()


def photo_from_path(path, *, alt_text: str, credit: str, uploaded_by=None) -> Photo:
    """A photo from a file on disk (imports); the same file with the same alt text and credit is reused."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            checked = check_upload(handle, original_filename=path.name)
    except OSError:
        raise PhotoRejected(_("The photo file %(name)s cannot be read.") % {"name": path.name}, code="unreadable") from None
    return existing_photo(checked, alt_text, credit) or photo_create(
        file=checked, uploaded_by=uploaded_by, alt_text=alt_text, credit=credit
    )


def photo_delete(*, photo: Photo) -> None:
    """Delete a photo and, once the deletion is committed, its files (original, master, renditions).

    Raises ProtectedError, with the stories named, when a story shows the photo as its lead or in its text."""
    showing = list(permissions.stories_using(photo).order_by("pk").values_list("title", flat=True)[:4])
    if showing:
        names = "; ".join(f"“{title}”" for title in showing[:3]) + ("; …" if len(showing) > 3 else "")
        raise ProtectedError(_("This photo cannot be deleted: stories still show it (%(stories)s). Take it out of "
                               "them first.") % {"stories": names}, set(permissions.stories_using(photo)[:3]))
    files = [(r.file.storage, r.file.name) for r in photo.renditions.all()]
    for fieldfile in (photo.image, photo.original):
        if fieldfile:
            files.append((fieldfile.storage, fieldfile.name))
    renditions.cache_forget(photo)
    photo.delete()
    transaction.on_commit(lambda: storage.delete_files(files))


@transaction.atomic
def photo_update(*, photo: Photo, by, before: dict) -> Photo:
    """Save new words set on `photo` (`before` holds the old values); published stories showing it get a revision.

    Raises PermissionDenied when `by` may not change this photo.
    """
    if not permissions.can_change(by, photo):
        raise PermissionDenied(_("You may not edit this photo."))
    changes = {
        name: (before.get(name), getattr(photo, name))
        for name in permissions.METADATA_FIELDS if before.get(name) != getattr(photo, name)
    }
    photo.save()
    # A published (or scheduled) story shows the change at once: it goes into that story's revisions, with who
    # made it, so the story's history tells what its readers saw and when.
    published = list(permissions.published_stories_using(photo))
    if changes and published:
        with reversion.create_revision():
            for story in published:
                reversion.add_to_revision(story)
            reversion.set_user(by)
            reversion.set_comment(permissions.describe_change(photo, changes))
    return photo


@transaction.atomic
def photo_replace(*, photo: Photo, checked: CheckedImage, by) -> Photo:
    """Put a real upload in a placeholder's place: every story using it shows the new photo; the placeholder's
    files go once this is committed. Raises PermissionDenied when `by` may not change the photo."""
    if not permissions.can_change(by, photo):
        raise PermissionDenied(_("You may not edit this photo."))
    old_files = [(r.file.storage, r.file.name) for r in photo.renditions.all()]
    old_files += [(fieldfile.storage, fieldfile.name) for fieldfile in (photo.image, photo.original) if fieldfile]
    photo.renditions.all().delete()
    renditions.cache_forget(photo)
    if hasattr(photo, "_prefetched_objects_cache"):
        photo._prefetched_objects_cache.pop("renditions", None)
    photo.is_placeholder = False
    photo_store(photo=photo, checked=checked, uploaded_by=by)
    transaction.on_commit(lambda: storage.delete_files(old_files))
    return photo
