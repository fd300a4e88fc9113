"""The page cache: conditional requests, invalidation on every change, scheduled stories, staff never cached."""
from datetime import timedelta

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.caching import is_private_request
from articles.models import Article, Correction, Status
from articles.signals import article_changed
from tests.articles.pages import parse_html
from tests.factories import make_article, make_author, make_caption, make_section, make_user

pytestmark = pytest.mark.django_db


def published(title, section, minutes_ago=5, **fields):
    return make_article(title, section=section, status=Status.PUBLISHED,
                        published_at=timezone.now() - timedelta(minutes=minutes_ago), **fields)


def home_titles(client):
    return parse_html(client.get("/").content).text


def test_anonymous_page_is_cacheable_with_etag_and_last_modified(client, published_article):
    """An anonymous page says public, short max-age, stale-while-revalidate, and carries ETag and Last-Modified."""
    response = client.get(published_article.get_absolute_url())
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=60" in cache_control and "stale-while-revalidate=30" in cache_control
    assert response["ETag"].startswith('"') and response["Last-Modified"]


def test_second_request_is_served_from_the_cache_without_queries(client, published_article, django_assert_num_queries):
    """A repeated anonymous request is answered from the page cache with no database query."""
    url = published_article.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second["X-Page-Cache"] == "hit" and second.content == first.content


def test_conditional_requests_answer_304(client, published_article):
    """If-None-Match with the current ETag, or If-Modified-Since, answers 304 Not Modified."""
    url = published_article.get_absolute_url()
    first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"autre"').status_code == 200


def test_editing_a_story_refreshes_cached_pages(client, published_article):
    """Saving a story (as the admin does) shows the new title at once on home and article page."""
    client.get("/"), client.get(published_article.get_absolute_url())
    published_article.title = "Tiêu đề đã sửa sau khi đăng"
    published_article.save()
    assert "Tiêu đề đã sửa sau khi đăng" in home_titles(client)
    assert "Tiêu đề đã sửa sau khi đăng" in parse_html(client.get(published_article.get_absolute_url()).content).text


def test_correction_refreshes_the_article_page(client, published_article):
    """A new correction notice appears on the cached article page."""
    url = published_article.get_absolute_url()
    client.get(url)
    Correction.objects.create(article=published_article, text="Sửa số liệu dân số.")
    assert "Sửa số liệu dân số." in parse_html(client.get(url).content).text


def test_unpublishing_removes_the_story_from_cached_pages(client, published_article,
                                                          django_capture_on_commit_callbacks):
    """Unpublishing through the workflow takes the story off the cached home page and answers 410."""
    url = published_article.get_absolute_url()
    client.get("/"), client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_set_status_by_system(article=published_article, status=Status.UNPUBLISHED)
    assert published_article.title not in home_titles(client)
    assert client.get(url).status_code == 410


def test_article_changed_signal_invalidates(client, published_article):
    """The workflow's article_changed signal alone is enough to refresh cached pages."""
    client.get("/")
    Article.objects.filter(pk=published_article.pk).update(title="Đổi bằng update, báo bằng tín hiệu")
    article_changed.send(sender=Article, article=published_article, action="save")
    assert "Đổi bằng update, báo bằng tín hiệu" in home_titles(client)


def test_byline_caption_and_author_changes_invalidate(client, published_article, author):
    """Changing an author's name or a caption refreshes the cached story."""
    url = published_article.get_absolute_url()
    client.get(url)
    author.name = "Nông Vui (sửa tên)"
    author.save()
    assert "Nông Vui (sửa tên)" in parse_html(client.get(url).content).text
    make_caption(published_article, text="Chú thích mới thêm.")
    assert "Chú thích mới thêm." in parse_html(client.get(url).content).text


