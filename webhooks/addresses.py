"""Where a webhook may be sent: to the internet, not into the newsroom's own network.

An endpoint is an address an editor types; without this check the worker would POST to whatever it names
(the database's host, a cloud metadata service, an admin panel on loopback) and the delivery log would
report what answered. Every address the host name resolves to is checked, at registration and again before
each attempt (a name may be pointed elsewhere later). NEWSROOM_WEBHOOK_ALLOW_PRIVATE_ADDRESSES lets a
deployment whose receivers live on its own network (and the tests, on loopback) through.
"""
import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


def refusal(url: str) -> str:
    """Why the worker will not send to `url`, or "" when it may."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("The address must start with https:// or http://.")
    if settings.NEWSROOM_WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)}
    except (OSError, ValueError, UnicodeError):
        return _("The host name of this address cannot be found.")
    for address in found:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global:
            return _("This address leads into a private network (%(ip)s); webhooks go to the internet only.") % {
                "ip": ip}
    return ""
