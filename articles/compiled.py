"""Queries compiled by the ORM once per process, database and shape, then run with new values.

For the small, hot queries of the public pages Django's compiler costs more than the query itself (issue 12:
about two thirds of a cold page went to building SQL whose execution took well under a millisecond). A query
here is still written as a queryset (starting from Article.objects.published() like every public read); it is
built once with stand-in values (probes), compiled, and each later run puts the request's values where the
probes stood in the parameters. Rows come back as tuples, through the same converters the ORM applies.

`build(*shape, **values)` must make its queryset from its arguments alone: what else changes the SQL (a page's
direction) goes in the `shape`, and a list value's length is part of the shape.
"""
import datetime
import threading

from django.db import connections

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


def _adapt(connection, value):
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


class CompiledQuery:
    """One query of the public site (a values_list queryset), compiled once per database and shape."""

    def __init__(self, name, build):
        self.name = name
        self.build = build
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
        return sql, params, slots, converters

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
        sql, params, slots, converters = compiled
        params = list(params)
        for position, name, index in slots:
            value = values[name] if index is None else values[name][index]
            params[position] = _adapt(connection, value)
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


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True