def test_scheduled_story_appears_by_itself_when_its_time_comes(client):
    """A story scheduled for 10:00 is absent at 09:59 (pages cached) and present at 10:00 on every page."""
    section = make_section("Thời sự")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        published("Tin đã đăng", section)
        scheduled = make_article("Tin hẹn giờ lúc mười giờ", section=section, status=Status.PUBLISHED,
                                 published_at=timezone.now() + timedelta(minutes=30))
        pages = ["/", section.get_absolute_url(), reverse("articles:rss"), reverse("sitemap-news")]
        for url in pages:
            assert scheduled.title not in client.get(url).content.decode()
        assert client.get(scheduled.get_absolute_url()).status_code == 404
        first = client.get("/")
        assert first["X-Page-Cache"] == "hit"
        assert int(first["Cache-Control"].split("max-age=")[1].split(",")[0]) <= 60

        traveller.shift(timedelta(minutes=29, seconds=59))
        assert scheduled.title not in client.get("/").content.decode()
        cache_control = client.get("/")["Cache-Control"]
        assert "max-age=1" in cache_control and "stale-while-revalidate" not in cache_control

        traveller.shift(timedelta(seconds=1))
        for url in pages:
            assert scheduled.title in client.get(url).content.decode(), url
        assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_cache_lives_no_longer_than_the_page_lifetime(client, published_article):
    """Without changes a cached page is rebuilt after its lifetime (5 minutes)."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.get("/")
        assert client.get("/")["X-Page-Cache"] == "hit"
        traveller.shift(timedelta(minutes=5, seconds=1))
        assert client.get("/")["X-Page-Cache"] == "miss"


def test_logged_in_staff_are_never_served_or_stored_in_the_shared_cache(client, published_article):
    """A staff member's request bypasses the page cache and says private, no-store; it leaves nothing behind."""
    url = published_article.get_absolute_url()
    client.force_login(make_user("bientap", staff=True))
    staff = client.get(url)
    assert "X-Page-Cache" not in staff
    assert "private" in staff["Cache-Control"] and "no-store" in staff["Cache-Control"]
    client.logout()
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_stale_session_cookie_of_a_visitor_still_uses_the_cache(client, rf, published_article):
    """A visitor whose session cookie no longer belongs to a login is treated as anonymous."""
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.COOKIES["sessionid"] = "khong-hop-le"
    request.user = AnonymousUser()
    assert not is_private_request(request)


def test_unknown_query_parameters_share_the_cached_page(client, published_article):
    """Tracking parameters (utm_source...) do not create new cache entries."""
    client.get("/")
    assert client.get("/", {"utm_source": "facebook", "fbclid": "x" * 200})["X-Page-Cache"] == "hit"


def test_not_found_pages_are_not_cached(client, section):
    """A 404 is not stored: a story published later at that address appears."""
    assert client.get("/thoi-su/bai-sap-co/").status_code == 404
    story = make_article("Bài sắp có", section=section, status=Status.PUBLISHED)
    assert client.get(story.get_absolute_url()).status_code == 200


def test_new_author_byline_appears_on_author_page(client, section):
    """Adding a story to an author refreshes the author's cached page."""
    author = make_author("Lý Thị Mai")
    client.get(author.get_absolute_url())
    published("Bài mới của chị Mai", section, authors=[author])
    assert "Bài mới của chị Mai" in parse_html(client.get(author.get_absolute_url()).content).text


def test_staff_preview_of_a_draft_never_reaches_the_public_cache(client, section):
    """An editor previews a draft; afterwards a visitor still gets 404 at its address and no cached copy."""
    draft = make_article("Bản nháp đang xem trước", section=section)
    client.force_login(make_user("tongbientap", superuser=True))
    preview = client.get(reverse("admin:articles_article_preview", args=[draft.pk]))
    assert preview.status_code == 200 and "no-store" in preview["Cache-Control"]
    page = parse_html(preview.content)
    assert page.meta("robots") == "noindex, nofollow"
    assert page.find_all("p", **{"class": "preview-banner"})
    client.logout()
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 404 and "X-Page-Cache" not in response


