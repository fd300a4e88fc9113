"""A changelist paginator that does not count a big table row by row.

`SELECT COUNT(*)` on PostgreSQL reads the whole table (or its whole index): on a paper's archive of
hundreds of thousands of stories it is the slowest query of the changelist, run on every page view.
For the unfiltered list the number only decides how many page links to show, so an estimate from the
planner's statistics (pg_class.reltuples, kept fresh by autovacuum's ANALYZE) is good enough, as the big
Django sites do it. Filtered or searched lists, small tables and other databases are counted exactly.
"""
from django.core.paginator import Paginator
from django.db import connections
from django.db.models.query import QuerySet
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap, and an exact number reads better than an estimate.
EXACT_BELOW = 10_000


def estimated_count(queryset, baseline=None) -> int | None:
    """The planner's row estimate for an unfiltered queryset's table on PostgreSQL, else None.

    `baseline` is a queryset whose conditions count as none: a list that always leaves a few rows out (the story
    list leaves out the trash) is still "unfiltered" for the estimate.
    """
    if not isinstance(queryset, QuerySet):
        return None
    query = queryset.query
    where = None if baseline is not None and query.where == baseline.query.where else query.where
    if where or query.distinct or query.combinator or query.group_by or query.low_mark or query.high_mark is not None:
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                       [connection.ops.quote_name(queryset.model._meta.db_table)])
        row = cursor.fetchone()
    # -1 (PostgreSQL 14+) or 0 means "never analysed": no estimate to trust.
    return row[0] if row and row[0] and row[0] > 0 else None


class EstimatedCountPaginator(Paginator):
    """Paginator whose count is PostgreSQL's estimate for an unfiltered big table, exact otherwise."""

    def baseline(self):
        """A queryset whose conditions count as unfiltered (see estimated_count); None: only no condition."""
        return None

    @cached_property
    def count(self):
        estimate = estimated_count(self.object_list, self.baseline())
        if estimate is not None and estimate >= EXACT_BELOW:
            return estimate
        return super().count
