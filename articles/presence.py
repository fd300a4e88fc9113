"""Who has a story open for editing in the admin: a soft lock, like WordPress's post lock.

Nobody is locked out (the version check in forms.py refuses the stale save); this only warns, before any
typing, that someone else is in the same story. The open form sends a heartbeat; an entry older than
STALE_AFTER seconds no longer counts. Kept in the cache: shared by every app server when CACHE_URL is Redis.
"""
import datetime

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from .people import display_name

STALE_AFTER = 90  # seconds without a heartbeat before someone no longer counts as editing
HEARTBEAT_EVERY = 30  # seconds, for the page script


def _key(article_id) -> str:
    return f"newsroom:editing:{article_id}"


def mark_editing(article_id, user) -> None:
    """Record that `user` has the story open now."""
    now = timezone.now().timestamp()
    entries = {uid: entry for uid, entry in (cache.get(_key(article_id)) or {}).items()
               if now - entry["seen"] < STALE_AFTER}
    since = entries.get(user.pk, {}).get("since", now)
    entries[user.pk] = {"name": display_name(user), "since": since, "seen": now}
    cache.set(_key(article_id), entries, timeout=STALE_AFTER * 2)


def stop_editing(article_id, user) -> None:
    """Forget `user` on this story (they saved or moved it; the next page they open marks them again)."""
    entries = cache.get(_key(article_id)) or {}
    if entries.pop(user.pk, None) is not None:
        cache.set(_key(article_id), entries, timeout=STALE_AFTER * 2)


def others_editing(article_id, user) -> list[dict]:
    """The other people with the story open: [{'name': 'Lý Minh', 'since': datetime}], earliest first."""
    now = timezone.now().timestamp()
    entries = cache.get(_key(article_id)) or {}
    others = [
        {"name": entry["name"],
         "since": timezone.localtime(datetime.datetime.fromtimestamp(entry["since"], tz=datetime.UTC))}
        for uid, entry in entries.items() if uid != user.pk and now - entry["seen"] < STALE_AFTER
    ]
    return sorted(others, key=lambda other: other["since"])


def describe(others) -> str:
    """'Lý Minh (từ 10:05) đang mở bài này để sửa.' or ''."""
    if not others:
        return ""
    names = ", ".join(_("%(name)s (since %(time)s)") % {"name": other["name"], "time": f"{other['since']:%H:%M}"}
                      for other in others)
    return _("%(names)s also have this story open for editing. If both of you save, the later save is "
            "refused and has to merge the texts; tell each other first.") % {"names": names}
