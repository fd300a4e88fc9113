"""Settings shared by every environment, read from it (README.md's settings table lists every variable).

One block per package, in the order a request meets them; the last block declares the newsroom's own
settings. Each value is computed once, here: dev.py, test.py and production.py change only what differs.
"""
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
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


# --- Django ----------------------------------------------------------------------------------------------
SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The admin lives under a path the deployment chooses.
ADMIN_PATH = env("DJANGO_ADMIN_PATH", "quan-tri/").strip("/") + "/"
LOGIN_URL = "admin:login"
# Uploads: refuse huge request bodies before they reach the image pipeline.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644
# A refused form (missing or stale CSRF token) gets a Vietnamese 403 page.
CSRF_FAILURE_VIEW = "newsroom.security.csrf_failure"


# --- Database (dj-database-url) ----------------------------------------------------------------------------
def database(url, **options):
    """A DATABASES entry for `url`, with the connection rules every alias shares."""
    return dj_database_url.parse(url, conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
                                 conn_health_checks=True, **options)


# The embedded default is a SQLite file in the project folder; production sets DATABASE_URL.
DATABASES = {"default": database(env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer (not one that refuses) would hold each worker for the kernel's
    # TCP timeout, minutes; a URL's own ?connect_timeout= wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(env("DATABASE_CONNECT_TIMEOUT", "5")))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout keep the newcomer's SQLite usable by the dev server and a shell at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"})
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# The public site's hottest queries (articles/compiled.py) are PREPAREd once per PostgreSQL connection, which
# saves the planning of each run (about half of a story page's query). Turn it off behind a pooler that hands a
# client a different server connection per transaction (PgBouncer's transaction mode): DEPLOY.md.
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
# An optional read replica: anonymous public reads go to it, the admin and the workflow to the primary
# (newsroom/routers.py says why it is done with a middleware and not with .using() in the views).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database(DATABASE_REPLICA_URL, test_options={"MIRROR": "default"})
    DATABASE_ROUTERS = ["newsroom.routers.PrimaryReplicaRouter"]


# --- Applications and middleware ---------------------------------------------------------------------------
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
    "photos",
    "autosave",
    "api",
    "redirects",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "webhooks",
    "masthead",
    "frontpage",
    "mostread",
    "prerender",
    "cdn",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # django-csp's middleware writes the header (its policy built once per process, newsroom/security.py); the
    # newsroom's middleware just inside it gives the admin and media files their own policies (SECURITY.md).
    "newsroom.security.ContentSecurityPolicyMiddleware",
    "newsroom.security.SecurityHeadersMiddleware",
    "api.cors.ApiCorsMiddleware",  # answers the API's CORS preflights before the site's own middleware runs
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware: the site has one language (LANGUAGE_CODE), and its Vary: Accept-Language would
    # split every CDN and browser cache entry by the reader's browser language.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # With a replica, anonymous public reads go to it; it needs to know who is logged in.
    *(["newsroom.routers.PublicReadsMiddleware"] if DATABASE_REPLICA_URL else []),
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old addresses: a 404 becomes a 301 to where the story is now (redirects/). Inside CommonMiddleware, so an
    # old address without its trailing slash is answered in one hop too.
    "redirects.middleware.RedirectFallbackMiddleware",
    # A database that cannot be reached becomes the Vietnamese 503 page (rendered without the database by
    # newsroom/errors.py), not a 500. Near the end: process_exception hooks are asked innermost first.
    "newsroom.middleware.DatabaseFailureMiddleware",
    # Turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Last (innermost): a stored public page answered before URL resolution, after every other middleware's
    # request work and before all their response work, as a hit answered by the view (articles/middleware.py).
    "articles.middleware.PageCacheMiddleware",
]

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

# django-ckeditor warns (ckeditor.W001) that its bundled CKEditor 4.22.1 has unfixed security issues.
# Mitigations in this project: ckeditor_uploader is neither installed nor routed (photos go through
# the photos app); every body is sanitised on the server with nh3 on every save path
# (articles/richtext.py via Article.save); the editor is confined to the admin under its own CSP; and
# the widget sits behind NEWSROOM_BODY_WIDGET so that moving to a maintained editor is a one-line change.
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]


# --- Language and time -------------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# locale/: the project's own strings (templates/, newsroom/), made by `make messages` like each app's
# <app>/locale/. locale_django/: hand-written fixes for Django's own Vietnamese, never made by makemessages.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]


