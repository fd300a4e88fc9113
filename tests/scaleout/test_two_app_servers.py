"""Two app servers behind one load balancer: the page cache, its purge and the sessions are shared.

Each server is a real gunicorn process on its own loopback port; both use the test database and one
Redis cache. Edits are made by this test process (a third app process, as a management command or a
worker would be), so what each server shows can only come from what the three share.
"""
import http.cookiejar
import re
import urllib.parse
import urllib.request

import pytest

from articles import workflow
from articles.models import Article
from tests import factories

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def fetch(server, path, opener=None):
    """(status, body, headers) of a GET through one server."""
    opener = opener or urllib.request.build_opener()
    try:
        with opener.open(server.url + path, timeout=20) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def test_page_cached_by_one_server_is_served_and_purged_by_the_other(two_servers):
    """A story page cached through A is served by B from the shared cache; a real edit shows on both at once."""
    server_a, server_b = two_servers
    article = factories.make_article("Khai trương chợ phiên Bằng Vân", section=factories.make_section("Thời sự"),
                                     authors=[factories.make_author("Lường Thị Hằng")], status="published")
    path = article.get_absolute_url()

    status, body, headers = fetch(server_a, path)
    assert status == 200 and "Khai trương chợ phiên Bằng Vân" in body
    assert headers.get("X-Page-Cache") == "miss"

    # Behind the cache's back (no signal, no purge): B has never rendered the page, yet serves A's copy.
    Article.objects.filter(pk=article.pk).update(title="Tiêu đề đổi ngầm")
    status, body, headers = fetch(server_b, path)
    assert status == 200 and "Khai trương chợ phiên Bằng Vân" in body and "đổi ngầm" not in body
    assert headers.get("X-Page-Cache") == "hit"

    # A real edit purges the shared cache: both servers show the new title on the next request.
    article.refresh_from_db()
    article.title = "Chợ phiên Bằng Vân đông vui ngày đầu"
    article.save()
    for server in (server_a, server_b):
        status, body, _headers = fetch(server, path)
        assert status == 200 and "Chợ phiên Bằng Vân đông vui ngày đầu" in body


def test_story_published_elsewhere_appears_on_both_servers(two_servers):
    """The home page cached on both servers shows a story as soon as an editor publishes it, on either server."""
    server_a, server_b = two_servers
    section = factories.make_section("Xã hội")
    author = factories.make_author("Nông Văn Dũng")
    factories.make_article("Tin cũ đã đăng", section=section, authors=[author], status="published")
    story = factories.make_article("Cầu treo Khuổi Ún thông xe", section=section, authors=[author], status="review")
    for server in (server_a, server_b):
        status, body, _headers = fetch(server, "/")
        assert status == 200 and "Tin cũ đã đăng" in body and "Khuổi Ún" not in body
    assert fetch(server_b, "/")[2].get("X-Page-Cache") == "hit"

    workflow.article_publish(article=story, by=factories.make_user("bientap-scaleout", superuser=True))

    for server in (server_b, server_a):
        status, body, _headers = fetch(server, "/")
        assert status == 200 and "Cầu treo Khuổi Ún thông xe" in body


def test_login_on_one_server_holds_on_the_other(two_servers, settings):
    """An editor who logs in through A is logged in on B: sessions live in the database, not on a server's disk."""
    server_a, server_b = two_servers
    factories.make_user("bientap-phien", superuser=True, password="mat-khau-phien-2026")
    login = "/" + settings.ADMIN_PATH + "login/"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, page, _headers = fetch(server_a, login, opener)
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "bientap-phien",
                                   "password": "mat-khau-phien-2026", "next": "/" + settings.ADMIN_PATH}).encode()
    request = urllib.request.Request(server_a.url + login, data=form, headers={"Referer": server_a.url + login})
    with opener.open(request, timeout=20) as response:
        assert response.status == 200
    assert any(cookie.name == settings.SESSION_COOKIE_NAME for cookie in jar)

    # Cookies are per host and port in the jar; a load balancer sends the same cookie to either server.
    session = next(c.value for c in jar if c.name == settings.SESSION_COOKIE_NAME)
    request = urllib.request.Request(server_b.url + "/" + settings.ADMIN_PATH,
                                     headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"})
    with urllib.request.build_opener().open(request, timeout=20) as response:
        body = response.read().decode()
    assert response.status == 200
    assert "bientap-phien" in body.lower() or "đăng xuất" in body.lower()
    assert 'name="password"' not in body  # not the login form again
