"""Fixtures for the scale-out tests: shared services (Redis), free loopback ports, app server processes."""
import os
import socket

import pytest

REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/3")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_service(name: str, reason: str):
    """Skip where the service is simply not installed; fail in CI (REQUIRE_SERVICES=1), where it must be."""
    message = f"{name} is needed here and is not reachable: {reason}"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def redis_url():
    """A Redis database the scale-out tests may use (db 3), after checking that Redis answers."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        require_service("Redis", str(error))
    return REDIS_URL
