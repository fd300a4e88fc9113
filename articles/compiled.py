"""Queries compiled by the ORM once per process, database and shape, then run with new values.

For the small, hot queries of the public pages Django's compiler costs more than the query itself (issue 12:
about two thirds of a cold page went to building SQL whose execution took well under a millisecond). A query
here is still written as a queryset (starting from Article.objects.published() like every public read); it is
built once with stand-in values (probes), compiled, and each later run puts the request's values where the
probes stood in the parameters. Rows come back as tuples, through the same converters the ORM applies.

`build(*shape, **values)` must make its queryset from its arguments alone: what else changes the SQL (a page's
direction) goes in the `shape`, and a list value's length is part of the shape.

On PostgreSQL a query made with `prepare=True` is also PREPAREd, once per server connection, with a generic plan
(planned once), and run with EXECUTE outside transactions (the public site reads in autocommit): planning was about
half of a story page's query (0.65-0.9 ms planned each time, 0.35 ms prepared, on the bench's 100,000 stories) and
more of the front page's and the lists'. A pooler that gives a client
another server connection per transaction loses them: DATABASE_PREPARED_STATEMENTS = False then (DEPLOY.md). A
statement the server no longer has, or whose plan a migration made invalid, is prepared again once; a query still
failing runs as plain SQL.

Such a read is also the request's connection check: Django checks a kept connection (CONN_HEALTH_CHECKS) with a
round trip of its own (SELECT 1) before a request's first query; a prepared read outside a transaction runs
without it and, if the kept connection proves dead, runs once more on a new one.
"""
import contextlib
import datetime
import hashlib
import itertools
import re
import threading
import weakref

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
# A shape past this many per query is not kept (a list of ids of a length never seen again, say).
MAX_SHAPES = 256


class _Probes:
    """Distinct stand-in values, one per argument (and per item of a list argument)."""

    def __init__(self):
        self.count = 0

    def like(self, value):
        self.count += 1
        if isinstance(value, datetime.datetime):
            return _EPOCH + datetime.timedelta(seconds=self.count)
        if isinstance(value, bool):
            raise TypeError("a boolean cannot be told apart in the parameters: make it part of the shape")
        if isinstance(value, int):
            return -(10**12) - self.count
        if isinstance(value, str):
            return f"\x00probe-{self.count}"
        raise TypeError(f"no probe for {type(value).__name__}")


# The statements each server connection holds (raw DB-API connection -> names): a new connection holds none.
_prepared = weakref.WeakKeyDictionary()
_prepared_lock = threading.Lock()
_PLACEHOLDER = re.compile(r"%(s|%)")
# What the server says of a statement it does not hold (26000), holds already (42P05), or whose plan no longer
# fits the tables (0A000, "cached plan must not change result type").
_STATEMENT_ERRORS = {"26000", "42P05", "0A000"}


def _numbered(sql):
    """A DB-API (format style) query as PREPARE takes it: %s -> $1, $2, ...; %% -> %."""
    numbers = itertools.count(1)
    return _PLACEHOLDER.sub(lambda m: f"${next(numbers)}" if m.group(1) == "s" else "%", sql)


class _Statement:
    """How a compiled query runs prepared: its name, PREPARE and EXECUTE."""

    def __init__(self, sql, count):
        self.name = "newsroom_" + hashlib.sha1(sql.encode(), usedforsecurity=False).hexdigest()[:24]
        self.prepare = f"PREPARE {self.name} AS {_numbered(sql)}"
        self.execute = f"EXECUTE {self.name}" + (f"({', '.join(['%s'] * count)})" if count else "")


def _held(raw):
    with _prepared_lock:
        names = _prepared.get(raw)
        if names is None:
            names = _prepared[raw] = set()
        return names


