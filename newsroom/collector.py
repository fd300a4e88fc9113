"""The garbage collector in a long-running app process: what the process holds once warm is set aside.

Python's cyclic collector now and then walks every container object the process holds (a full collection). A
warm worker holds about 135,000 (Django, the apps, compiled templates and queries, the per-process caches), and
the bench measured a full collection of them at 50-80 ms, once every 2,000 requests or so: 26-39 us a request
on average, all of it landing on one unlucky reader. Almost all of those objects live as long as the process.
gc.freeze() moves them out of the collector's sight (what refcounting frees is still freed); a full collection
then walks only what was made since, 1-2 ms.

So the WSGI application (newsroom/wsgi.py) is wrapped: the process freezes what it holds once it is loaded, and
again after its first requests have compiled the templates and queries and filled the shells, each time after a
collection (so no garbage is frozen). NEWSROOM_GC_FREEZE_AFTER is that number of requests (0: never freeze).
"""
import gc
import threading

from django.conf import settings


def freeze():
    """Collect what is garbage now, then set aside every object that is left."""
    gc.collect()
    gc.freeze()


class FreezeWhenWarm:
    """WSGI middleware: freeze() once the process has answered `after` requests (0: never)."""

    def __init__(self, application, after=None):
        self.application = application
        self.remaining = settings.NEWSROOM_GC_FREEZE_AFTER if after is None else after
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        if self.remaining > 0:
            self._count()
        return self.application(environ, start_response)

    def _count(self):
        with self._lock:
            self.remaining -= 1
            warm = self.remaining == 0
        if warm:
            freeze()
