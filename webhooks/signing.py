"""How a delivery is signed, and how a receiver checks it (README, "Webhooks", shows the same in a snippet).

The signature is HMAC-SHA256 with the endpoint's secret over "<timestamp>.<body>": the Unix time of the
attempt, a dot, and the raw request body. It travels as `X-Newsroom-Signature: sha256=<hex>` beside
`X-Newsroom-Timestamp`; binding the time in stops an old delivery from being replayed later.
"""
import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Newsroom-Signature"
TIMESTAMP_HEADER = "X-Newsroom-Timestamp"
EVENT_HEADER = "X-Newsroom-Event"
DELIVERY_HEADER = "X-Newsroom-Delivery"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, given: str, *, now=None,
           tolerance=TOLERANCE_SECONDS) -> bool:
    """What a receiver does: a signature of this body at this time, and a time close to now."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((now or time.time()) - stamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, stamp, body), given or "")
