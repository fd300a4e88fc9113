"""Login throttling that fits an office (django-axes): an account locks after a few failures, an address after many.

A newsroom sits behind one router, so every colleague shares one address. django-axes compares the larger of
"failures for this username" and "failures from this address" with one limit, which let one person's typos lock
the whole office out. Here each key has its own limit: an account is locked (from every address) after
AXES_FAILURE_LIMIT failures, an address (for every account) only after NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT
failures, which takes several usernames because a locked account's further attempts are not counted. A lock
ends a cool-off after the failure that set it; failures during a lock do not restart the wait.
"""
import datetime
import ipaddress
import math
from dataclasses import dataclass

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ACCOUNT = "account"
ADDRESS = "address"


@dataclass(frozen=True)
class Lockout:
    """Which key is locked (ACCOUNT or ADDRESS), after how many failures, and until when."""

    kind: str
    failures: int
    until: datetime.datetime


def _recent_attempts(request, **lookup):
    return AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request), **lookup)


def _lockout_of(request, kind, lookup, limit):
    """The lock on one key: counting its newest failures first, the one that reaches the limit ends it last."""
    rows = _recent_attempts(request, **lookup).order_by("-attempt_time").values_list(
        "attempt_time", "failures_since_start")
    total, until = 0, None
    for attempt_time, failures in rows:
        total += failures
        if until is None and total >= limit:
            until = attempt_time + get_cool_off(request)
    return Lockout(kind, total, until) if until else None


def address_failure_limit() -> int:
    return settings.NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT


def current_lockout(request, credentials=None):
    """The lock that stops this login now (the account's first), or None."""
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None)
    if username is not None:
        lockout = _lockout_of(request, ACCOUNT, {"username": username}, get_failure_limit(request, credentials))
        if lockout:
            return lockout
    if address:
        return _lockout_of(request, ADDRESS, {"ip_address": address}, address_failure_limit())
    return None


class OfficeLoginHandler(AxesDatabaseHandler):
    """axes' database handler with a limit per key (see the module's docstring); AXES_HANDLER names it."""

    def get_failures(self, request, credentials=None) -> int:
        """Failures counted against this login, in the account's units (axes compares them with its one limit).

        An account's own failures count as they are; an address past its own, higher limit counts as a full
        account lockout, so axes refuses every account from it.
        """
        username = get_client_username(request, credentials)
        account = 0
        if username is not None:
            account = sum(_recent_attempts(request, username=username).values_list("failures_since_start", flat=True))
        lockout = current_lockout(request, credentials)
        if lockout and lockout.kind == ADDRESS:
            return max(account, get_failure_limit(request, credentials))
        return account

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful login clears its own account's failures only.

        axes also clears every failure from the address, which would let anyone with one good login wipe the
        count of a guesser sharing the address, and would wipe a colleague's lockout with it.
        """
        username = get_client_username(request, credentials)
        if username is None:
            return 0
        count, _deleted = AccessAttempt.objects.filter(username=username).delete()
        return count


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login made through a web request.

    Code that authenticates without a request (Django's test client's login(), a management command)
    is not an attack surface, so it is let through instead of raising; every HTTP login - the admin's
    form included - passes the request and is counted and locked out by axes.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


# AccessAttempt.username is a varchar(255); Django's login form does not cap the username it passes on.
_THROTTLE_USERNAME_LENGTH = 255


def throttled_username(request, credentials=None):
    """The username axes counts failures against, cut to what its table holds.

    Without the cut, a 5,000-character username posted to the login form made PostgreSQL refuse the
    attempt record (a 500 page, and a failure that was never counted).
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    return username[:_THROTTLE_USERNAME_LENGTH] if isinstance(username, str) else username


def client_address(request) -> str:
    """The visitor's IP address for login throttling, read through NEWSROOM_TRUSTED_PROXY_COUNT proxies."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.NEWSROOM_TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < hops:
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def lockout_response(request, original_response=None, credentials=None):
    """The page staff see while locked out: which lock, after how many failures, how long is left, whom to call."""
    credentials = credentials or getattr(request, "axes_credentials", None)
    lockout = current_lockout(request, credentials)
    now = timezone.now()
    if lockout is None:  # axes decided before the last failure was counted, or a lock just ended
        lockout = Lockout(ACCOUNT, get_failure_limit(request, credentials), now + get_cool_off(request))
    seconds_left = max(1, math.ceil((lockout.until - now).total_seconds()))
    context = {
        **admin.site.each_context(request),
        "title": _("Login locked for now"),
        "lockout": lockout,
        "username": get_client_username(request, credentials) if lockout.kind == ACCOUNT else "",
        "minutes_left": math.ceil(seconds_left / 60),
        "until": timezone.localtime(lockout.until),
    }
    response = TemplateResponse(request, "axes/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(seconds_left)
    return response.render()
