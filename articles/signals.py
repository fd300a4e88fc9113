"""Signals other parts of the site listen to (cache purges, search indexing)."""
from django.db import transaction
from django.dispatch import Signal

# Sent after the transaction commits, whenever a story's text or status changes:
# sender=Article, article=<Article>, action=<"save" | "restore" | "delete" | "system" | a workflow verb such as
# "publish">. After "delete" the row is gone but the instance keeps its pk, slug and section for purging.
article_changed = Signal()


def announce_article_changed(article, *, action):
    """Send article_changed once the current transaction has committed."""
    from .models import Article

    transaction.on_commit(lambda: article_changed.send(sender=Article, article=article, action=action))

# Sent after the transaction commits, once per transaction, whenever cached public pages were purged:
# sender=None, keys=<frozenset of str>: the cache keys (articles/cachekeys.py) whose pages were thrown away;
# "site" means every page. The CDN purge backends (cdn/) and the stored renders (prerender/) listen to it.
keys_purged = Signal()
