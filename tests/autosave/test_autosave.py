"""Autosave of the story form: a per-person draft slot, offered back, never written into the story."""
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Status
from autosave.models import Draft
from tests.articles.adminforms import admin_form_data
from tests.factories import make_article, make_caption, make_section
from tests.security.htmlcheck import visible_text

pytestmark = pytest.mark.django_db


def autosave_url(story="moi"):
    return reverse("admin:articles_article_autosave", args=[story])


def discard_url(story="moi"):
    return reverse("admin:articles_article_autosave_discard", args=[story])


def send(client, story, fields, captions=None, version=""):
    body = json.dumps({"fields": fields, "captions": captions or {}, "version": version})
    return client.post(autosave_url(story), body, content_type="application/json")


@pytest.fixture
def story(reporter):
    article = make_article("Lũ quét ở Pác Nặm", section=make_section("Thời sự"), created_by=reporter,
                           body="<p>Nước lên nhanh trong đêm.</p>", sapo="Ba xã bị chia cắt.")
    return article


@pytest.fixture
def reporter_client(reporter):
    client = Client()
    client.force_login(reporter)
    return client


def test_autosave_keeps_the_text_in_a_slot_and_never_touches_the_story(reporter_client, reporter, story):
    """An autosave answers with its time and fills the person's slot; the story, its version and revisions stay."""
    revisions_before = Version.objects.get_for_object(story).count()
    response = send(reporter_client, story.pk, {"title": "Lũ quét ở Pác Nặm, ba người mất tích",
                                                "body": "<p>Nước lên nhanh trong đêm.</p><p>Đoạn mới.</p>"},
                    version=story.version)
    assert response.status_code == 200
    answer = response.json()
    draft = Draft.objects.get(user=reporter, article=story)
    assert answer["saved"] and answer["message"] == f"Đã tự lưu {timezone.localtime(draft.saved_at):%H:%M}"
    assert draft.fields["title"] == "Lũ quét ở Pác Nặm, ba người mất tích" and draft.version == story.version
    fresh = Article.objects.get(pk=story.pk)
    assert (fresh.title, fresh.body, fresh.version) == (story.title, story.body, story.version)
    assert Version.objects.get_for_object(story).count() == revisions_before


def test_reopening_the_story_offers_the_autosave_with_a_diff(reporter_client, story):
    """The change form opened later asks "Khôi phục bản tự lưu lúc HH:MM?" and shows what differs from the story."""
    send(reporter_client, story.pk, {"sapo": "Ba xã bị chia cắt, hai cầu bị cuốn trôi."}, version=story.version)
    response = reporter_client.get(reverse("admin:articles_article_change", args=[story.pk]))
    page = response.content.decode()
    text = visible_text(page)
    saved = timezone.localtime(Draft.objects.get().saved_at)
    assert f"Khôi phục bản tự lưu lúc {saved:%H:%M}?" in text
    assert "Ba xã bị chia<del> cắt.</del><ins> cắt, hai cầu bị cuốn trôi.</ins>" in page
    values = response.context["autosave"]["offer"]["values"]
    assert values["fields"]["sapo"] == "Ba xã bị chia cắt, hai cầu bị cuốn trôi."
    assert values["version"] == str(story.version)
    assert 'id="nr-autosave-draft" type="application/json"' in page


