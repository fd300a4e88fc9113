"""The CDNs the site can purge by key, chosen by NEWSROOM_CDN_BACKEND: none, fastly, cloudflare or varnish.

Each backend knows its targets (the one API of a Fastly service or a Cloudflare zone; each Varnish server),
how many keys one call may carry, and how to purge a batch of keys or everything at one target. A call
returns a Result and never raises; its error text never holds a credential (tokens travel in headers only,
and only the CDN's status and its own error message are kept).

The key `site` is on every page (articles/cachekeys.py): purging it empties every page from the CDN and
leaves static files and media alone (their names change when they do). `purge_all` is the CDN's own
purge of everything, for `manage.py cdn_purge --all` only: it also drops pages cached before they carried
keys, and every static file and photo, which the CDN must then fetch again.
"""
import dataclasses
import json
import re
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core import checks

ERROR_CHARS = 500
# What a key may look like: the names of articles/cachekeys.py, and nothing a header or a URL would mangle.
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")
SITE_KEY = "site"


@dataclasses.dataclass(frozen=True)
class Result:
    ok: bool
    status: int | None = None
    error: str = ""
    milliseconds: int = 0


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a purge API that redirects is misconfigured: report it, never resend the token elsewhere


_opener = urllib.request.build_opener(_NoRedirects)


def http(method, url, *, headers, body=None) -> tuple[int | None, bytes, str]:
    """One request with the purge timeout: (status or None, answer body, error text)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "User-Agent": "Newsroom-CDN-Purge/1",
        **({"Content-Type": "application/json"} if data is not None else {}),
        **headers,
    })
    try:
        with _opener.open(request, timeout=settings.NEWSROOM_CDN_TIMEOUT_SECONDS) as response:
            return response.status, response.read(65536), ""
    except urllib.error.HTTPError as error:
        answer = error.read(65536) if error.fp is not None else b""
        return error.code, answer, f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, b"", str(getattr(error, "reason", error))[:ERROR_CHARS] or type(error).__name__


def _missing(**values):
    return [name for name, value in values.items() if not value]


def _timed(call):
    started = time.monotonic()
    result = call()
    return dataclasses.replace(result, milliseconds=int((time.monotonic() - started) * 1000))


class Backend:
    name = ""
    batch_size = 1

    def targets(self) -> list[str]:
        raise NotImplementedError

    def problems(self) -> list[str]:
        """What is missing from the settings for this backend to work (names of settings, never values)."""
        return []

    def purge(self, target: str, keys: list[str]) -> Result:
        return _timed(lambda: self._purge(target, keys))

    def purge_all(self, target: str) -> Result:
        return _timed(lambda: self._purge_all(target))

    def _purge(self, target, keys):
        raise NotImplementedError

    def _purge_all(self, target):
        raise NotImplementedError


class FastlyBackend(Backend):
    """Fastly's batch purge by surrogate key (at most 256 keys a call), soft if NEWSROOM_CDN_SOFT_PURGE."""

    name = "fastly"
    batch_size = 256

    def targets(self):
        return [f"fastly:{settings.NEWSROOM_CDN_FASTLY_SERVICE_ID}"]

    def problems(self):
        return _missing(NEWSROOM_CDN_FASTLY_SERVICE_ID=settings.NEWSROOM_CDN_FASTLY_SERVICE_ID,
                        NEWSROOM_CDN_FASTLY_TOKEN=settings.NEWSROOM_CDN_FASTLY_TOKEN)

    def _url(self, path):
        base = settings.NEWSROOM_CDN_FASTLY_API_URL.rstrip("/")
        return f"{base}/service/{settings.NEWSROOM_CDN_FASTLY_SERVICE_ID}/{path}"

    def _headers(self):
        return {"Fastly-Key": settings.NEWSROOM_CDN_FASTLY_TOKEN, "Accept": "application/json"}

    def _purge(self, target, keys):
        headers = self._headers()
        if settings.NEWSROOM_CDN_SOFT_PURGE:
            headers["Fastly-Soft-Purge"] = "1"  # mark stale (served while refetched) instead of dropping
        status, _answer, error = http("POST", self._url("purge"), headers=headers, body={"surrogate_keys": keys})
        return Result(ok=status is not None and 200 <= status < 300, status=status, error=error)

    def _purge_all(self, target):
        # Fastly's purge_all is never soft, and needs a token with the purge_all scope.
        status, _answer, error = http("POST", self._url("purge_all"), headers=self._headers())
        return Result(ok=status is not None and 200 <= status < 300, status=status, error=error)


