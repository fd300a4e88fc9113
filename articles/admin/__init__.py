"""The newsroom's admin, one module per concern: stories and workflow, and the photo library."""
from . import articles, photos  # noqa: F401  (registers the ModelAdmins)
