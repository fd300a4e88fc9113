"""Production: refuses to start without the settings it needs; passes `manage.py check --deploy`."""
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, SILENCED_SYSTEM_CHECKS, STORAGES, content_security_policies, env, env_bool, env_list

if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY")

# HTTPS only. Behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=1 so Django trusts
# X-Forwarded-Proto.
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = env_list("DJANGO_SECURE_REDIRECT_EXEMPT")
SECURE_HSTS_SECONDS = int(env("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preload is opt-in: once a domain is in the browsers' preload lists every subdomain is HTTPS-only for
# months even after the header is dropped, which a paper must decide knowingly (SECURITY.md).
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # check --deploy's reminder that preload is off (security.W021): it is off on purpose, see above.
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Cookies: the session is never readable from script; both only travel over HTTPS.
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", True)
# Browsers fetch any stray http:// subresource (an old link in a body) over HTTPS, as the page itself.
(CONTENT_SECURITY_POLICY, NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY,
 NEWSROOM_EDITOR_CONTENT_SECURITY_POLICY) = content_security_policies(**{"upgrade-insecure-requests": True})

# Static files with hashed names, compressed once at collectstatic.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}

# Hot pages also kept for one second in each app process's memory (articles/caching.py): measured on the
# 2-core bench, a warm article went from about 0.5x to 0.84x of a bare Django view's throughput. The cost:
# another server may show a page changed elsewhere up to this long after the change (a CDN or browser may
# keep it 60 s anyway). The pages held here are also the ones articles/middleware.py answers before URL resolution.
# Set 0 to turn it off.
NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = float(env("NEWSROOM_PAGE_CACHE_LOCAL_SECONDS", "1"))
