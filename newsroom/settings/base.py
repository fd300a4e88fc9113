"""Settings shared by every environment. The environment drives them; see README.md."""
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Public name and address of the paper, used in feeds, structured data and e-mails.
NEWSROOM_NAME = env("NEWSROOM_NAME", "Báo Tin Bắc Kạn")
NEWSROOM_SITE_URL = env("NEWSROOM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",  # django.contrib.admin; its site screens hostile query strings
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "newsroom.apps.NewsroomStaticFilesConfig",  # django.contrib.staticfiles without ckeditor's sample pages
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "ckeditor",
    "reversion",
    "articles",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "api.cors.ApiCorsMiddleware",  # answers the API's CORS preflights before anything else runs
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware: the site has one language (LANGUAGE_CODE), and its Vary: Accept-Language would
    # split every CDN and browser cache entry by the reader's browser language.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A database that cannot be reached becomes the Vietnamese 503 page (rendered without the database by
    # newsroom/errors.py), not a 500. Kept last here: process_exception hooks are asked innermost first.
    "newsroom.middleware.DatabaseFailureMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.newsroom",
            ],
        },
    },
]

# The embedded default is a SQLite file in the project folder; production sets DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer (not one that refuses) would hold each worker for the kernel's
    # TCP timeout, minutes; a URL's own ?connect_timeout= wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(env("DATABASE_CONNECT_TIMEOUT", "5")))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout keep the newcomer's SQLite usable by the dev server and a shell at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = env("DJANGO_STATIC_URL", "/static/")
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Cache: local memory unless CACHE_URL names a Redis server (redis://host:6379/0). Redis only speeds the
# site up: django-redis turns its failures into misses, each command waits at most the timeouts below, and
# after a failure each process skips Redis for CACHE_BREAKER_SECONDS (newsroom/redis_breaker.py).
CACHE_CONNECT_TIMEOUT = float(env("CACHE_CONNECT_TIMEOUT", "0.2"))  # seconds to open a connection
CACHE_SOCKET_TIMEOUT = float(env("CACHE_SOCKET_TIMEOUT", "0.2"))  # seconds to wait for an answer
CACHE_BREAKER_SECONDS = float(env("CACHE_BREAKER_SECONDS", "5"))
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = False  # the breaker logs each outage once, not each request


def redis_cache(location, key_prefix):
    """The CACHES entry for a Redis server: django-redis with short timeouts, errors as misses, the breaker."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": key_prefix,
        "TIMEOUT": 300,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": CACHE_CONNECT_TIMEOUT,
            "SOCKET_TIMEOUT": CACHE_SOCKET_TIMEOUT,
            "IGNORE_EXCEPTIONS": True,
            "CONNECTION_POOL_CLASS": "newsroom.redis_breaker.BreakerConnectionPool",
            "CONNECTION_POOL_KWARGS": {"breaker_seconds": CACHE_BREAKER_SECONDS},
        },
    }


_cache_url = env("CACHE_URL", "")
if _cache_url.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": redis_cache(_cache_url, env("CACHE_KEY_PREFIX", "newsroom"))}
elif _cache_url in ("", "locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif _cache_url == "dummy://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL must be redis://, locmem:// or dummy://, not {_cache_url!r}")

# E-mail: the console unless EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "toasoan@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# The admin lives under a path the deployment chooses.
ADMIN_PATH = env("DJANGO_ADMIN_PATH", "quan-tri/").strip("/") + "/"

LOGIN_URL = "admin:login"

# Uploads: refuse huge request bodies before they reach the image pipeline.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# Rich text editor: one place to switch to another editor widget.
NEWSROOM_BODY_WIDGET = "ckeditor.widgets.CKEditorWidget"
CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "Custom",
        "toolbar_Custom": [
            ["Format", "Bold", "Italic"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["Link", "Unlink"],
            ["Undo", "Redo", "RemoveFormat", "Source"],
        ],
        "format_tags": "p;h2;h3;h4",
        "fullPage": False,
        "allowedContent": False,
        "removePlugins": "image,flash,iframe,smiley,forms,scripts",
        "height": 420,
        "width": "100%",
        "language": "vi",
        # Vietnamese letters as themselves, not &agrave; entities (the server stores UTF-8 either way).
        "entities": False,
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
}

# Original uploads (with their EXIF and GPS) are kept apart from the public media, for editors only.
PRIVATE_MEDIA_ROOT = Path(env("DJANGO_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
STORAGES["originals"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    # Readable by the app's own user only: an original still carries the photographer's GPS position.
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": "/khong-cong-khai/",
                "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
}

# django-ckeditor warns (ckeditor.W001) that its bundled CKEditor 4.22.1 has unfixed security issues.
# Mitigations in this project: ckeditor_uploader is neither installed nor routed (photos go through
# articles/images.py); every body is sanitised on the server with nh3 on every save path
# (articles/richtext.py via Article.save); the editor is confined to the admin under its own CSP; and
# the widget sits behind NEWSROOM_BODY_WIDGET so that moving to a maintained editor is a one-line change.
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]

# --- Site hardening: Content-Security-Policy, login throttling (SECURITY.md explains each choice). ---
from datetime import timedelta  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402


def _origins(*urls):
    """The scheme://host of each absolute URL (static or media served from another host)."""
    found = []
    for url in urls:
        parts = urlsplit(url or "")
        if parts.scheme in {"http", "https"} and parts.netloc:
            found.append(f"{parts.scheme}://{parts.netloc}")
    return found


INSTALLED_APPS += ["csp", "axes"]  # noqa: F405
# CSPMiddleware writes the header; articles.security's middleware, just inside it, gives the admin
# and media files their own policies. AxesMiddleware turns a lockout into the lockout page.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,  # noqa: F405
                  "csp.middleware.CSPMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1,  # noqa: F405
                  "articles.security.SecurityHeadersMiddleware")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # noqa: F405

