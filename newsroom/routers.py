"""Which database a query goes to when a read replica is configured (DATABASE_REPLICA_URL).

Reads made while serving an anonymous visitor's GET or HEAD outside the admin go to the replica; every
other query - the admin, the workflow, staff browsing the public site, any POST, management commands,
tests - goes to the primary. The replica is opted into per request by PublicReadsMiddleware, not opted
out of: a code path nobody thought about (a new command, a signal handler) reads from the primary, which
is never wrong, only busier. Writes always go to the primary.

Why a middleware and a context variable rather than `.using("replica")` in the views: the public views
already start every query from Article.objects.published(); adding `.using()` to each of them, their
prefetches, the feeds, the sitemaps and the template tags would spread the concern over a dozen modules
and miss the next one. Why not "every read to the replica" (Django's documented example): the workflow
reads a story and then writes it, and a replica a few milliseconds behind would hand it a stale version.
"""
import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_public_reads = contextvars.ContextVar("newsroom_public_reads", default=False)


@contextmanager
def replica_reads():
    """Send the reads made inside this block to the replica, if one is configured."""
    token = _public_reads.set(True)
    try:
        yield
    finally:
        _public_reads.reset(token)


@contextmanager
def primary_reads():
    """Send the reads made inside this block to the primary (work that writes what it read, like a render)."""
    token = _public_reads.set(False)
    try:
        yield
    finally:
        _public_reads.reset(token)


def reading_from_replica() -> bool:
    return _public_reads.get() and REPLICA in settings.DATABASES


class PrimaryReplicaRouter:
    """Public reads to 'replica' inside replica_reads(); everything else to 'default'."""

    def db_for_read(self, model, **hints):
        # Inside a transaction on the primary, keep reading the primary: it holds what was just written.
        if reading_from_replica() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: an object read from the replica may point at one from the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary's schema by replication; never migrate it directly.
        return db != REPLICA


class PublicReadsMiddleware:
    """Serve anonymous GET/HEAD requests outside the admin from the replica."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_PATH

    def __call__(self, request):
        if self.is_public_read(request):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)

    def is_public_read(self, request):
        if request.method not in ("GET", "HEAD") or request.path.startswith(self.admin_prefix):
            return False
        # Staff who just published want to see their story, not a replica a moment behind; reading
        # request.user loads the session from the primary (we are not inside replica_reads yet).
        user = getattr(request, "user", None)
        return user is None or not user.is_authenticated
