"""The read replica router: public reads by visitors go to 'replica', the admin and the workflow to the primary.

In the tests 'replica' is a TEST MIRROR of the default database (newsroom/settings/test.py): both aliases
reach the same data over separate connections, so the queries logged on each connection tell where a read went.
"""
import pytest
from django.db import connections, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from newsroom.routers import PrimaryReplicaRouter, replica_reads
from tests import factories

ROUTED = {"DATABASE_ROUTERS": ["newsroom.routers.PrimaryReplicaRouter"]}
both_databases = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def routed_middleware(settings):
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                      "newsroom.routers.PublicReadsMiddleware")
    return middleware


def test_reads_go_to_the_primary_unless_a_public_request_asks():
    """Outside a public request every read and write is routed to the primary."""
    router = PrimaryReplicaRouter()
    assert router.db_for_read(Article) == "default"
    assert router.db_for_write(Article) == "default"
    with replica_reads():
        assert router.db_for_read(Article) == "replica"
        assert router.db_for_write(Article) == "default"
    assert router.db_for_read(Article) == "default"


def test_replica_is_never_migrated():
    """Migrations run on the primary only; the replica gets the schema by replication."""
    router = PrimaryReplicaRouter()
    assert router.allow_migrate("replica", "articles") is False
    assert router.allow_migrate("default", "articles") is True


@both_databases
def test_reads_inside_a_transaction_stay_on_the_primary():
    """A read inside an atomic block on the primary sees what the block just wrote: it is not sent to the replica."""
    router = PrimaryReplicaRouter()
    with replica_reads(), transaction.atomic():
        assert router.db_for_read(Article) == "default"


@both_databases
def test_visitor_page_reads_from_the_replica(client, settings):
    """An anonymous visitor's article page is read from the replica, and nothing of it from the primary."""
    article = factories.make_article("Khánh thành cầu treo Nà Phặc", status="published",
                                     section=factories.make_section("Thời sự"))
    with override_settings(MIDDLEWARE=routed_middleware(settings), **ROUTED):
        with CaptureQueriesContext(connections["default"]) as primary, \
                CaptureQueriesContext(connections["replica"]) as replica:
            response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Khánh thành cầu treo Nà Phặc" in response.content.decode()
    assert any("articles_article" in q["sql"] for q in replica.captured_queries)
    assert not any("articles_article" in q["sql"] for q in primary.captured_queries)


@both_databases
def test_staff_and_admin_read_from_the_primary(client, settings):
    """A logged-in editor reads the public site and the admin from the primary, never from the replica."""
    editor = factories.make_user("bientap-router", superuser=True)
    article = factories.make_article("Bài đã đăng", status="published", section=factories.make_section("Kinh tế"))
    client.force_login(editor)
    with override_settings(MIDDLEWARE=routed_middleware(settings), **ROUTED):
        with CaptureQueriesContext(connections["default"]) as primary, \
                CaptureQueriesContext(connections["replica"]) as replica:
            public = client.get(article.get_absolute_url())
            admin_list = client.get("/" + settings.ADMIN_PATH + "articles/article/")
    assert public.status_code == 200
    assert admin_list.status_code == 200
    assert replica.captured_queries == []
    assert any("articles_article" in q["sql"] for q in primary.captured_queries)


@both_databases
def test_visitor_post_reads_from_the_primary(client, settings):
    """A visitor's POST (a login attempt) reads from the primary: only safe requests may use the replica."""
    factories.make_user("phongvien-router")
    with override_settings(MIDDLEWARE=routed_middleware(settings), **ROUTED):
        with CaptureQueriesContext(connections["replica"]) as replica:
            response = client.post("/" + settings.ADMIN_PATH + "login/",
                                   {"username": "phongvien-router", "password": "sai-mat-khau"})
    assert response.status_code in (200, 429)
    assert replica.captured_queries == []
