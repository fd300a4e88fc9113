"""PostgreSQL cut off under a real server: a TCP proxy between the app and the database is cut during an admin
save, during a workflow move, and for good after the page cache is warm. After each: a clear answer (never a
500), nothing half-saved, counts of stories, revisions and transitions as before, and the app serving again
once the database is back, on the same long-lived connection handling as production (CONN_MAX_AGE, health checks).
"""
import http.client
import threading
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Status, Transition
from tests.articles.adminforms import admin_form_data
from tests.factories import make_article
from tests.faults.database import CuttableProxy

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

CSRF_SECRET = "k" * 32  # a browser's CSRF cookie; the form posts the same secret back
NOT_SAVED = "Thay đổi của bạn CHƯA được lưu"
UNAVAILABLE = "Trang báo tạm thời gián đoạn"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class OneWorker:
    """The app served by one thread that keeps its database connection between requests, like a gunicorn
    sync worker, with that connection going through `proxy`."""

    def __init__(self, proxy):
        self.proxy = proxy
        self.server = make_server("127.0.0.1", 0, WSGIHandler(), server_class=WSGIServer, handler_class=QuietHandler)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        through_proxy = connections.create_connection("default")
        through_proxy.settings_dict = {
            **through_proxy.settings_dict, "HOST": "127.0.0.1", "PORT": str(self.proxy.port),
            "CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True,
            # In clear on loopback, so that the proxy can see which statement is being sent.
            "OPTIONS": {**through_proxy.settings_dict.get("OPTIONS", {}), "sslmode": "disable"},
        }
        connections["default"] = through_proxy
        try:
            self.server.serve_forever(poll_interval=0.1)
        finally:
            connections.close_all()

    def request(self, method, path, data=None, cookies=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {}
        body = None
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        result = response.status, dict(response.getheaders()), response.read().decode()
        connection.close()
        return result

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


@pytest.fixture
def proxy(transactional_db):
    settings = connections["default"].settings_dict
    cuttable = CuttableProxy(settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432)
    yield cuttable
    cuttable.close()


@pytest.fixture
def worker(proxy):
    server = OneWorker(proxy)
    yield server
    server.stop()


def signed_in(user):
    """Cookies of a browser where `user` is logged in and the CSRF cookie is set."""
    client = Client()
    client.force_login(user)
    return client, {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_SECRET}


def counts():
    return Article.objects.count(), Version.objects.count(), Transition.objects.count()


def assert_unavailable(answer, text):
    status, headers, page = answer
    assert status == 503, page[:300]
    assert headers["Retry-After"] == "30"
    assert text in page


@pytest.mark.parametrize("marker", [b'UPDATE "articles_article"', b'INSERT INTO "reversion_version"', b"COMMIT"])
def test_admin_save_cut_off_saves_nothing_and_the_next_save_works(worker, proxy, superuser, section, marker):
    """The connection dies as the save writes the story, its revision or its COMMIT: 503 "not saved", no change."""
    article = make_article("Đường lên Ba Bể", section=section, status=Status.PUBLISHED)
    client, cookies = signed_in(superuser)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {**admin_form_data(client.get(url)), "title": "Đường lên Ba Bể (sửa)", "csrfmiddlewaretoken": CSRF_SECRET}
    assert worker.request("GET", url, cookies=cookies)[0] == 200  # the worker holds a live connection
    before = counts()

    proxy.cut_when(marker)
    assert_unavailable(worker.request("POST", url, data, cookies), NOT_SAVED)
    assert proxy.cuts == 1
    assert counts() == before
    assert Article.objects.get(pk=article.pk).title == "Đường lên Ba Bể"
    assert_unavailable(worker.request("GET", url, cookies=cookies), UNAVAILABLE)  # still down: a 503, not a 500

    proxy.restore()
    status, headers, _ = worker.request("POST", url, data, cookies)
    assert status == 302
    assert Article.objects.get(pk=article.pk).title == "Đường lên Ba Bể (sửa)"
    assert counts() == (before[0], before[1] + 1, before[2])


def test_workflow_move_cut_off_leaves_the_story_in_review(worker, proxy, editor, reporter, section):
    """The connection dies as "Duyệt và xuất bản" writes the audit log: still in review, no log, no mail."""
    article = make_article("Lũ quét ở Ba Bể", section=section, authors=[reporter.author], created_by=reporter,
                           status=Status.REVIEW)
    _, cookies = signed_in(editor)
    url = reverse("admin:articles_article_transition", args=[article.pk])
    data = {"_transition": "publish", "csrfmiddlewaretoken": CSRF_SECRET}
    before = counts()
    mail.outbox.clear()

    proxy.cut_when(b'INSERT INTO "articles_transition"')
    assert_unavailable(worker.request("POST", url, data, cookies), NOT_SAVED)
    assert proxy.cuts == 1
    assert counts() == before
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW
    assert mail.outbox == []

    proxy.restore()
    assert worker.request("POST", url, data, cookies)[0] == 302
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED
    assert counts() == (before[0], before[1], before[2] + 1)


def test_database_down_cached_pages_served_the_rest_503_then_recovery(worker, proxy, published_article, superuser):
    """PostgreSQL gone: warm pages still 200 from the cache; other pages, feeds, robots.txt, 404s and the admin
    answer the Vietnamese 503; when it returns, the same worker serves them all again by itself."""
    warm = ["/", published_article.get_absolute_url()]
    for url in warm:
        assert worker.request("GET", url)[0] == 200
    _, staff_cookies = signed_in(superuser)
    cold = ["/tim-kiem/?q=bau+cu", "/rss/", "/sitemap.xml", "/thoi-su/khong-co-bai-nay/"]
    admin = reverse("admin:articles_article_changelist")

    proxy.down()
    for url in warm:
        status, headers, _ = worker.request("GET", url)
        assert (url, status, headers["X-Page-Cache"]) == (url, 200, "hit")
    for url in cold:
        assert_unavailable(worker.request("GET", url), UNAVAILABLE)
    assert_unavailable(worker.request("GET", admin, cookies=staff_cookies), UNAVAILABLE)
    # Pages that need nothing but the cached section menu are still served: robots.txt, an unknown address.
    assert worker.request("GET", "/robots.txt")[0] == 200
    assert worker.request("GET", "/khong/co/trang-nay/")[0] == 404

    proxy.restore()
    for url in cold[:-1]:
        assert worker.request("GET", url)[0] == 200, url
    assert worker.request("GET", cold[-1])[0] == 404
    assert worker.request("GET", admin, cookies=staff_cookies)[0] == 200
