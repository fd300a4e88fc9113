"""Signals other parts of the newsroom listen to."""
from django.dispatch import Signal

# Sent with `article=` after every workflow transition and every admin save of a story.
article_changed = Signal()
