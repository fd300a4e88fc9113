"""Settings for the test suite: the database comes from DATABASE_URL (SQLite by default)."""
import tempfile

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES, env, filesystem_storages, redis_cache

SECRET_KEY = "test-only-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Files in folders of their own, gone with the machine's temporary files.
MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-media-")
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-private-")
STATIC_ROOT = tempfile.mkdtemp(prefix="newsroom-test-static-")
STORAGES = {**STORAGES, "originals": filesystem_storages(PRIVATE_MEDIA_ROOT)["originals"]}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Local memory, whatever CACHE_URL says; TEST_CACHE_URL runs the suite against a Redis.
CACHES = {"default": redis_cache(env("TEST_CACHE_URL"), "newsroom-test") if env("TEST_CACHE_URL")
          else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A second alias on the same test database (TEST MIRROR: Django creates nothing for it), so that
# tests/scaleout can exercise the read replica router. Nothing routes to it unless a test turns the router on.
DATABASES = {**DATABASES,
             "replica": {**DATABASES["default"], "TEST": {**DATABASES["default"].get("TEST", {}), "MIRROR": "default"}}}