def test_new_story_autosave_is_offered_on_the_add_form_and_saving_removes_it(reporter_client, reporter):
    """A story not saved yet has its own slot; the add form offers it; saving the new story clears the slot."""
    section = make_section("Xã hội")
    assert send(reporter_client, "moi", {"title": "Chợ phiên Bằng Vân", "body": "<p>Chợ họp năm ngày một lần.</p>"}
                ).status_code == 200
    add_url = reverse("admin:articles_article_add")
    response = reporter_client.get(add_url)
    assert "Khôi phục bản tự lưu lúc" in visible_text(response.content.decode())
    data = admin_form_data(response)
    data.update({"title": "Chợ phiên Bằng Vân", "body": "<p>Chợ họp năm ngày một lần.</p>", "section": str(section.pk),
                 "sapo": "", "kicker": "", "_save": "Lưu"})
    saved = reporter_client.post(add_url, data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert Article.objects.filter(title="Chợ phiên Bằng Vân").exists()
    assert not Draft.objects.filter(user=reporter).exists()
    assert "Khôi phục bản tự lưu" not in visible_text(reporter_client.get(add_url).content.decode())


def test_saving_the_story_removes_its_slot(reporter_client, reporter, story):
    """A normal save of the form ends the draft of that story."""
    send(reporter_client, story.pk, {"title": "Tiêu đề đang gõ"}, version=story.version)
    change_url = reverse("admin:articles_article_change", args=[story.pk])
    data = admin_form_data(reporter_client.get(change_url))
    data.update({"title": "Tiêu đề đã lưu", "_save": "Lưu"})
    assert reporter_client.post(change_url, data).status_code == 302
    assert Article.objects.get(pk=story.pk).title == "Tiêu đề đã lưu"
    assert not Draft.objects.filter(user=reporter).exists()


def test_a_refused_stale_save_keeps_the_slot(reporter_client, reporter, editor, story):
    """When the save is refused because someone else saved first, the autosave stays for later."""
    change_url = reverse("admin:articles_article_change", args=[story.pk])
    data = admin_form_data(reporter_client.get(change_url))
    send(reporter_client, story.pk, {"title": "Bản của phóng viên"}, version=story.version)
    story.title = "Bản của biên tập viên"
    story.save()
    data.update({"title": "Bản của phóng viên", "_save": "Lưu"})
    response = reporter_client.post(change_url, data)
    assert response.status_code == 200 and response.context["adminform"].form.conflict is not None
    assert Draft.objects.filter(user=reporter, article=story).exists()
    assert Article.objects.get(pk=story.pk).title == "Bản của biên tập viên"


def test_discarding_removes_the_slot(reporter_client, reporter, story):
    """"Bỏ bản tự lưu" forgets the draft; the form no longer offers it."""
    send(reporter_client, story.pk, {"title": "Sẽ bỏ"})
    assert reporter_client.post(discard_url(story.pk)).json() == {"discarded": True}
    assert not Draft.objects.exists()
    response = reporter_client.get(reverse("admin:articles_article_change", args=[story.pk]))
    assert response.context["autosave"]["offer"] is None


def test_slots_are_per_person(reporter_client, reporter, editor, story):
    """The editor's autosave of the same story is the editor's: the reporter is neither offered it nor overwritten."""
    send(reporter_client, story.pk, {"title": "Bản phóng viên"})
    editor_client = Client()
    editor_client.force_login(editor)
    assert send(editor_client, story.pk, {"title": "Bản biên tập"}).status_code == 200
    assert Draft.objects.get(user=reporter).fields["title"] == "Bản phóng viên"
    assert Draft.objects.get(user=editor).fields["title"] == "Bản biên tập"
    offer = reporter_client.get(reverse("admin:articles_article_change", args=[story.pk])).context["autosave"]["offer"]
    assert offer["values"]["fields"]["title"] == "Bản phóng viên"


def test_an_autosave_equal_to_the_story_leaves_no_slot(reporter_client, story):
    """An autosave that arrives with the text just saved (or CKEditor's reformatting of it) is no draft."""
    response = send(reporter_client, story.pk, {"title": story.title, "sapo": story.sapo,
                                                "body": "<p>Nước lên nhanh trong đêm.</p>\n\n"})
    assert response.json() == {"saved": False, "message": ""}
    assert not Draft.objects.exists()


def test_the_draft_body_is_sanitised_and_unknown_captions_dropped(reporter_client, story, other_reporter):
    """The body is kept as a save would store it; captions of other stories are not kept."""
    own = make_caption(story, text="Cầu tràn bị ngập.")
    foreign = make_caption(make_article("Bài khác"), text="Của bài khác.")
    send(reporter_client, story.pk, {"body": '<p onclick="x()">Chữ<script>alert(1)</script></p>'},
         captions={str(own.pk): "Cầu tràn ngập sâu 2 m.", str(foreign.pk): "Sửa trộm"})
    draft = Draft.objects.get()
    assert draft.fields["body"] == "<p>Chữ</p>"
    assert draft.captions == {str(own.pk): "Cầu tràn ngập sâu 2 m."}


@pytest.mark.parametrize("who, expected", [("other_reporter", 404), ("published_reader", 403)])
def test_stories_the_user_may_not_edit_are_refused(request, story, who, expected, other_reporter, reporter):
    """Another reporter's draft is not there (404); a published story a reporter may read but not edit is refused (403)."""
    client = Client()
    if who == "other_reporter":
        client.force_login(other_reporter)
        target = story
    else:
        client.force_login(reporter)
        target = make_article("Đã đăng", status=Status.PUBLISHED)
    response = send(client, target.pk, {"title": "Chen vào"})
    assert response.status_code == expected
    assert response.json()["error"] in ("Không tìm thấy bài viết này, hoặc bạn không có quyền xem.",
                                        "Bạn không có quyền sửa bài này nên chữ gõ trong đó không được lưu.")
    assert not Draft.objects.exists()


def test_crafted_requests_are_refused_in_vietnamese(reporter_client, story, settings):
    """Too large, not JSON, unknown fields, wrong types, GET: refused with a Vietnamese message, nothing kept."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    big = send(reporter_client, story.pk, {"body": "<p>" + "chữ " * 1000 + "</p>"})
    assert big.status_code == 413 and "quá lớn" in big.json()["error"]
    cases = [
        reporter_client.post(autosave_url(story.pk), "không phải json", content_type="application/json"),
        reporter_client.post(autosave_url(story.pk), json.dumps({"fields": {"status": "published"}}),
                             content_type="application/json"),
        reporter_client.post(autosave_url(story.pk), json.dumps({"fields": {"title": ["x"]}}),
                             content_type="application/json"),
        reporter_client.post(autosave_url(story.pk), json.dumps({"fields": {}, "version": "1; drop"}),
                             content_type="application/json"),
        reporter_client.post(autosave_url("abc"), json.dumps({"fields": {}}), content_type="application/json"),
    ]
    assert [r.status_code for r in cases] == [400, 400, 400, 400, 404]
    assert all(r.json()["error"] for r in cases)
    assert "không đọc được" in cases[0].json()["error"]
    assert reporter_client.get(autosave_url(story.pk)).status_code == 405
    assert not Draft.objects.exists()


def test_autosave_needs_the_csrf_token(reporter, story):
    """A cross-site POST without the CSRF token is refused (403) and keeps nothing."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    response = send(client, story.pk, {"title": "Từ trang khác"})
    assert response.status_code == 403
    assert not Draft.objects.exists()


def test_anonymous_autosave_goes_to_the_login(story):
    """Without a login the endpoint keeps nothing (the admin sends the visitor to its login page)."""
    response = send(Client(), story.pk, {"title": "Ẩn danh"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Draft.objects.exists()