def test_cached_pages_carry_no_per_request_nonce(client, published_article):
    """Cached HTML holds nothing tied to one request: the JSON-LD block has no CSP nonce (a data block needs none)."""
    url = published_article.get_absolute_url()
    first, second = client.get(url), client.get(url)
    assert second["X-Page-Cache"] == "hit"
    for response in (first, second):
        scripts = parse_html(response.content).find_all("script")
        assert scripts and all("nonce" not in s.attrs for s in scripts)
        assert "nonce-" not in response.get("Content-Security-Policy", "")


@pytest.fixture
def local_level(settings):
    """The optional per-process level, on for one second."""
    from articles import caching

    settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = 1
    caching.invalidate()
    yield
    caching.invalidate()


def test_local_level_serves_hits_without_the_shared_cache(client, published_article, local_level,
                                                          django_assert_num_queries):
    """With the per-process level on, a hot page is answered from memory, even if the shared cache is emptied."""
    from django.core.cache import cache

    url = published_article.get_absolute_url()
    with time_machine.travel(timezone.now(), tick=False):
        client.get(url)
        cache.clear()  # what another process's Redis flush would look like
        with django_assert_num_queries(0):
            assert client.get(url)["X-Page-Cache"] == "hit"


def test_local_level_still_shows_this_servers_edits_at_once(client, published_article, local_level):
    """An edit made in this process empties the local level too: the new title shows on the next request."""
    with time_machine.travel(timezone.now(), tick=False):
        client.get("/")
        published_article.title = "Sửa ngay trên máy chủ này"
        published_article.save()
        assert "Sửa ngay trên máy chủ này" in home_titles(client)


def test_local_level_notices_another_servers_purge_within_its_lifetime(client, published_article, local_level):
    """A purge made elsewhere (the story's pages deleted from the shared cache) reaches this process after at most
    one second."""
    from articles import cacheindex, cachekeys
    from prerender.store import render_story

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.get("/")
        Article.objects.filter(pk=published_article.pk).update(title="Sửa từ máy chủ khác")
        render_story(published_article.pk)  # another server's save renders the story into the shared database
        cacheindex.purge([cachekeys.story(published_article.pk)])  # another server's purge_keys()
        assert "Sửa từ máy chủ khác" not in home_titles(client)  # this process trusts its copy for a second
        traveller.shift(timedelta(seconds=1))
        assert "Sửa từ máy chủ khác" in home_titles(client)


