"""Settings for the test suite: the database comes from DATABASE_URL (SQLite by default)."""
import tempfile

from .base import *  # noqa: F403
from .base import env, redis_cache

SECRET_KEY = "test-only-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-media-")
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="newsroom-test-private-")
_ORIGINALS = STORAGES["originals"]  # noqa: F405
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "originals": {**_ORIGINALS, "OPTIONS": {**_ORIGINALS["OPTIONS"], "location": PRIVATE_MEDIA_ROOT}},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env("TEST_CACHE_URL"):
    CACHES = {"default": redis_cache(env("TEST_CACHE_URL"), "newsroom-test")}
STATIC_ROOT = tempfile.mkdtemp(prefix="newsroom-test-static-")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A second alias on the same test database (TEST MIRROR: Django creates nothing for it), so that
# tests/scaleout can exercise the read replica router. Nothing routes to it unless a test turns the router on.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {**DATABASES["default"].get("TEST", {}), "MIRROR": "default"}}  # noqa: F405
