"""Each CDN's purge call against a fake of its API on loopback: the URL, method, headers and body it documents."""
import pytest
from django.core import checks

from cdn import backends
from tests.cdn.fake_cdn import header


def test_fastly_batch_purge_posts_the_keys_with_the_token(fastly):
    """POST /service/<id>/purge with {"surrogate_keys": [...]} and the Fastly-Key header; not soft by default."""
    result = backends.current().purge("fastly:SU1Z0isxPaozGVKXdv0eY", ["latest", "section-3", "story-42"])
    assert result.ok and result.status == 200
    [call] = fastly.calls
    assert call["method"] == "POST" and call["path"] == "/service/SU1Z0isxPaozGVKXdv0eY/purge"
    assert call["body"] == {"surrogate_keys": ["latest", "section-3", "story-42"]}
    assert header(call, "Fastly-Key") == "fastly-token-do-not-log"
    assert header(call, "Content-Type") == "application/json"
    assert header(call, "Fastly-Soft-Purge") is None


def test_fastly_soft_purge_and_purge_all(fastly, settings):
    """NEWSROOM_CDN_SOFT_PURGE adds Fastly-Soft-Purge: 1; everything is POST /service/<id>/purge_all (never soft)."""
    settings.NEWSROOM_CDN_SOFT_PURGE = True
    backend = backends.current()
    assert backend.purge("fastly:x", ["story-1"]).ok
    assert backend.purge_all("fastly:x").ok
    soft, everything = fastly.calls
    assert header(soft, "Fastly-Soft-Purge") == "1"
    assert everything["path"] == "/service/SU1Z0isxPaozGVKXdv0eY/purge_all" and everything["body"] is None
    assert header(everything, "Fastly-Soft-Purge") is None and header(everything, "Fastly-Key")


def test_cloudflare_purges_tags_of_its_zone_with_a_bearer_token(cloudflare):
    """POST /client/v4/zones/<zone>/purge_cache with {"tags": [...]} and Authorization: Bearer."""
    backend = backends.current()
    assert backend.targets() == ["cloudflare:023e105f4ecef8ad9ca31a8372d0c353"]
    assert backend.purge(backend.targets()[0], ["home", "story-7"]).ok
    assert backend.purge_all(backend.targets()[0]).ok
    tags, everything = cloudflare.calls
    assert tags["method"] == "POST" and tags["path"] == "/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache"
    assert tags["body"] == {"tags": ["home", "story-7"]}
    assert header(tags, "Authorization") == "Bearer cloudflare-token-do-not-log"
    assert everything["body"] == {"purge_everything": True}


def test_cloudflare_refusal_is_reported_with_its_own_message(cloudflare):
    """A 200 with success: false, or an error status, is a failure that names Cloudflare's error, not the token."""
    cloudflare.answers = [(200, {"success": False, "errors": [{"code": 1134, "message": "Purge by tag is not "
                                                               "available"}], "messages": [], "result": None}),
                          (429, {"success": False, "errors": [{"code": 971, "message": "Please wait"}]})]
    backend = backends.current()
    refused = backend.purge("cloudflare:z", ["story-1"])
    limited = backend.purge("cloudflare:z", ["story-1"])
    assert not refused.ok and "1134: Purge by tag is not available" in refused.error
    assert not limited.ok and limited.status == 429 and "971: Please wait" in limited.error
    assert "cloudflare-token-do-not-log" not in refused.error + limited.error


def test_varnish_purges_each_server_with_an_xkey_header(varnishes, settings):
    """PURGE / with xkey-purge: <keys space-separated> to each server; soft: xkey-softpurge; everything: BAN."""
    backend = backends.current()
    assert backend.targets() == [fake.url + "/" for fake in varnishes]
    assert backend.purge(backend.targets()[1], ["story-9", "tag-4-list"]).ok
    [call] = varnishes[1].calls
    assert varnishes[0].calls == []
    assert call["method"] == "PURGE" and call["path"] == "/" and header(call, "xkey-purge") == "story-9 tag-4-list"
    settings.NEWSROOM_CDN_SOFT_PURGE = True
    assert backend.purge(backend.targets()[1], ["story-9"]).ok
    assert header(varnishes[1].calls[1], "xkey-softpurge") == "story-9"
    assert header(varnishes[1].calls[1], "xkey-purge") is None
    assert backend.purge_all(backend.targets()[0]).ok
    assert varnishes[0].calls[0]["method"] == "BAN"


@pytest.mark.parametrize("status", [500, 503, 403])
def test_an_error_status_is_a_failure(fastly, status):
    fastly.status = status
    result = backends.current().purge("fastly:x", ["story-1"])
    assert not result.ok and result.status == status and f"HTTP {status}" in result.error


def test_no_answer_within_the_timeout_is_a_failure(fastly, settings):
    """A CDN that does not answer costs at most NEWSROOM_CDN_TIMEOUT_SECONDS."""
    settings.NEWSROOM_CDN_TIMEOUT_SECONDS = 0.2
    fastly.delay = 1.0
    result = backends.current().purge("fastly:x", ["story-1"])
    assert not result.ok and result.status is None and "timed out" in result.error


def test_a_cdn_that_is_not_listening_is_a_failure(settings):
    from tests.cdn.fake_cdn import free_port

    settings.NEWSROOM_CDN_BACKEND = "varnish"
    settings.NEWSROOM_CDN_VARNISH_URLS = [f"http://127.0.0.1:{free_port()}/"]
    result = backends.current().purge(settings.NEWSROOM_CDN_VARNISH_URLS[0], ["site"])
    assert not result.ok and result.status is None and result.error


def test_keys_are_cleaned_and_site_covers_the_rest():
    """Only well-formed keys are sent, sorted; with `site` among them, `site` alone."""
    assert backends.clean_keys({"story-2", "latest", "bad key", "", "x\r\nInjected: 1"}) == ["latest", "story-2"]
    assert backends.clean_keys(frozenset({"story-2", "site", "home"})) == ["site"]


def test_the_checks_name_what_is_missing_and_never_a_value(settings):
    """manage.py check fails on an unknown backend or missing settings, naming the setting only."""
    settings.NEWSROOM_CDN_BACKEND = "akamai"
    assert [e.id for e in backends.check_configuration()] == ["cdn.E001"]
    settings.NEWSROOM_CDN_BACKEND = "cloudflare"
    settings.NEWSROOM_CDN_CLOUDFLARE_ZONE_ID = "zone"
    settings.NEWSROOM_CDN_CLOUDFLARE_TOKEN = ""
    [error] = backends.check_configuration()
    assert error.id == "cdn.E002" and "NEWSROOM_CDN_CLOUDFLARE_TOKEN" in error.msg
    assert isinstance(error, checks.Error)
    settings.NEWSROOM_CDN_BACKEND = "none"
    assert backends.check_configuration() == []
