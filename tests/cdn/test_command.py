"""`manage.py cdn_purge`: the operator's purge by hand, by key, of everything, or of every key still waiting;
and the admin pages that show what waits and every call made."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cdn.models import PendingPurge, PurgeCall, PurgeState
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def purge(*args):
    out, err = StringIO(), StringIO()
    call_command("cdn_purge", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_purge_by_key_at_once(fastly):
    """The keys go in one call at once, without the worker; the output says what was purged, in Vietnamese."""
    out, _ = purge("story-42", "section-3")
    [call] = fastly.calls
    assert call["body"] == {"surrogate_keys": ["section-3", "story-42"]}
    assert "Đã xóa" in out and "section-3 story-42" in out
    assert PurgeCall.objects.get().ok


def test_purge_site_sends_site_alone(cloudflare):
    purge("story-1", "site")
    assert [call["body"] for call in cloudflare.calls] == [{"tags": ["site"]}]


def test_purge_all_uses_the_cdn_purge_everything_and_clears_the_queue(cloudflare):
    """--all is Cloudflare's purge_everything; every key waiting before it is covered and dropped."""
    PendingPurge.objects.create(target="cloudflare:023e105f4ecef8ad9ca31a8372d0c353", key="story-1",
                                state=PurgeState.FAILED, attempts=13)
    purge("--all")
    assert [call["body"] for call in cloudflare.calls] == [{"purge_everything": True}]
    assert not PendingPurge.objects.exists()


def test_queued_sends_given_up_keys_again(fastly):
    """--queued makes every waiting key due, given-up ones too, and sends them now."""
    PendingPurge.objects.create(target="fastly:SU1Z0isxPaozGVKXdv0eY", key="story-1", state=PurgeState.FAILED,
                                attempts=13, next_attempt_at=None)
    out, _ = purge("--queued")
    assert [call["body"] for call in fastly.calls] == [{"surrogate_keys": ["story-1"]}]
    assert not PendingPurge.objects.exists() and "0" in out


def test_a_failed_call_exits_with_an_error_naming_it(varnishes):
    """One Varnish refusing: the other is purged, the command fails and says which server did not purge."""
    varnishes[1].status = 405
    with pytest.raises(CommandError, match="1/2"):
        out, err = StringIO(), StringIO()
        try:
            call_command("cdn_purge", "story-1", stdout=out, stderr=err)
        finally:
            assert varnishes[1].url in err.getvalue() and "HTTP 405" in err.getvalue()
            assert varnishes[0].url in out.getvalue()


@pytest.mark.parametrize("args", [(), ("--all", "story-1"), ("bad key",)])
def test_wrong_arguments_are_refused(fastly, args):
    with pytest.raises(CommandError):
        purge(*args)
    assert fastly.calls == []


def test_without_a_cdn_the_command_says_so(settings):
    settings.NEWSROOM_CDN_BACKEND = "none"
    with pytest.raises(CommandError, match="NEWSROOM_CDN_BACKEND=none"):
        purge("site")


def test_incomplete_settings_are_named_not_shown(fastly, settings):
    settings.NEWSROOM_CDN_FASTLY_TOKEN = ""
    with pytest.raises(CommandError, match="NEWSROOM_CDN_FASTLY_TOKEN"):
        purge("site")
    assert fastly.calls == []


def test_the_admin_lists_waiting_keys_and_calls_and_sends_again(fastly, client, run_worker):
    """A superuser sees what waits (with its error) and each call, and sends the waiting keys again."""
    fastly.status = 500
    from articles.signals import keys_purged

    keys_purged.send(sender=None, keys=frozenset({"story-77"}))
    run_worker()
    client.force_login(make_user("quantri", superuser=True))
    listing = client.get(reverse("admin:cdn_pendingpurge_changelist"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "story-77" in text and "HTTP 500" in text and "Sẽ gửi lại" in text
    calls = client.get(reverse("admin:cdn_purgecall_changelist"))
    assert calls.status_code == 200 and "HTTP 500" in calls.content.decode()
    fastly.status = 200
    answer = client.post(reverse("admin:cdn_pendingpurge_changelist"), {
        "action": "send_again", "_selected_action": [PendingPurge.objects.get().pk]}, follow=True)
    assert "sẽ được gửi lại" in answer.content.decode()
    run_worker()
    assert not PendingPurge.objects.exists() and len(fastly.calls) == 2


def test_staff_without_the_permissions_do_not_see_the_cdn_pages(client):
    """Staff without the model's permissions (reporters, editors) get no CDN pages."""
    client.force_login(make_user("phongvien"))
    assert client.get(reverse("admin:cdn_pendingpurge_changelist")).status_code == 403
