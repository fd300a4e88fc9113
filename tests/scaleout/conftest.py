"""Fixtures for the scale-out tests: shared services (Redis), free loopback ports, app server processes."""
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from bench.server import stop_process_group

ROOT = Path(__file__).resolve().parents[2]

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


def check_redis() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        require_service("Redis", str(error))
    return REDIS_URL


@pytest.fixture
def redis_url():
    """A Redis database the scale-out tests may use (db 3), after checking that Redis answers."""
    return check_redis()

class AppServer:
    """One gunicorn process serving the project on a loopback port; stopped for sure by stop()."""

    def __init__(self, env, name):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.name = name
        self.log = tempfile.NamedTemporaryFile(prefix=f"scaleout-{name}-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "newsroom.wsgi:application", "--bind",
             f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "30", "--graceful-timeout", "2"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, path, timeout=40):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url + path, timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answers: any status will do
            except OSError:
                time.sleep(0.2)
        self.stop()
        pytest.fail(f"app server {self.name} did not start: {Path(self.log.name).read_text()[-2000:]}")

    def stop(self):
        stop_process_group(self.process)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def database_url(settings_dict) -> str:
    """A DATABASE_URL for the (test) database Django is connected to."""
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture(scope="module")
def cache_prefix():
    """A Redis key prefix of this test module's own, so that parallel runs never see each other's pages."""
    return f"scaleout-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def shared_cache(settings, redis_url, cache_prefix):
    """This process uses the app servers' Redis cache, emptied after each test."""
    from django.core.cache import cache

    from newsroom.settings.base import redis_cache

    settings.CACHES = {"default": redis_cache(redis_url, cache_prefix)}  # what production uses
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def app_servers(django_db_setup, django_db_blocker, cache_prefix):
    """Two app servers (A and B) on different ports sharing the test database and the Redis cache."""
    from django.conf import settings
    from django.db import connection

    redis_url = check_redis()
    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.scaleout.server_settings",
           "DATABASE_URL": url, "DATABASE_CONN_MAX_AGE": "0",
           "SCALEOUT_CACHE_URL": redis_url, "SCALEOUT_CACHE_PREFIX": cache_prefix}
    env.pop("DATABASE_REPLICA_URL", None)
    servers = []
    try:
        for name in ("A", "B"):
            servers.append(AppServer(env, name))
        for server in servers:
            server.wait_ready("/" + settings.ADMIN_PATH + "login/")
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def two_servers(app_servers, transactional_db, shared_cache):
    """The two app servers, for a test whose rows are committed (so that the servers see them)."""
    return app_servers