class CloudflareBackend(Backend):
    """Cloudflare's purge by Cache-Tag: NEWSROOM_CDN_CLOUDFLARE_TAGS_PER_CALL tags a call (100 on every plan when
    this was written; older accounts had 30). Cloudflare has no soft purge."""

    name = "cloudflare"

    @property
    def batch_size(self):
        return settings.NEWSROOM_CDN_CLOUDFLARE_TAGS_PER_CALL

    def targets(self):
        return [f"cloudflare:{settings.NEWSROOM_CDN_CLOUDFLARE_ZONE_ID}"]

    def problems(self):
        return _missing(NEWSROOM_CDN_CLOUDFLARE_ZONE_ID=settings.NEWSROOM_CDN_CLOUDFLARE_ZONE_ID,
                        NEWSROOM_CDN_CLOUDFLARE_TOKEN=settings.NEWSROOM_CDN_CLOUDFLARE_TOKEN)

    def _call(self, body):
        base = settings.NEWSROOM_CDN_CLOUDFLARE_API_URL.rstrip("/")
        url = f"{base}/zones/{settings.NEWSROOM_CDN_CLOUDFLARE_ZONE_ID}/purge_cache"
        status, answer, error = http("POST", url, body=body, headers={
            "Authorization": f"Bearer {settings.NEWSROOM_CDN_CLOUDFLARE_TOKEN}", "Accept": "application/json"})
        # Cloudflare says what went wrong in its JSON ({"success": false, "errors": [{"code", "message"}]}),
        # with a 200 or an error status.
        try:
            parsed = json.loads(answer or b"null")
        except ValueError:
            parsed = None
        success = isinstance(parsed, dict) and parsed.get("success") is True
        if isinstance(parsed, dict) and parsed.get("errors"):
            messages = "; ".join(f"{e.get('code')}: {e.get('message')}" for e in parsed["errors"]
                                 if isinstance(e, dict))
            error = f"{error} {messages}".strip()[:ERROR_CHARS]
        elif status is not None and 200 <= status < 300 and not success:
            error = "Cloudflare did not answer success: true"
        return Result(ok=status is not None and 200 <= status < 300 and success, status=status, error=error)

    def _purge(self, target, keys):
        return self._call({"tags": keys})

    def _purge_all(self, target):
        return self._call({"purge_everything": True})


class VarnishBackend(Backend):
    """Varnish with the xkey vmod: PURGE with an `xkey-purge` (or `xkey-softpurge`) header of space-separated
    keys, to each server of NEWSROOM_CDN_VARNISH_URLS; BAN for everything. DEPLOY.md has the VCL."""

    name = "varnish"
    batch_size = 100  # about 2 KB of header at most, far under Varnish's 8 KB default (http_req_hdr_len)

    def targets(self):
        return list(settings.NEWSROOM_CDN_VARNISH_URLS)

    def problems(self):
        return [] if settings.NEWSROOM_CDN_VARNISH_URLS else ["NEWSROOM_CDN_VARNISH_URLS"]

    def _purge(self, target, keys):
        header = "xkey-softpurge" if settings.NEWSROOM_CDN_SOFT_PURGE else "xkey-purge"
        status, _answer, error = http("PURGE", target, headers={header: " ".join(keys)})
        return Result(ok=status is not None and 200 <= status < 300, status=status, error=error)

    def _purge_all(self, target):
        status, _answer, error = http("BAN", target, headers={})
        return Result(ok=status is not None and 200 <= status < 300, status=status, error=error)


BACKENDS = {backend.name: backend for backend in (FastlyBackend, CloudflareBackend, VarnishBackend)}
NONE = "none"


def current() -> Backend | None:
    """The backend NEWSROOM_CDN_BACKEND names (read at each call), or None for `none`."""
    name = settings.NEWSROOM_CDN_BACKEND
    if name == NONE:
        return None
    try:
        return BACKENDS[name]()
    except KeyError:
        raise ValueError(f"NEWSROOM_CDN_BACKEND must be none, {', '.join(BACKENDS)}, not {name!r}") from None


def clean_keys(keys) -> list[str]:
    """The keys worth sending, sorted: only `site` when it is among them (it covers every page)."""
    valid = {key for key in keys if isinstance(key, str) and KEY_PATTERN.match(key)}
    return [SITE_KEY] if SITE_KEY in valid else sorted(valid)


def check_configuration(app_configs=None, **kwargs):
    """`manage.py check` (and every server start) says when the chosen CDN cannot work as configured."""
    name = settings.NEWSROOM_CDN_BACKEND
    if name != NONE and name not in BACKENDS:
        return [checks.Error(f"NEWSROOM_CDN_BACKEND={name!r} is not one of none, {', '.join(BACKENDS)}.",
                             id="cdn.E001")]
    backend = current()
    if backend is None:
        return []
    return [checks.Error(f"NEWSROOM_CDN_BACKEND={name} needs {missing}.", id="cdn.E002")
            for missing in backend.problems()]