def test_local_level_respects_the_next_scheduled_time(client, section, local_level):
    """The per-process level also ends at the next scheduled publish time."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        published("Tin đã đăng", section)
        make_article("Tin hẹn giờ nửa giây", section=section, status=Status.PUBLISHED,
                     published_at=timezone.now() + timedelta(milliseconds=500))
        assert "Tin hẹn giờ nửa giây" not in home_titles(client)
        traveller.shift(timedelta(milliseconds=600))
        assert "Tin hẹn giờ nửa giây" in home_titles(client)


def test_public_pages_do_not_vary_by_browser_language(client, published_article):
    """One language, one cache entry: no Vary on Accept-Language, and Vietnamese whatever the browser asks."""
    response = client.get(published_article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "accept-language" not in response.get("Vary", "").lower()
    assert '<html lang="vi"' in response.content.decode()


def test_random_query_strings_on_a_page_that_reads_none_make_one_entry(client, published_article,
                                                                        django_assert_num_queries):
    """200 requests of /?q=<random> render the home page once; the other 199 are hits without a query."""
    import uuid

    first = client.get("/", {"q": uuid.uuid4().hex})
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        answers = [client.get("/", {"q": uuid.uuid4().hex, "trang": "7"}) for _ in range(199)]
    assert {a["X-Page-Cache"] for a in answers} == {"hit"}
    assert {a.content for a in answers} == {first.content}


def test_junk_cursors_answer_not_found_and_leave_nothing_in_the_cache(client, published_article):
    """Made-up cursors on a section page answer 404 each time: none of them is stored."""
    import uuid

    url = published_article.section.get_absolute_url()
    for n in range(20):
        for junk in (uuid.uuid4().hex, f"{n}-{n}", f"1700000000000000-{n}"):
            response = client.get(url, {"truoc": junk})
            assert response.status_code == 404 and "X-Page-Cache" not in response
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_a_view_sees_only_the_query_parameters_it_declares(rf):
    """The declaration is the truth: an undeclared parameter is invisible to the view and absent from the key."""
    from articles.caching import page_key, public_page

    seen = []

    @public_page(parameters=("nam",))
    def archive(request):
        seen.append((dict(request.GET.items()), page_key(request)))
        return HttpResponse("ok")

    archive(rf.get("/luu-tru/", {"nam": "2024", "utm_source": "zalo"}))
    archive(rf.get("/luu-tru/", {"nam": "2025", "q": "x"}))
    third = archive(rf.get("/luu-tru/", {"fbclid": "y", "nam": "2025"}))
    assert [params for params, _ in seen] == [{"nam": "2024"}, {"nam": "2025"}]
    assert seen[0][1] != seen[1][1]
    assert third["X-Page-Cache"] == "hit"


def test_second_visitor_cannot_tell_that_a_phrase_was_searched(client, published_article,
                                                             django_assert_max_num_queries):
    """Search results are rendered per request: no cache hit, no Last-Modified or ETag, never stored by a CDN."""
    from django.test import Client

    url = reverse("articles:search")
    first = client.get(url, {"q": "Đại hội Bắc Kạn"})
    assert first.status_code == 200
    second = Client().get(url, {"q": "Đại hội Bắc Kạn"})
    for response in (first, second):
        assert "X-Page-Cache" not in response and "Last-Modified" not in response and "ETag" not in response
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert published_article.title in second.content.decode()


def test_a_reporters_draft_save_leaves_the_public_cache_alone(client, section, reporter, editor,
                                                              django_capture_on_commit_callbacks):
    """A private draft saved through the admin purges nothing; an edit of a published story purges at once."""
    from tests.articles.adminforms import admin_form_data

    live = make_article("Tin đã đăng về mùa lúa", section=section, authors=[reporter.author], created_by=reporter,
                        status=Status.PUBLISHED)
    draft = make_article("Bản nháp chưa ai thấy", section=section, authors=[reporter.author], created_by=reporter)
    visitor = Client()
    for url in ("/", live.get_absolute_url()):
        visitor.get(url)
        assert visitor.get(url)["X-Page-Cache"] == "hit"

    client.force_login(reporter)
    change = reverse("admin:articles_article_change", args=[draft.pk])
    data = admin_form_data(client.get(change))
    data["title"] = "Bản nháp sửa lần hai"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change, data).status_code == 302
    assert Article.objects.get(pk=draft.pk).title == "Bản nháp sửa lần hai"
    for url in ("/", live.get_absolute_url()):
        assert visitor.get(url)["X-Page-Cache"] == "hit", url

    client.force_login(editor)
    change = reverse("admin:articles_article_change", args=[live.pk])
    data = admin_form_data(client.get(change))
    data["title"] = "Tin đã đăng về mùa lúa (cập nhật)"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change, data).status_code == 302
    page = visitor.get(live.get_absolute_url())
    assert page["X-Page-Cache"] == "miss" and "Tin đã đăng về mùa lúa (cập nhật)" in page.content.decode()
    assert visitor.get("/")["X-Page-Cache"] == "miss"


def test_a_draft_sent_to_review_leaves_the_public_cache_alone(client, section, reporter,
                                                              django_capture_on_commit_callbacks):
    """Submitting a draft (a workflow move between private states) purges nothing."""
    make_article("Tin đã đăng", section=section, status=Status.PUBLISHED)
    draft = make_article("Bài gửi duyệt", section=section, authors=[reporter.author], created_by=reporter)
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_submit(article=draft, by=reporter)
    assert Article.objects.get(pk=draft.pk).status == Status.REVIEW
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_sessions_can_live_in_a_redis_of_their_own(tmp_path):
    """DJANGO_SESSION_CACHE_URL puts sessions in a second Redis, apart from the evictable page cache."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev",
                   "CACHE_URL": "redis://127.0.0.1:6379/9", "DJANGO_SESSION_STORE": "cached_db",
                   "DJANGO_SESSION_CACHE_URL": "redis://127.0.0.1:6380/0"}
    code = ("from django.conf import settings as s; "
            "print(s.SESSION_CACHE_ALIAS, s.CACHES['sessions']['LOCATION'], s.CACHES['default']['LOCATION'])")
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"],
                            cwd=Path(__file__).resolve().parents[2], env=environment, capture_output=True, text=True)
    assert result.stdout.split() == ["sessions", "redis://127.0.0.1:6380/0", "redis://127.0.0.1:6379/9"], result.stderr


