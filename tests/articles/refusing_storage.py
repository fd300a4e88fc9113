"""Local storage that refuses writes the way a full or read-only disk, or an object store, does.

Root ignores file permissions, so a test cannot make the media folder unwritable with chmod; it configures
this backend in STORAGES instead. `fail_after` lets the first writes through, to fail part-way.
"""
import errno
import os

from botocore.exceptions import ClientError
from django.core.files.storage import FileSystemStorage


def refusal(kind: str) -> Exception:
    """The exception a storage raises for each kind of refusal."""
    if kind == "read-only":
        return PermissionError(errno.EACCES, "Permission denied")
    if kind == "full":
        return OSError(errno.ENOSPC, "No space left on device")
    if kind == "s3":
        return ClientError({"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}, "PutObject")
    raise ValueError(kind)


class RefusingStorage(FileSystemStorage):
    """Refuses every write after the first `fail_after`; a full disk first writes part of the file, as one does."""

    def __init__(self, *, refuse: str = "full", fail_after: int = 0, **options):
        super().__init__(**options)
        self.refuse = refuse
        self.fail_after = fail_after
        self.writes = 0

    def _save(self, name, content):
        if self.writes >= self.fail_after:
            if self.refuse == "full":
                path = self.path(name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as partial:
                    partial.write(content.read(100))
            raise refusal(self.refuse)
        self.writes += 1
        return super()._save(name, content)


def refusing(settings, alias: str, kind: str, *, fail_after: int = 0):
    """Make the storage `alias` ("default" or "originals") of this test refuse writes after `fail_after` files."""
    current = settings.STORAGES[alias]
    location = current.get("OPTIONS", {}).get("location") or settings.MEDIA_ROOT
    settings.STORAGES = {**settings.STORAGES, alias: {
        "BACKEND": f"{__name__}.RefusingStorage",
        "OPTIONS": {**current.get("OPTIONS", {}), "location": location, "refuse": kind, "fail_after": fail_after},
    }}
