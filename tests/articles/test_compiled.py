"""Compiled public queries (articles/compiled.py): the same rows as the ORM, and on PostgreSQL prepared once per
connection, prepared again when the server lost the statement, and run again on a new connection when the one kept
from an earlier request is dead. Outside TestCase's transaction (the public site reads in autocommit)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from articles.compiled import CompiledQuery
from articles.models import Article, Status
from prerender import reads
from tests.factories import make_article

pytestmark = [pytest.mark.django_db(transaction=True)]


def _titles(*, slug, now):
    return Article.objects.published(now=now).filter(slug=slug).values_list("pk", "title")


def _run(query, slug):
    return query.rows(using="default", slug=slug, now=timezone.now())


def _terminate(pid):
    """Kill the server session `pid` from another connection, as a database restart would."""
    from django.db import connections

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


@pytest.fixture
def story():
    return make_article("Lũ về sớm ở Khuổi Ún", status=Status.PUBLISHED)


def test_rows_match_the_orm_with_and_without_preparing(story):
    draft = make_article("Bản nháp chưa đăng")
    for prepare in (False, True):
        query = CompiledQuery(f"titles {prepare}", _titles, prepare=prepare)
        assert _run(query, story.slug) == [(story.pk, "Lũ về sớm ở Khuổi Ún")]
        assert _run(query, draft.slug) == []  # published() still decides: a draft is never read
        assert _run(query, "khong-co-bai-nay") == []


@pytest.mark.postgres
def test_prepared_once_per_connection_then_executed(story):
    query = CompiledQuery("titles prepared", _titles, prepare=True)
    with CaptureQueriesContext(connection) as first:
        _run(query, story.slug)
    with CaptureQueriesContext(connection) as second:
        assert _run(query, story.slug) == [(story.pk, story.title)]
    # A connection's first prepared statement sets generic plans (planned once, not at every run).
    assert [q["sql"].split()[0] for q in first.captured_queries] == ["SET", "PREPARE", "EXECUTE"]
    assert [q["sql"].split()[0] for q in second.captured_queries] == ["EXECUTE"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
    connection.close()  # a new server connection holds no statement: prepared again
    with CaptureQueriesContext(connection) as third:
        assert _run(query, story.slug) == [(story.pk, story.title)]
    assert [q["sql"].split()[0] for q in third.captured_queries] == ["SET", "PREPARE", "EXECUTE"]


@pytest.mark.postgres
def test_a_statement_the_server_dropped_is_read_plainly_then_prepared_again(story):
    query = CompiledQuery("titles dropped", _titles, prepare=True)
    _run(query, story.slug)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what a pooler's DISCARD ALL or another server connection amounts to
    assert _run(query, story.slug) == [(story.pk, story.title)]
    with CaptureQueriesContext(connection) as again:
        assert _run(query, story.slug) == [(story.pk, story.title)]
    assert [q["sql"].split()[0] for q in again.captured_queries] == ["SET", "PREPARE", "EXECUTE"]


@pytest.mark.postgres
def test_a_dead_kept_connection_is_replaced_without_an_error(story):
    """The read is the connection's check: a connection killed between requests costs a reconnect, not a 503."""
    query = CompiledQuery("titles kept", _titles, prepare=True)
    _run(query, story.slug)
    dead_pid = connection.connection.info.backend_pid
    _terminate(dead_pid)
    # As at the start of the next request: the kept connection is due for its check.
    connection.health_check_enabled, connection.health_check_done = True, False
    assert _run(query, story.slug) == [(story.pk, story.title)]
    assert connection.connection.info.backend_pid != dead_pid


@pytest.mark.postgres
def test_no_prepared_statements_when_turned_off_or_in_a_transaction(story):
    from django.db import transaction

    query = CompiledQuery("titles off", _titles, prepare=True)
    with override_settings(DATABASE_PREPARED_STATEMENTS=False), CaptureQueriesContext(connection) as off:
        assert _run(query, story.slug) == [(story.pk, story.title)]
    with transaction.atomic(), CaptureQueriesContext(connection) as atomic:
        assert _run(query, story.slug) == [(story.pk, story.title)]
    for captured in (off, atomic):
        assert [q["sql"].split()[0] for q in captured.captured_queries] == ["SELECT"]


@pytest.mark.postgres
@override_settings(NEWSROOM_PAGE_CACHE_SECONDS=0)  # every request renders (the bench's cold page)
def test_the_story_page_reads_through_its_prepared_statement(client, story):
    reads.forget_teasers()
    client.get(story.get_absolute_url())  # prepared (and rendered, stored) on the first request
    with CaptureQueriesContext(connection) as page:
        response = client.get(story.get_absolute_url())
    assert response.status_code == 200 and "Lũ về sớm ở Khuổi Ún" in response.content.decode()
    assert any(q["sql"].startswith("EXECUTE newsroom_") for q in page.captured_queries)
    assert not any(q["sql"].startswith("PREPARE") for q in page.captured_queries)


@pytest.mark.postgres
def test_only_a_lost_connection_is_tried_again():
    """A query's own failure (here a statement timeout) is not run a second time; a killed session is."""
    from django.db import OperationalError

    from articles.compiled import _connection_lost

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 50")
        with pytest.raises(OperationalError) as timed_out:
            cursor.execute("SELECT pg_sleep(2)")
        cursor.execute("SET statement_timeout = 0")
    assert not _connection_lost(timed_out.value)

    _terminate(connection.connection.info.backend_pid)
    with pytest.raises(OperationalError) as killed:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    assert _connection_lost(killed.value)
    connection.close()
