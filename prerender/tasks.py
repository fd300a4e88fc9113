"""Rendering the stale renders in the background (the task queue's worker, `manage.py db_worker`)."""
from django.db import transaction
from django_tasks import task

from . import store

BATCH = 2000


@task()
def render_stale() -> int:
    """Render stories whose stored render is out of date, a batch at a time (queues itself for the rest)."""
    done = store.render_out_of_date(limit=BATCH)
    if done >= BATCH:
        render_stale.enqueue()
    return done


def queue_render_stale():
    """Queue the background render once the current transaction has committed."""
    transaction.on_commit(render_stale.enqueue)
