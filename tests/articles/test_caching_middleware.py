"""The page cache's early door (articles/middleware.py): hot pages answered before URL resolution, as the view would."""
import pytest
import time_machine
from django.utils import timezone

from articles import caching

pytestmark = pytest.mark.django_db



@pytest.fixture
def local_level(settings):
    """The per-process level on for one second (production's default), time frozen so it stays fresh."""
    settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = 1
    caching.invalidate()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller
    caching.invalidate()


def answered_early(response):
    """The middleware answered: the URL was never resolved."""
    return response.wsgi_request.resolver_match is None


def test_a_hot_page_is_answered_before_url_resolution_with_the_views_bytes_and_headers(client, published_article,
                                                                                      local_level):
    """A hit answered by the middleware has the body and every header of a hit answered by the view's public_page."""
    url = published_article.get_absolute_url()
    first = client.get(url)
    assert first["X-Page-Cache"] == "miss" and not answered_early(first)
    early = client.get(url)
    # A query string goes to the view; this parameter is not declared, so public_page answers from the same entry.
    by_view = client.get(url, {"utm_source": "facebook"})
    assert answered_early(early) and not answered_early(by_view)
    assert early["X-Page-Cache"] == by_view["X-Page-Cache"] == "hit"
    assert early.content == by_view.content == first.content
    assert dict(early.items()) == dict(by_view.items())
    for header in ("Surrogate-Key", "Cache-Tag", "Cache-Control", "ETag", "Last-Modified", "Content-Security-Policy",
                   "X-Frame-Options", "Permissions-Policy"):
        assert early[header]


def test_the_home_page_with_its_holes_is_answered_early_as_by_the_view(client, published_article, local_level):
    """The home page (most read filled in as a hole) answers the same bytes and ETag from either door."""
    client.get("/")
    early, by_view = client.get("/"), client.get("/", {"fbclid": "x"})
    assert answered_early(early) and not answered_early(by_view)
    assert early.content == by_view.content and dict(early.items()) == dict(by_view.items())


def test_a_conditional_request_is_answered_304_before_url_resolution(client, published_article, local_level):
    """If-None-Match with the current ETag answers 304 from the middleware too."""
    url = published_article.get_absolute_url()
    etag = client.get(url)["ETag"]
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and answered_early(response)
    assert client.get(url, HTTP_IF_NONE_MATCH='"khac"').status_code == 200


def test_a_head_request_is_answered_early(client, published_article, local_level):
    url = published_article.get_absolute_url()
    get = client.get(url)
    head = client.head(url)
    assert answered_early(head) and head.status_code == 200 and head["ETag"] == get["ETag"]


def test_a_logged_in_user_is_never_answered_from_the_cache(client, published_article, local_level):
    """Staff carry a session cookie: the middleware leaves them to the view, which never serves them the cache."""
    from tests.factories import make_user

    url = published_article.get_absolute_url()
    client.get(url), client.get(url)
    client.force_login(make_user("bientap", staff=True))
    response = client.get(url)
    assert not answered_early(response) and "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]


def test_a_request_with_a_query_string_goes_to_the_view(client, published_article, local_level):
    url = published_article.get_absolute_url()
    client.get(url)
    response = client.get(url, {"trang": "2"})
    assert not answered_early(response) and response["X-Page-Cache"] == "hit"


def test_a_purge_is_respected_by_the_early_door(client, published_article, local_level):
    """An edit in this process purges the local level: the next bare request is rendered afresh, with the change."""
    url = published_article.get_absolute_url()
    client.get(url), client.get(url)
    published_article.title = "Tiêu đề sửa sau khi đăng"
    published_article.save()
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss" and not answered_early(response)
    assert "Tiêu đề sửa sau khi đăng" in response.content.decode()
    assert answered_early(client.get(url))


def test_a_page_held_past_the_local_lifetime_goes_back_to_the_view(client, published_article, local_level):
    """Past the local level's second, the middleware holds nothing: the view asks the shared cache (a hit there)."""
    from datetime import timedelta

    url = published_article.get_absolute_url()
    client.get(url)
    local_level.shift(timedelta(seconds=1.5))
    response = client.get(url)
    assert not answered_early(response) and response["X-Page-Cache"] == "hit"
    assert answered_early(client.get(url))


def test_a_purge_that_could_not_reach_the_shared_cache_is_sent_before_an_early_answer(client, published_article,
                                                                                   local_level):
    """A purge remembered as pending (the shared cache was down) is sent again before the middleware answers."""
    from articles import cachekeys

    url = published_article.get_absolute_url()
    client.get(url)
    key = cachekeys.story(published_article.pk)
    with caching._pending_lock:
        caching._purge_pending.add(key)
    try:
        client.get(url)
        assert key not in caching._purge_pending
    finally:
        caching._purge_pending.discard(key)


def test_without_the_local_level_every_request_goes_to_the_view(client, published_article, settings):
    """NEWSROOM_PAGE_CACHE_LOCAL_SECONDS=0 (dev, tests): the middleware answers nothing, the view serves the hits."""
    settings.NEWSROOM_PAGE_CACHE_LOCAL_SECONDS = 0
    url = published_article.get_absolute_url()
    client.get(url)
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit" and not answered_early(response)


def test_the_etag_of_a_page_with_holes_changes_with_a_block(client, published_article, local_level):
    """The ETag is made from the page's and its blocks' own: a block rendered anew with other bytes changes it."""
    from articles import holes

    url = published_article.get_absolute_url()
    client.get(url)
    first = client.get(url)
    parts, assemble, leave_out = holes._holes["related"]
    holes.register_assembled("related", parts=parts, assemble=lambda params, values: "<p>Khối mới</p>",
                             leave_out=leave_out)
    try:
        caching.purge_everything()
        second = client.get(url)
        assert b"Kh\xe1\xbb\x91i m\xe1\xbb\x9bi" in second.content
        assert second["ETag"] != first["ETag"]
    finally:
        holes.register_assembled("related", parts=parts, assemble=assemble, leave_out=leave_out)


def test_a_hits_cache_control_is_what_patch_cache_control_writes(client, published_article, local_level, settings):
    """The hit's Cache-Control, written without patch_cache_control's parsing, is the same string it would write."""
    from django.http import HttpResponse
    from django.utils.cache import patch_cache_control

    url = published_article.get_absolute_url()
    client.get(url)
    expected = HttpResponse()
    patch_cache_control(expected, public=True, max_age=settings.NEWSROOM_BROWSER_CACHE_SECONDS,
                        stale_if_error=settings.NEWSROOM_STALE_IF_ERROR_SECONDS,
                        stale_while_revalidate=settings.NEWSROOM_STALE_SECONDS)
    assert client.get(url)["Cache-Control"] == expected["Cache-Control"]


def test_a_story_under_its_sections_new_slug_is_served_while_this_servers_state_still_has_the_old(
        client, published_article, local_level, settings):
    """The story page takes its section's slug from the site state, which another server's rename reaches a second
    later: meanwhile the new address is served, not sent back to the old one for good (the redirect asks the
    database)."""
    from articles.models import Section

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # every request reaches the view
    old = published_article.get_absolute_url()
    assert client.get(old).status_code == 200  # this process now holds the site state
    Section.objects.filter(pk=published_article.section_id).update(slug="thoi-su-moi")  # no purge reaches us yet
    new = f"/thoi-su-moi/{published_article.slug}/"
    assert client.get(new).status_code == 200
    wrong = client.get(f"/khong-phai/{published_article.slug}/")
    assert wrong.status_code == 301 and wrong["Location"] == new
