"""Settings of the app servers started by tests/scaleout: the test settings with a shared Redis cache.

Each server is its own process; all of them share the test database (DATABASE_URL) and one Redis key
prefix (SCALEOUT_CACHE_URL, SCALEOUT_CACHE_PREFIX), as production app servers share PostgreSQL and Redis.
"""
import os

from newsroom.settings.base import redis_cache
from newsroom.settings.test import *  # noqa: F403

DATABASES = {"default": DATABASES["default"]}  # noqa: F405  (no mirror alias: the servers need none)
CACHES = {"default": redis_cache(os.environ["SCALEOUT_CACHE_URL"], os.environ["SCALEOUT_CACHE_PREFIX"])}