_STATIC_ORIGINS = _origins(STATIC_URL)  # noqa: F405
# Images from another host (object storage, a media domain): MEDIA_URL's host plus DJANGO_CSP_IMG_ORIGINS.
_MEDIA_ORIGINS = _origins(MEDIA_URL, *env_list("DJANGO_CSP_IMG_ORIGINS"))  # noqa: F405

# The public site: no inline script at all; JSON-LD carries the per-request nonce ({{ request.csp_nonce }}).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *_STATIC_ORIGINS],
        "style-src": [SELF, *_STATIC_ORIGINS],
        "img-src": [SELF, "data:", *_STATIC_ORIGINS, *_MEDIA_ORIGINS],
        "font-src": [SELF, *_STATIC_ORIGINS],
        "connect-src": [SELF],
        "media-src": [SELF, *_MEDIA_ORIGINS],
        "object-src": [NONE],
        "frame-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if env("DJANGO_CSP_REPORT_URI"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [env("DJANGO_CSP_REPORT_URI")]

# The admin (every URL under ADMIN_PATH): CKEditor 4 writes inline styles into the page and its
# editing iframe, and photo previews use blob: URLs. Confined here, never on the public site.
NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "style-src": [SELF, UNSAFE_INLINE, *_STATIC_ORIGINS],
        "img-src": [SELF, "data:", "blob:", *_STATIC_ORIGINS, *_MEDIA_ORIGINS],
        "frame-src": [SELF],
    },
}
# Only the admin pages whose form has the rich-text editor, as the view says (RichTextEditorPolicyMixin in
# articles/security.py; never guessed from the page's text, which a story can fill with anything): CKEditor 4
# wires its toolbar with inline event handlers and starts its editing iframe with an inline script, so script-src
# needs 'unsafe-inline' there (and no nonce, which would make browsers ignore it). Every other admin
# page keeps the strict script rule. Switching editors (NEWSROOM_BODY_WIDGET) means revisiting this.
NEWSROOM_EDITOR_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, UNSAFE_INLINE, *_STATIC_ORIGINS],
    },
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures the account is locked, from every
# address, and so is the address, for every account, until the cool-off has passed. The axes backend
# must come first so that it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "articles.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "articles.security.lockout_response"
AXES_USERNAME_CALLABLE = "articles.security.throttled_username"
AXES_HTTP_RESPONSE_CODE = 429
# Behind N reverse proxies (the TLS terminator...), the client's address is the N-th from the right in
# X-Forwarded-For (what the proxies appended; the left part is whatever the client sent). Without this
# every visitor shares the proxy's address and one attacker locks the whole newsroom out.
NEWSROOM_TRUSTED_PROXY_COUNT = int(env("DJANGO_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "articles.security.client_address"


# --- Beyond one machine (see DEPLOY.md): read replica, object storage, sessions. ---------------------------
# The benchmark's reference view (bench/views.py) is routed only when this is on; never in production.
NEWSROOM_BENCH_VIEWS = env_bool("NEWSROOM_BENCH_VIEWS", False)

# An optional read replica: anonymous public reads go to it, the admin and the workflow to the primary
# (articles/routers.py says why it is done with a middleware and not with .using() in the views).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
        test_options={"MIRROR": "default"},
    )
    DATABASE_ROUTERS = ["articles.routers.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "articles.routers.PublicReadsMiddleware",
    )


def s3_storages(get=env):
    """STORAGES entries for S3-compatible object storage (django-storages), read from the environment.

    Public media (photos, renditions) and the editors-only originals go to separate buckets, or to
    separate prefixes of one bucket when AWS_PRIVATE_STORAGE_BUCKET_NAME is not set. Original URLs are
    always signed and short-lived; public URLs are plain, so a CDN (AWS_S3_CUSTOM_DOMAIN) can cache them.
    """
    bucket = get("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        raise ImproperlyConfigured("DJANGO_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    common = {
        "access_key": get("AWS_ACCESS_KEY_ID"),
        "secret_key": get("AWS_SECRET_ACCESS_KEY"),
        "endpoint_url": get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": get("AWS_S3_REGION_NAME") or None,
        # "path" for MinIO, Ceph and most self-hosted S3; AWS itself prefers "virtual".
        "addressing_style": get("AWS_S3_ADDRESSING_STYLE") or None,
        "signature_version": get("AWS_S3_SIGNATURE_VERSION", "s3v4"),
        "file_overwrite": False,
        "object_parameters": {"CacheControl": get("AWS_S3_CACHE_CONTROL", "public, max-age=31536000, immutable")},
    }
    public = {
        **common,
        "bucket_name": bucket,
        "location": get("AWS_MEDIA_LOCATION", "media"),
        "querystring_auth": False,
        "custom_domain": get("AWS_S3_CUSTOM_DOMAIN") or None,
        # Most buckets today refuse ACLs (public access comes from a bucket policy); set it where they are used.
        "default_acl": get("AWS_DEFAULT_ACL") or None,
    }
    private_bucket = get("AWS_PRIVATE_STORAGE_BUCKET_NAME") or bucket
    private = {
        **common,
        "bucket_name": private_bucket,
        "location": get("AWS_PRIVATE_LOCATION", "originals"),
        "querystring_auth": True,
        "querystring_expire": int(get("AWS_PRIVATE_URL_SECONDS", "300")),
        "custom_domain": None,
        "default_acl": "private" if get("AWS_PRIVATE_ACL", "1") not in ("0", "false", "") else None,
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    if private_bucket == bucket and public["location"] == private["location"]:
        raise ImproperlyConfigured("AWS_MEDIA_LOCATION and AWS_PRIVATE_LOCATION must differ in a shared bucket")
    return {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": public},
        "originals": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": private},
    }


# Media: the local disk by default (one server); DJANGO_STORAGE=s3 for several app servers.
DJANGO_STORAGE = env("DJANGO_STORAGE", "filesystem")
if DJANGO_STORAGE == "s3":
    STORAGES = {**STORAGES, **s3_storages()}
elif DJANGO_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"DJANGO_STORAGE must be filesystem or s3, not {DJANGO_STORAGE!r}")

# Sessions live in the database by default, so any app server can read any visitor's session. "cache"
# keeps them in Redis only (fast, lost if Redis is flushed); "cached_db" reads Redis and writes both.
_SESSION_ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cache": "django.contrib.sessions.backends.cache",
    "cached_db": "django.contrib.sessions.backends.cached_db",
}
_session_store = env("DJANGO_SESSION_STORE", "db")
SESSION_CACHE_ALIAS = "default"
if _session_store not in _SESSION_ENGINES:
    raise ImproperlyConfigured(f"DJANGO_SESSION_STORE must be one of {', '.join(_SESSION_ENGINES)}")
if env("DJANGO_SESSION_CACHE_URL"):
    # Sessions in a Redis of their own (maxmemory-policy noeviction): never evicted to make room for pages.
    CACHES["sessions"] = redis_cache(env("DJANGO_SESSION_CACHE_URL"), env("CACHE_KEY_PREFIX", "newsroom"))
    SESSION_CACHE_ALIAS = "sessions"
if _session_store != "db" and CACHES[SESSION_CACHE_ALIAS]["BACKEND"] != "django_redis.cache.RedisCache":
    # A per-process cache would log people out whenever the load balancer picks another server.
    raise ImproperlyConfigured("DJANGO_SESSION_STORE=cache or cached_db needs a shared cache: set CACHE_URL=redis://...")
SESSION_ENGINE = _SESSION_ENGINES[_session_store]
# Only staff have sessions. A shift's length, and gone when the browser closes: a login left open on a
# shared newsroom computer or a stolen laptop does not stay good for Django's default two weeks.
SESSION_COOKIE_AGE = int(float(env("DJANGO_SESSION_HOURS", "12")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

# A refused form (missing or stale CSRF token) gets a Vietnamese 403 page (articles/security.py).
CSRF_FAILURE_VIEW = "articles.security.csrf_failure"

# Photos on object storage (DJANGO_STORAGE=s3): the pages load them from the bucket or its CDN, so every
# Content-Security-Policy above must allow that host for images.
if DJANGO_STORAGE == "s3":
    _public_media = STORAGES["default"]["OPTIONS"]
    _bucket_hosts = []
    if _public_media.get("custom_domain"):
        _bucket_hosts.append(f"https://{_public_media['custom_domain']}")
    elif _public_media.get("endpoint_url"):
        _endpoint = urlsplit(_public_media["endpoint_url"])
        _bucket_hosts += [f"{_endpoint.scheme}://{_endpoint.netloc}",
                          f"{_endpoint.scheme}://{_public_media['bucket_name']}.{_endpoint.netloc}"]
    else:
        _region = f".{_public_media['region_name']}" if _public_media.get("region_name") else ""
        _bucket_hosts += [f"https://{_public_media['bucket_name']}.s3.amazonaws.com",
                          f"https://{_public_media['bucket_name']}.s3{_region}.amazonaws.com"]
    for _policy in (CONTENT_SECURITY_POLICY, NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY,
                    NEWSROOM_EDITOR_CONTENT_SECURITY_POLICY):
        for _directive in ("img-src", "media-src"):
            _policy["DIRECTIVES"][_directive] = [*_policy["DIRECTIVES"][_directive], *_bucket_hosts]

# Public page cache (articles/caching.py): how long each app process may trust its own copy of the site
# state and hot pages before asking the shared cache again. 0 = ask every time (changes made on one server
# show on all at once); 1 = no Redis round trip on hot pages, other servers notice a change within 1 s.
NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = float(env("NEWSROOM_PAGE_CACHE_LOCAL_SECONDS", "0"))
# How long the server keeps a public page fresh, how long browsers and CDNs may keep it, how long they may
# serve it stale while revalidating, and how long it is still served when the database is down.
NEWSROOM_PAGE_CACHE_SECONDS = int(env("NEWSROOM_PAGE_CACHE_SECONDS", "300"))
NEWSROOM_BROWSER_CACHE_SECONDS = int(env("NEWSROOM_BROWSER_CACHE_SECONDS", "60"))
NEWSROOM_STALE_SECONDS = int(env("NEWSROOM_STALE_SECONDS", "30"))
NEWSROOM_STALE_IF_ERROR_SECONDS = int(env("NEWSROOM_STALE_IF_ERROR_SECONDS", "3600"))

# Newsroom: the public API (api/). Origins allowed to read it from a browser: "*" for any (the default: it is
# public and read-only), a comma-separated list of origins, or empty for no CORS headers at all.
NEWSROOM_API_CORS_ORIGINS = env_list("NEWSROOM_API_CORS_ORIGINS", "*")