@pytest.mark.parametrize("personal", ["csrf_token", "session"])
def test_a_page_that_sets_a_visitor_cookie_on_the_way_out_is_not_cached(db, client, personal):
    """A public page that asks for a CSRF token or writes the session gets its cookie from the middleware
    after the cache decorator has run: it must not be stored, or every visitor would get the first one's."""
    from django.http import HttpResponse as PlainResponse
    from django.middleware.csrf import get_token
    from django.test import RequestFactory
    from django.contrib.sessions.middleware import SessionMiddleware

    from articles.caching import public_page

    @public_page
    def page(request):
        if personal == "csrf_token":
            get_token(request)
        else:
            request.session["seen"] = True
        return PlainResponse("<form>…</form>")

    factory = RequestFactory()
    for _ in range(2):
        request = factory.get("/trang-rieng/")
        SessionMiddleware(lambda r: None).process_request(request)
        response = page(request)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response or response["X-Page-Cache"] != "hit"


def public_routes(patterns=None, prefix=""):
    """(path, view) of every route outside the admin, read from the URL conf, so a new page cannot be missed.

    The API's routes are Django Ninja's dispatchers, which call each endpoint's own public_page
    (api/views.py); its tests check their cache headers. The most-read beacon takes POSTs only and is never
    cached (tests/mostread, tests/articles/test_methods.py).
    """
    from django.conf import settings
    from django.urls import URLResolver, get_resolver

    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern).removeprefix("^")
        if route.startswith(settings.ADMIN_PATH):
            continue
        if isinstance(pattern, URLResolver):
            if pattern.namespace not in ("api", "mostread"):
                yield from public_routes(pattern.url_patterns, route)
        else:
            yield route, pattern.callback


def test_every_public_route_goes_through_the_page_cache():
    """Each public view is a public_page and so declares the query parameters it reads (the rest are cut off)."""
    routes = dict(public_routes())
    assert {"", "tim-kiem/", "robots.txt", "<slug:section>/<slug:slug>/"} <= set(routes)
    assert [route for route, view in routes.items() if not hasattr(view, "public_page_parameters")] == []


def test_a_local_part_is_kept_past_its_second_while_the_purge_clock_stands_still():
    """A block's part read with the purge clock is kept by this process for as long as the clock, read again at least
    every NEWSROOM_PAGE_CACHE_LOCAL_SECONDS, has not moved (no purge anywhere since); an entry read without it goes
    after that second, and any move of the clock drops the part at once."""
    from articles.caching import _LocalCache

    local = _LocalCache()
    part, page = {"value": "khối", "keys": ["tag-1"]}, {"content": b"trang", "keys": ["story-1"]}
    local.remember_page("part", part, now=100.0, clock=7)
    local.remember_page("page", page, now=100.0)
    local.saw_clock(7, now=101.5)
    assert local.page("part", now=102.0, seconds=1) is part  # read 2 s ago, the clock confirmed 0.5 s ago
    assert local.page("page", now=102.0, seconds=1) is None
    assert local.page("part", now=102.6, seconds=1) is None  # the clock not read for over a second: gone
    local.remember_page("part", part, now=103.0, clock=7)
    local.saw_clock(8, now=103.2)  # a purge somewhere
    assert local.page("part", now=103.5, seconds=1) is part  # still within its own second
    assert local.page("part", now=104.1, seconds=1) is None
    local.remember_page("part", part, now=105.0, clock=8)
    local.forget({"tag-1"})  # this process's own purge: at once
    assert local.page("part", now=105.1, seconds=1) is None