# --- Cache (django-redis) ----------------------------------------------------------------------------------
# Local memory unless CACHE_URL names a Redis server (redis://host:6379/0). Redis only speeds the site up:
# django-redis turns its failures into misses, each command waits at most the timeouts below, and after a
# failure each process skips Redis for CACHE_BREAKER_SECONDS (newsroom/redis_breaker.py).
CACHE_CONNECT_TIMEOUT = float(env("CACHE_CONNECT_TIMEOUT", "0.2"))  # seconds to open a connection
CACHE_SOCKET_TIMEOUT = float(env("CACHE_SOCKET_TIMEOUT", "0.2"))  # seconds to wait for an answer
CACHE_BREAKER_SECONDS = float(env("CACHE_BREAKER_SECONDS", "5"))
_CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", "newsroom")
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


def cache_from_url(url):
    """The CACHES entry CACHE_URL names."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return redis_cache(url, _CACHE_KEY_PREFIX)
    if url in ("", "locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url == "dummy://":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(f"CACHE_URL must be redis://, locmem:// or dummy://, not {url!r}")


CACHES = {"default": cache_from_url(env("CACHE_URL", ""))}
# Sessions in a Redis of their own (maxmemory-policy noeviction): never evicted to make room for pages.
if env("DJANGO_SESSION_CACHE_URL"):
    CACHES["sessions"] = redis_cache(env("DJANGO_SESSION_CACHE_URL"), _CACHE_KEY_PREFIX)


# --- Sessions ----------------------------------------------------------------------------------------------
# In the database by default, so any app server can read any visitor's session. "cache" keeps them in Redis
# only (fast, lost if Redis is flushed); "cached_db" reads Redis and writes both.
_SESSION_ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cache": "django.contrib.sessions.backends.cache",
    "cached_db": "django.contrib.sessions.backends.cached_db",
}
_session_store = env("DJANGO_SESSION_STORE", "db")
if _session_store not in _SESSION_ENGINES:
    raise ImproperlyConfigured(f"DJANGO_SESSION_STORE must be one of {', '.join(_SESSION_ENGINES)}")
SESSION_ENGINE = _SESSION_ENGINES[_session_store]
SESSION_CACHE_ALIAS = "sessions" if "sessions" in CACHES else "default"
if _session_store != "db" and CACHES[SESSION_CACHE_ALIAS]["BACKEND"] != "django_redis.cache.RedisCache":
    # A per-process cache would log people out whenever the load balancer picks another server.
    raise ImproperlyConfigured("DJANGO_SESSION_STORE=cache or cached_db needs a shared cache: set CACHE_URL=redis://...")
# Only staff have sessions. A shift's length, and gone when the browser closes: a login left open on a
# shared newsroom computer or a stolen laptop does not stay good for Django's default two weeks.
SESSION_COOKIE_AGE = int(float(env("DJANGO_SESSION_HOURS", "12")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)


# --- Static files and media (whitenoise, django-storages) --------------------------------------------------
STATIC_URL = env("DJANGO_STATIC_URL", "/static/")
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# Original uploads (with their EXIF and GPS) are kept apart from the public media, for editors only.
PRIVATE_MEDIA_ROOT = Path(env("DJANGO_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))


def filesystem_storages(private_media_root):
    """STORAGES entries for one server's disk: public media under MEDIA_ROOT, originals under their own root."""
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "originals": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # Readable by the app's own user only: an original still carries the photographer's GPS position.
            "OPTIONS": {"location": str(private_media_root), "base_url": "/khong-cong-khai/",
                        "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
        },
    }


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


def s3_media_origins(public_media):
    """The hosts pages load photos from when they live in a bucket (its CDN, its endpoint, or AWS's names)."""
    if public_media.get("custom_domain"):
        return [f"https://{public_media['custom_domain']}"]
    if public_media.get("endpoint_url"):
        endpoint = urlsplit(public_media["endpoint_url"])
        return [f"{endpoint.scheme}://{endpoint.netloc}", f"{endpoint.scheme}://{public_media['bucket_name']}.{endpoint.netloc}"]
    region = f".{public_media['region_name']}" if public_media.get("region_name") else ""
    return [f"https://{public_media['bucket_name']}.s3.amazonaws.com",
            f"https://{public_media['bucket_name']}.s3{region}.amazonaws.com"]