def _adapt(connection, value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


class CompiledQuery:
    """One query of the public site (a values_list queryset), compiled once per database and shape."""

    def __init__(self, name, build, *, prepare=False):
        self.name = name
        self.build = build
        self.prepare = prepare
        self._compiled = {}
        self._lock = threading.Lock()

    def _compile(self, connection, alias, shape, values):
        probes, where = _Probes(), {}
        stand_ins = {}
        for name, value in values.items():
            if isinstance(value, (list, tuple)):
                stand_ins[name] = [probes.like(item) for item in value]
                for index, probe in enumerate(stand_ins[name]):
                    where[_adapt(connection, probe)] = (name, index)
            else:
                stand_ins[name] = probes.like(value)
                where[_adapt(connection, stand_ins[name])] = (name, None)
        query = self.build(*shape, **stand_ins).using(alias).query
        compiler = query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = list(params)
        slots = [(position, *where[param]) for position, param in enumerate(params)
                 if not isinstance(param, bool) and _hashable(param) and param in where]
        if {slot[1:] for slot in slots} != set(where.values()):
            raise ValueError(f"{self.name}: a value does not reach the SQL as a parameter")
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = list(compiler.get_converters(fields).items())
        statement = _Statement(sql, len(params)) if self.prepare and connection.vendor == "postgresql" else None
        return sql, params, slots, converters, statement

    def rows(self, *, shape=(), using, **values) -> list[tuple]:
        """The rows of build(*shape, **values) on the database alias `using`."""
        connection = connections[using]
        key = (using, shape, tuple((n, len(v) if isinstance(v, (list, tuple)) else None)
                                   for n, v in sorted(values.items())))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compile(connection, using, shape, values)
            with self._lock:
                if len(self._compiled) >= MAX_SHAPES:
                    self._compiled.clear()
                self._compiled[key] = compiled
        sql, params, slots, converters, statement = compiled
        params = list(params)
        for position, name, index in slots:
            value = values[name] if index is None else values[name][index]
            params[position] = _adapt(connection, value)
        if statement is not None and settings.DATABASE_PREPARED_STATEMENTS and not connection.in_atomic_block:
            rows = _run_prepared(connection, statement, sql, params)
        else:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
        if not converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(tuple(row))
        return converted


def _run_prepared(connection, statement, sql, params):
    """The rows of a prepared statement (outside any transaction), preparing it on this connection if need be."""
    # A connection kept from an earlier request is checked by this read instead of by a SELECT 1 of its own.
    kept = (connection.connection is not None and connection.health_check_enabled
            and not connection.health_check_done)
    if kept:
        connection.health_check_done = True
    try:
        return _execute_prepared(connection, statement, sql, params)
    except (OperationalError, InterfaceError) as error:
        if not (kept and _connection_lost(error)):
            raise  # a new connection's failure, or the query's own (a timeout): not tried again
        connection.close()  # dead (the server restarted, say): once more on a new connection
        return _execute_prepared(connection, statement, sql, params)


def _connection_lost(error):
    """The connection itself failed: no answer from the server (no SQLSTATE), a connection exception (08...),
    or the server shutting the session down (57P01-57P03)."""
    code = getattr(error.__cause__, "pgcode", None)
    return code is None or code.startswith("08") or code in {"57P01", "57P02", "57P03"}


@contextlib.contextmanager
def _cursor(connection):
    """A cursor for a public read outside any transaction: the driver's own (its errors still Django's), or Django's
    wrapper when something watches the queries (DEBUG, a test counting them, an execute wrapper).

    The wrapper's bookkeeping (async check, health check, thread check, error wrapping per call) cost about 28 us of
    the story page's 134 us of client time per query; _run_prepared does the health check itself.
    """
    if connection.queries_logged or connection.execute_wrappers or connection.connection is None:
        with connection.cursor() as cursor:
            yield cursor
        return
    with connection.wrap_database_errors:
        cursor = connection.create_cursor()
        try:
            yield cursor
        finally:
            cursor.close()


def _execute_prepared(connection, statement, sql, params):
    with _cursor(connection) as cursor:
        names = _held(connection.connection)
        try:
            if not names and connection.pg_version >= 120000:
                # Generic plans: planned once, at the first runs. PostgreSQL's own choice kept planning these
                # queries at every run (custom plans), which cost the front page's query 2.1-2.5 ms instead of 1.25,
                # a list's 0.5-4.4 ms instead of 0.2-2.5 (the bench's 100,000 stories). Only prepared statements
                # follow this setting, and this connection prepares none but these.
                cursor.execute("SET plan_cache_mode = force_generic_plan")
            if statement.name not in names:
                cursor.execute(statement.prepare)
                names.add(statement.name)
            cursor.execute(statement.execute, params)
        except (DatabaseError, connection.Database.Error) as error:  # the driver's own from its own cursor
            if (getattr(error, "pgcode", None) or getattr(error.__cause__, "pgcode", None)) not in _STATEMENT_ERRORS:
                raise
            # Gone (a pooler's other server connection, DISCARD ALL) or out of date (a migration changed what it
            # reads): prepared again next time; this once, the plain query (autocommit: the failure left no
            # transaction to roll back).
            names.clear()  # whatever the server connection lost, it is set up again next time
            try:
                cursor.execute(f"DEALLOCATE {statement.name}")
            except (DatabaseError, connection.Database.Error):
                pass  # this server connection does not hold it
            cursor.execute(sql, params)
        return cursor.fetchall()


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True
