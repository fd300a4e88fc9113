"""The admin changelist's paginator: PostgreSQL's statistics for an unfiltered big table, an exact count otherwise."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.admin import pagination
from articles.admin.pagination import EstimatedCountPaginator, estimated_count
from articles.models import Article, Section
from tests import factories


@pytest.fixture
def stories(db):
    section = factories.make_section("Nông nghiệp")
    Article.objects.bulk_create(
        [Article(title=f"Mùa cam sành số {n}", slug=f"mua-cam-sanh-{n}", section=section) for n in range(30)]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_article")
    return section


def counts_in(queries):
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.postgres
def test_unfiltered_list_takes_the_planner_estimate(stories, monkeypatch):
    """On PostgreSQL the unfiltered list's size comes from pg_class.reltuples, with no COUNT(*) over the table."""
    monkeypatch.setattr(pagination, "EXACT_BELOW", 0)
    paginator = EstimatedCountPaginator(Article.objects.order_by("-id"), 10)
    with CaptureQueriesContext(connection) as ctx:
        assert paginator.count == 30
        assert paginator.num_pages == 3
    assert counts_in(ctx.captured_queries) == []
    assert any("reltuples" in q["sql"] for q in ctx.captured_queries)


@pytest.mark.postgres
def test_small_tables_are_counted_exactly(stories):
    """Below EXACT_BELOW rows the estimate is not trusted: the paginator counts."""
    with CaptureQueriesContext(connection) as ctx:
        assert EstimatedCountPaginator(Article.objects.all(), 10).count == 30
    assert len(counts_in(ctx.captured_queries)) == 1


def test_filtered_list_is_counted_exactly(stories, monkeypatch):
    """A filtered (or searched) list gets its exact size, whatever the table's statistics say."""
    monkeypatch.setattr(pagination, "EXACT_BELOW", 0)
    Article.objects.bulk_create([Article(title="Khác mục", slug="khac-muc", section=factories.make_section("Y tế"))])
    filtered = Article.objects.filter(section=stories)
    assert estimated_count(filtered) is None
    with CaptureQueriesContext(connection) as ctx:
        assert EstimatedCountPaginator(filtered, 10).count == 30
    assert len(counts_in(ctx.captured_queries)) == 1


def test_lists_that_are_not_querysets_are_counted(db):
    """A plain list (as some admin actions pass) is paginated as usual."""
    assert EstimatedCountPaginator(list(range(25)), 10).num_pages == 3


def test_no_estimate_for_slices_or_other_databases(stories):
    """A sliced queryset never takes the estimate, and neither does any database but PostgreSQL."""
    assert estimated_count(Article.objects.all()[:5]) is None
    if connection.vendor != "postgresql":
        assert estimated_count(Section.objects.all()) is None
        assert EstimatedCountPaginator(Article.objects.all(), 10).count == 30


@pytest.mark.postgres
def test_editor_changelist_counts_no_rows(client, stories, monkeypatch):
    """The editor's unfiltered story list runs no COUNT(*) over the stories; a searched one counts exactly."""
    monkeypatch.setattr(pagination, "EXACT_BELOW", 0)
    client.force_login(factories.make_user("bientap-danh-sach", superuser=True))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/quan-tri/articles/article/")
    assert response.status_code == 200
    assert "Mùa cam sành số 29" in response.content.decode()
    assert [sql for sql in counts_in(ctx.captured_queries) if "articles_article" in sql] == []
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/quan-tri/articles/article/?q=cam+sanh")
    assert response.status_code == 200
    assert any("articles_article" in sql for sql in counts_in(ctx.captured_queries))