# Media: the local disk by default (one server); DJANGO_STORAGE=s3 for several app servers.
DJANGO_STORAGE = env("DJANGO_STORAGE", "filesystem")
if DJANGO_STORAGE not in ("filesystem", "s3"):
    raise ImproperlyConfigured(f"DJANGO_STORAGE must be filesystem or s3, not {DJANGO_STORAGE!r}")
STORAGES = {
    **(s3_storages() if DJANGO_STORAGE == "s3" else filesystem_storages(PRIVATE_MEDIA_ROOT)),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


# --- E-mail ------------------------------------------------------------------------------------------------
# The console unless EMAIL_HOST is set.
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


# --- Passwords and login throttling (django-axes) -----------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling that fits an office (newsroom/login_throttle.py): an account is locked, from every address,
# after AXES_FAILURE_LIMIT failures; an address, for every account, only after NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT
# (below), so that colleagues behind one router never lock each other out. A lock ends AXES_COOLOFF_TIME after
# the failure that set it; failures during a lock do not restart the wait. The axes backend must come first so
# that it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "newsroom.login_throttle.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "newsroom.login_throttle.OfficeLoginHandler"
AXES_FAILURE_LIMIT = int(env("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "newsroom.login_throttle.lockout_response"
AXES_USERNAME_CALLABLE = "newsroom.login_throttle.throttled_username"
AXES_CLIENT_IP_CALLABLE = "newsroom.login_throttle.client_address"  # reads NEWSROOM_TRUSTED_PROXY_COUNT
AXES_HTTP_RESPONSE_CODE = 429


# --- Content-Security-Policy (django-csp; SECURITY.md explains each choice) ---------------------------------
def _origins(*urls):
    """The scheme://host of each absolute URL (static or media served from another host)."""
    found = []
    for url in urls:
        parts = urlsplit(url or "")
        if parts.scheme in {"http", "https"} and parts.netloc:
            found.append(f"{parts.scheme}://{parts.netloc}")
    return found


_STATIC_ORIGINS = _origins(STATIC_URL)
# Images from another host: MEDIA_URL's host, DJANGO_CSP_IMG_ORIGINS, and the bucket (or its CDN) with s3.
_MEDIA_ORIGINS = [*_origins(MEDIA_URL, *env_list("DJANGO_CSP_IMG_ORIGINS")),
                  *(s3_media_origins(STORAGES["default"]["OPTIONS"]) if DJANGO_STORAGE == "s3" else [])]


def content_security_policies(**extra_directives):
    """The public site's policy, the admin's, and that of the admin pages with the editor, in that order."""
    # The public site: no inline script at all; JSON-LD carries the per-request nonce ({{ request.csp_nonce }}).
    public = {
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
        **({"report-uri": [env("DJANGO_CSP_REPORT_URI")]} if env("DJANGO_CSP_REPORT_URI") else {}),
    }
    # The admin (every URL under ADMIN_PATH): CKEditor 4 writes inline styles into the page and its
    # editing iframe, and photo previews use blob: URLs. Confined here, never on the public site.
    admin = {
        **public,
        "style-src": [SELF, UNSAFE_INLINE, *_STATIC_ORIGINS],
        "img-src": [SELF, "data:", "blob:", *_STATIC_ORIGINS, *_MEDIA_ORIGINS],
        "frame-src": [SELF],
    }
    # Only the admin pages whose form has the rich-text editor, as the view says (RichTextEditorPolicyMixin in
    # newsroom/security.py; never guessed from the page's text, which a story can fill with anything): CKEditor 4
    # wires its toolbar with inline event handlers and starts its editing iframe with an inline script, so
    # script-src needs 'unsafe-inline' there (and no nonce, which would make browsers ignore it). Every other
    # admin page keeps the strict script rule. Switching editors (NEWSROOM_BODY_WIDGET) means revisiting this.
    editor = {**admin, "script-src": [SELF, UNSAFE_INLINE, *_STATIC_ORIGINS]}
    return tuple({"DIRECTIVES": {**directives, **extra_directives}} for directives in (public, admin, editor))


(CONTENT_SECURITY_POLICY, NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY,
 NEWSROOM_EDITOR_CONTENT_SECURITY_POLICY) = content_security_policies()
# No report-only policy (django-csp reads this name; declared so that the code reads it without a default).
CONTENT_SECURITY_POLICY_REPORT_ONLY = None


# --- Rich-text editor (django-ckeditor) --------------------------------------------------------------------
CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "Custom",
        "toolbar_Custom": [
            ["Format", "Bold", "Italic"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["Link", "Unlink"],
            ["NewsroomPhoto"],
            ["Undo", "Redo", "RemoveFormat", "Source"],
        ],
        "format_tags": "p;h2;h3;h4",
        "fullPage": False,
        "allowedContent": False,
        # exportpdf (in the full build) warns on every page without a paid token; no PDF export here.
        "removePlugins": "image,flash,iframe,smiley,forms,scripts,exportpdf",
        "height": 420,
        "width": "100%",
        "language": "vi",
        "linkDefaultProtocol": "https://",
        # No console notice about newer CKEditor releases (SILENCED_SYSTEM_CHECKS above says why we stay).
        "versionCheck": False,
        # Vietnamese letters as themselves, not &agrave; entities (the server stores UTF-8 either way).
        "entities": False,
        # Our plugins (static/admin/newsroom/ckeditor/): newsroomvi says in Vietnamese what CKEditor's own vi
        # translation leaves English ("Display Text", "Phone", the screen-reader label "Rich Text Editor, id_body")
        # and cuts the link dialog to what articles/richtext.py keeps; newsroomphoto places library photos in the
        # text, as the figure the sanitiser keeps.
        "extraPlugins": "newsroomvi,newsroomphoto",
        "external_plugin_resources": [
            ("newsroomvi", f"{STATIC_URL}admin/newsroom/ckeditor/newsroomvi/", "plugin.js"),
            ("newsroomphoto", f"{STATIC_URL}admin/newsroom/ckeditor/newsroomphoto/", "plugin.js"),
        ],
        "newsroomPhotoLibrary": f"/{ADMIN_PATH}photos/photo/thu-vien/",
    }
}


# --- Task queue (django-tasks, django-tasks-db) -----------------------------------------------------------
# Background work (webhook deliveries, CDN purges) waits in the project's own database, PostgreSQL or SQLite, until
# `manage.py db_worker` runs it (make run starts one; DEPLOY.md, "The task worker").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# --- Logging -----------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
}


# --- Newsroom ----------------------------------------------------------------------------------------------
# The project's own settings, each read where it is used (settings.NEWSROOM_..., at call time).
# Public name and address of the paper, used in feeds, structured data and e-mails.
NEWSROOM_NAME = env("NEWSROOM_NAME", "Báo Tin Bắc Kạn")
NEWSROOM_SITE_URL = env("NEWSROOM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The rich-text editor for story bodies: one place to switch to another widget (and to revisit the CSP above).
NEWSROOM_BODY_WIDGET = "ckeditor.widgets.CKEditorWidget"
# Behind N reverse proxies (the TLS terminator...), the client's address is the N-th from the right in
# X-Forwarded-For (what the proxies appended; the left part is whatever the client sent). Without this
# every visitor shares the proxy's address and one attacker locks the whole newsroom out.
NEWSROOM_TRUSTED_PROXY_COUNT = int(env("DJANGO_TRUSTED_PROXY_COUNT", "0"))
# Failures from one address, over every username, before the address is locked for everyone behind it (a
# newsroom shares one router): several people's worth of AXES_FAILURE_LIMIT.
NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT = int(env("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
# Public page cache (articles/caching.py): how long the server keeps a page fresh, how long browsers and CDNs
# may keep it, how long they may serve it stale while revalidating, and how long it is still served when the
# database is down (0: never).
NEWSROOM_PAGE_CACHE_SECONDS = int(env("NEWSROOM_PAGE_CACHE_SECONDS", "300"))
NEWSROOM_BROWSER_CACHE_SECONDS = int(env("NEWSROOM_BROWSER_CACHE_SECONDS", "60"))
NEWSROOM_STALE_SECONDS = int(env("NEWSROOM_STALE_SECONDS", "30"))
NEWSROOM_STALE_IF_ERROR_SECONDS = int(env("NEWSROOM_STALE_IF_ERROR_SECONDS", "3600"))
# How long each app process may trust its own copy of the site state and hot pages before asking the shared
# cache again. 0 = ask every time (changes made on one server show on all at once); 1 (production's default)
# = no Redis round trip on hot pages, other servers notice a change within 1 s.
NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = float(env("NEWSROOM_PAGE_CACHE_LOCAL_SECONDS", "0"))
# An app process sets aside what it holds from the collector's full collections once it is loaded and again after
# this many requests (newsroom/collector.py): a warm worker's 135,000 objects cost a 50-80 ms pause now and then.
# 0: never.
NEWSROOM_GC_FREEZE_AFTER = int(env("NEWSROOM_GC_FREEZE_AFTER", "200"))
# Photo uploads: the largest file and the most pixels accepted (the pixels checked from the header, before
# decoding). A 48-megapixel phone photo passes; a decompression bomb does not.
NEWSROOM_PHOTO_MAX_BYTES = int(env("NEWSROOM_PHOTO_MAX_BYTES", str(20 * 1024 * 1024)))
NEWSROOM_PHOTO_MAX_PIXELS = int(env("NEWSROOM_PHOTO_MAX_PIXELS", "50000000"))
# The public API (api/). Origins allowed to read it from a browser: "*" for any (the default: it is public and
# read-only), a comma-separated list of origins, or empty for no CORS headers at all.
NEWSROOM_API_CORS_ORIGINS = env_list("NEWSROOM_API_CORS_ORIGINS", "*")
# Webhooks (webhooks/): how long one POST waits for the receiver's answer, and whether receivers may be on
# private or loopback addresses (off: an editor's address cannot reach into the servers' own network).
NEWSROOM_WEBHOOK_TIMEOUT_SECONDS = float(env("NEWSROOM_WEBHOOK_TIMEOUT_SECONDS", "10"))
NEWSROOM_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("NEWSROOM_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
# The trash (Thùng rác): days a story stays restorable before `purge_trash` deletes it for good. Stories that
# were ever published, taken-down ones included, are kept whatever this says (Luật Báo chí 2016, art. 52).
NEWSROOM_TRASH_DAYS = int(env("NEWSROOM_TRASH_DAYS", "30"))
# Most read ("Đọc nhiều", mostread/). The list covers this many hours of views, and is recomputed
# this often (it is cached on its own, not emptied by publications). Views are counted in the cache's Redis
# and moved to the database by `manage.py flush_most_read` (every five minutes, DEPLOY.md).
NEWSROOM_MOST_READ_HOURS = int(env("NEWSROOM_MOST_READ_HOURS", "24"))
NEWSROOM_MOST_READ_SECONDS = int(env("NEWSROOM_MOST_READ_SECONDS", "300"))
# Purging a CDN by key after each change (cdn/, DEPLOY.md "Purging the CDN by key"): none, fastly, cloudflare or
# varnish; how long one purge call may wait for an answer (in the task worker, never in a request); soft purges
# (marked stale and refetched, Fastly and Varnish) instead of removal.
NEWSROOM_CDN_BACKEND = env("NEWSROOM_CDN_BACKEND", "none").strip().lower()
NEWSROOM_CDN_TIMEOUT_SECONDS = float(env("NEWSROOM_CDN_TIMEOUT_SECONDS", "10"))
NEWSROOM_CDN_SOFT_PURGE = env_bool("NEWSROOM_CDN_SOFT_PURGE", False)
# Fastly: the service and an API token with the purge_select scope (purge_all too for `cdn_purge --all`).
NEWSROOM_CDN_FASTLY_SERVICE_ID = env("NEWSROOM_CDN_FASTLY_SERVICE_ID", "")
NEWSROOM_CDN_FASTLY_TOKEN = env("NEWSROOM_CDN_FASTLY_TOKEN", "")
NEWSROOM_CDN_FASTLY_API_URL = env("NEWSROOM_CDN_FASTLY_API_URL", "https://api.fastly.com")
# Cloudflare: the zone, an API token with the zone's Cache Purge permission, and the tags one call may carry.
NEWSROOM_CDN_CLOUDFLARE_ZONE_ID = env("NEWSROOM_CDN_CLOUDFLARE_ZONE_ID", "")
NEWSROOM_CDN_CLOUDFLARE_TOKEN = env("NEWSROOM_CDN_CLOUDFLARE_TOKEN", "")
NEWSROOM_CDN_CLOUDFLARE_API_URL = env("NEWSROOM_CDN_CLOUDFLARE_API_URL", "https://api.cloudflare.com/client/v4")
NEWSROOM_CDN_CLOUDFLARE_TAGS_PER_CALL = int(env("NEWSROOM_CDN_CLOUDFLARE_TAGS_PER_CALL", "100"))
# Varnish with the xkey vmod: the address of each Varnish server, comma-separated (http://10.0.0.5:6081/).
NEWSROOM_CDN_VARNISH_URLS = env_list("NEWSROOM_CDN_VARNISH_URLS")
