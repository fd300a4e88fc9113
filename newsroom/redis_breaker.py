"""The shared cache's connections to Redis, behind a circuit breaker kept in each process.

django-redis turns a failed command into a cache miss (IGNORE_EXCEPTIONS) and bounds each wait with its
socket timeouts; this pool adds what it lacks: after one failure every connection of the pool refuses at
once, without touching the network, for CACHE_BREAKER_SECONDS. Then a single request probes the server;
its answer closes the breaker, its failure opens it for another period. So a dead or frozen Redis costs
one timeout per period in each process, not one per request.
"""
import logging
import threading
import time

from redis.backoff import NoBackoff
from redis.connection import Connection, ConnectionPool
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger("newsroom.cache")

NETWORK_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


class CircuitBreaker:
    """Closed (every call goes to Redis), or open until a moment, after which one thread may probe."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.lock = threading.Lock()
        self.open_until = None  # None while closed
        self.prober = None  # the thread allowed to try while the breaker is open
        # Counters for logs and tests: calls that reached the network and failed there, calls refused at once.
        self.failures = 0
        self.refused = 0
        self.outages = 0
        self.clock = time.monotonic

    @property
    def is_open(self) -> bool:
        return self.open_until is not None

    def allow(self) -> bool:
        """May this thread talk to Redis now?"""
        if self.open_until is None:
            return True
        with self.lock:
            if self.open_until is None:
                return True
            now, me = self.clock(), threading.get_ident()
            if now < self.open_until:
                if self.prober == me:
                    return True
                self.refused += 1
                return False
            # The period is over: this thread probes, the others keep skipping the cache meanwhile.
            self.prober, self.open_until = me, now + self.seconds
            return True

    def failed(self, error) -> None:
        if getattr(error, "counted_by_breaker", False):
            return  # the handshake inside connect() already reported it
        error.counted_by_breaker = True
        with self.lock:
            self.failures += 1
            opened = self.open_until is None
            self.open_until, self.prober = self.clock() + self.seconds, None
            if opened:
                self.outages += 1
        if opened:
            logger.error("Redis cache unreachable (%s): pages are served uncached, next try in %.1f s",
                         error, self.seconds)

    def succeeded(self) -> None:
        if self.open_until is None:
            return
        with self.lock:
            if self.open_until is None:
                return
            self.open_until = self.prober = None
        logger.warning("Redis cache answers again: pages are cached again")

    def reset(self) -> None:
        with self.lock:
            self.open_until = self.prober = None
            self.failures = self.refused = self.outages = 0


class _GuardedConnection:
    """Mixed into redis-py's connection classes: ask the breaker first, tell it how each exchange went."""

    breaker: CircuitBreaker

    def connect(self):
        if self._sock is None:
            if not self.breaker.allow():
                raise RedisConnectionError("Redis skipped: circuit breaker open")
            try:
                super().connect()
            except NETWORK_ERRORS as error:
                self.breaker.failed(error)
                raise

    def send_packed_command(self, command, check_health=True):
        if not self.breaker.allow():
            self.disconnect()
            raise RedisConnectionError("Redis skipped: circuit breaker open")
        try:
            super().send_packed_command(command, check_health=check_health)
        except NETWORK_ERRORS as error:
            self.breaker.failed(error)
            raise

    def read_response(self, *args, **kwargs):
        try:
            response = super().read_response(*args, **kwargs)
        except NETWORK_ERRORS as error:
            self.breaker.failed(error)
            raise
        self.breaker.succeeded()
        return response


class BreakerConnectionPool(ConnectionPool):
    """A redis-py pool whose connections share one breaker and never retry (the breaker decides when to try)."""

    def __init__(self, connection_class=Connection, breaker_seconds=5.0, **kwargs):
        self.breaker = CircuitBreaker(float(breaker_seconds))
        guarded = type(f"Guarded{connection_class.__name__}", (_GuardedConnection, connection_class),
                       {"breaker": self.breaker})
        # redis-py may retry with back-off on its own (seconds per request on a dead server): never here.
        kwargs["retry"] = Retry(NoBackoff(), 0)
        super().__init__(connection_class=guarded, **kwargs)


def breaker_of(cache) -> CircuitBreaker | None:
    """The breaker behind a django-redis cache (None for other backends)."""
    client = getattr(cache, "client", None)
    if client is None or not hasattr(client, "get_client"):
        return None
    pool = client.get_client(write=True).connection_pool
    return getattr(pool, "breaker", None)
