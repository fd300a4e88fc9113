"""Where photo files go, and how a failed transaction takes its files with it.

Storage names are made here (random, with a verified extension, never the reporter's path); the upload as sent
goes to the private "originals" storage, everything public to the default one. Every file the pipeline writes is
noted in the ledger of the innermost files_removed_on_rollback() block, so that a rolled-back save or import
leaves no file behind. Storage is reached only through Django's storage API (local disk or S3 alike).
"""
import contextlib
import contextvars
import logging
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from .validation import PhotoRejected

logger = logging.getLogger(__name__)

SAFE_EXTENSIONS = {"jpg", "png", "webp"}


class PhotoNotStored(PhotoRejected):
    """A good photo the storage refused (read-only or full disk, an object store saying no); nothing was kept."""


NOT_STORED_MESSAGE = _(
    "The photo could not be written to storage (a full disk, no permission to write, or the photo store is "
    "failing). It has not been added to the library; try again in a few minutes or tell the technical team."
)


# --- names and storages -------------------------------------------------------------------------------------

def generated_name(folder, filename):
    """A storage path made by the application: a random name, a known extension, never the user's path."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "jpeg":
        extension = "jpg"
    if extension not in SAFE_EXTENSIONS:
        extension = "bin"
    return f"{folder}/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.{extension}"


def photo_upload_to(instance, filename):
    return generated_name("photos", filename)


def original_upload_to(instance, filename):
    return generated_name("originals", filename)


def rendition_upload_to(instance, filename):
    return generated_name("renditions", filename)


class _OriginalsStorage(LazyObject):
    """The "originals" storage, looked up again when STORAGES changes (a field keeps its storage for life)."""

    def _setup(self):
        self._wrapped = storages["originals"] if "originals" in settings.STORAGES else storages["default"]


_originals_storage = _OriginalsStorage()


def private_storage():
    """Storage for original uploads, which only editors may fetch."""
    return _originals_storage


def setting_changed(*, setting, **kwargs):
    """Connected in PhotosConfig.ready(): a test's or a deployment's new STORAGES reaches the originals."""
    if setting == "STORAGES":
        _originals_storage._wrapped = empty


# --- files and transactions ---------------------------------------------------------------------------------
# Django runs callbacks on commit but has none for a rollback. Files written by the pipeline are therefore noted
# in the ledger of the innermost files_removed_on_rollback() block, which deletes them if its transaction does
# not commit; a nested block hands its notes to the enclosing one, whose commit is the one that counts.


@dataclass
class _Ledger:
    files: list = field(default_factory=list)
    cache_keys: list = field(default_factory=list)

    def forget(self):
        delete_files(self.files)
        try:
            cache.delete_many(self.cache_keys)
        except Exception:  # noqa: BLE001 - the cache is an accelerator; its entries expire anyway
            logger.warning("could not forget cached renditions of rolled-back photos", exc_info=True)


_ledger: contextvars.ContextVar = contextvars.ContextVar("photo_files_ledger", default=None)


@contextlib.contextmanager
def files_removed_on_rollback(using=None):
    """A transaction in which every file the photo pipeline writes is deleted again if it rolls back."""
    outer = _ledger.get()
    ledger = _Ledger()
    token = _ledger.set(ledger)
    rolled_back = False
    try:
        with transaction.atomic(using=using):
            yield
            rolled_back = transaction.get_rollback(using=using)
    except BaseException:  # a KeyboardInterrupt of the import command rolls back too
        ledger.forget()
        raise
    finally:
        _ledger.reset(token)
    if rolled_back:
        ledger.forget()
    elif outer is not None:
        outer.files.extend(ledger.files)
        outer.cache_keys.extend(ledger.cache_keys)


def note_cache_key(key: str) -> None:
    """A cache entry about a photo of this transaction: forgotten if it rolls back (its number may come again)."""
    ledger = _ledger.get()
    if ledger is not None:
        ledger.cache_keys.append(key)


def save_file(fieldfile, name: str, data: bytes, written: list) -> None:
    """Write one file through the field's storage and note it; any storage failure becomes PhotoNotStored."""
    # What FieldFile.save(save=False) does, with the generated name known beforehand: a disk that fills up
    # mid-write leaves part of the file under that name, and it must go too.
    name = fieldfile.field.generate_filename(fieldfile.instance, name)
    try:
        stored = fieldfile.storage.save(name, ContentFile(data), max_length=fieldfile.field.max_length)
    except Exception as error:  # noqa: BLE001 - OSError on disk, botocore's ClientError on S3, anything else
        logger.error("photo storage refused a write: %r", error, exc_info=True)
        delete_files([(fieldfile.storage, name)])  # names are random (generated_name): only ours
        raise PhotoNotStored(NOT_STORED_MESSAGE, code="storage") from error
    fieldfile.name = stored
    setattr(fieldfile.instance, fieldfile.field.attname, stored)
    fieldfile._committed = True
    entry = (fieldfile.storage, stored)
    written.append(entry)
    ledger = _ledger.get()
    if ledger is not None:
        ledger.files.append(entry)


def delete_files(written):
    """Delete (storage, name) pairs, logging what cannot be deleted rather than raising."""
    for storage, name in written:
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - cleaning up after a failure must not hide the failure
            logger.exception("could not delete %s", name)
