"""The story admin: who sees and changes what, the buttons, the changelist, preview, revisions, the desk."""
import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article, Author, Byline, Correction, Status, Transition
from articles.roles import EDITOR, REPORTER
from tests.articles.adminforms import admin_form_data
from tests.factories import make_article, make_author, make_caption, make_photo, make_section, make_user, place_photo


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def story(owner, section, status=Status.DRAFT, title="Lũ quét ở Ba Bể", **fields):
    return make_article(title, section=section, authors=[owner.author], created_by=owner, status=status, **fields)


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


# --- Who sees and changes what ------------------------------------------------------------------------------

def test_reporter_sees_own_and_published_stories_only(client, reporter, other_reporter, section):
    """A reporter's changelist has their drafts and everyone's published stories, not a colleague's drafts."""
    own = story(reporter, section, title="Bài của tôi")
    bylined = make_article("Bài tôi đứng tên", section=section, authors=[reporter.author], created_by=other_reporter)
    theirs = story(other_reporter, section, title="Bản nháp của đồng nghiệp")
    public = story(other_reporter, section, Status.PUBLISHED, title="Bài đã đăng của đồng nghiệp")
    client.force_login(reporter)
    page = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert own.title in page and bylined.title in page and public.title in page
    assert theirs.title not in page


def test_reporter_cannot_open_or_post_to_a_colleagues_draft(client, reporter, other_reporter, section):
    """Another reporter's draft answers 404 to GET and to a crafted POST, and nothing changes."""
    theirs = story(other_reporter, section, title="Bản nháp của đồng nghiệp")
    client.force_login(reporter)
    assert client.get(change_url(theirs)).status_code == 404
    response = client.post(change_url(theirs), {"title": "Bị sửa trộm", "section": section.pk, "version": 1})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Bản nháp của đồng nghiệp" and theirs.version == 1


def test_reporter_cannot_edit_published_or_own_story_in_review(client, reporter, section):
    """A reporter may look at a published story or their own story in review, but a POST is refused with 403."""
    for status in (Status.PUBLISHED, Status.REVIEW):
        article = story(reporter, section, status, title=f"Bài {status}")
        client.force_login(reporter)
        form = client.get(change_url(article))
        assert form.status_code == 200
        assert 'name="title"' not in form.content.decode()  # shown read-only
        response = client.post(change_url(article), {"title": "Sửa sau khi gửi", "section": section.pk,
                                                     "version": article.version})
        assert response.status_code == 403
        assert Article.objects.get(pk=article.pk).title == f"Bài {status}"


def test_status_in_a_crafted_post_is_ignored(client, reporter, section):
    """A reporter's POST that sets status=published saves the text but leaves the story a draft."""
    article = story(reporter, section)
    client.force_login(reporter)
    data = admin_form_data(client.get(change_url(article)))
    data.update({"title": "Tiêu đề mới", "status": "published", "published_at_0": "2020-01-01",
                 "published_at_1": "00:00", "first_published_at": "2020-01-01 00:00"})
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.title == "Tiêu đề mới"
    assert article.status == Status.DRAFT and article.published_at is None and article.first_published_at is None


def test_status_is_never_a_form_field(client, editor, reporter, section):
    """Even an editor's form has no status input; the status shows as a badge."""
    article = story(reporter, section, Status.REVIEW)
    client.force_login(editor)
    response = client.get(change_url(article))
    assert "status" not in response.context["adminform"].form.fields
    assert 'class="nr-badge nr-badge--review"' in response.content.decode()


def test_editor_edits_published_story_and_each_save_is_a_revision(client, editor, reporter, section):
    """An editor's save of a published story keeps it published and adds a revision with the new text."""
    article = story(reporter, section, Status.PUBLISHED)
    client.force_login(editor)
    for title in ["Lũ quét ở Ba Bể: 3 người mất tích", "Lũ quét ở Ba Bể: đã tìm thấy 3 người"]:
        data = admin_form_data(client.get(change_url(article)))
        data["title"] = title
        assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.last_edited_by == editor
    versions = Version.objects.get_for_object(article)
    assert [v.field_dict["title"] for v in versions] == [
        "Lũ quét ở Ba Bể: đã tìm thấy 3 người", "Lũ quét ở Ba Bể: 3 người mất tích"]
    assert versions[0].revision.user == editor


def test_revision_keeps_bylines_and_captions(client, editor, reporter, section):
    """A revision holds the story's bylines and captions along with its text."""
    article = story(reporter, section, Status.REVIEW)
    make_caption(article, text="Hiện trường vụ lũ.")
    client.force_login(editor)
    data = admin_form_data(client.get(change_url(article)))
    assert client.post(change_url(article), data).status_code == 302
    revision = Version.objects.get_for_object(article).get().revision
    models = sorted(v.content_type.model for v in revision.version_set.all())
    assert models == ["article", "byline", "caption"]


def test_editor_adds_a_correction_readers_see(client, django_capture_on_commit_callbacks, editor, reporter, section):
    """A correction (Đính chính) added by an editor to a published story appears at its end on the site."""
    article = story(reporter, section, Status.PUBLISHED)
    Article.objects.filter(pk=article.pk).update(first_published_at=article.published_at)
    client.force_login(editor)
    data = admin_form_data(client.get(change_url(article)))
    data.update({"corrections-TOTAL_FORMS": "1", "corrections-0-text": "Số người mất tích là 3, không phải 4."})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_url(article), data).status_code == 302
    correction = Correction.objects.get(article=article)
    assert correction.created_by == editor
    client.logout()
    assert "Số người mất tích là 3, không phải 4." in client.get(article.get_absolute_url()).content.decode()


def test_reporter_has_no_correction_form(client, reporter, section):
    """Corrections are editors' work: a reporter's form for their own story offers none."""
    article = story(reporter, section)
    client.force_login(reporter)
    formsets = client.get(change_url(article)).context["inline_admin_formsets"]
    assert [f.formset.prefix for f in formsets] == ["bylines", "captions"]


# --- Buttons -----------------------------------------------------------------------------------------------

def test_buttons_show_only_allowed_moves(client, reporter, editor, section):
    """The reporter sees 'Gửi duyệt' on a draft; the editor sees request-changes and publish on a story in review."""
    draft = story(reporter, section)
    client.force_login(reporter)
    page = client.get(change_url(draft)).content.decode()
    assert re.findall(r'name="_transition" value="(\w+)"', page) == ["submit"]

    review = story(reporter, section, Status.REVIEW, title="Chờ duyệt")
    client.force_login(editor)
    page = client.get(change_url(review)).content.decode()
    assert re.findall(r'name="_transition" value="(\w+)"', page) == ["request_changes", "publish"]


def test_reporter_writes_and_submits_in_one_go(client, reporter, editor, section):
    """A new story saved with 'Lưu và gửi duyệt' belongs to its reporter (byline prefilled) and waits for review."""
    client.force_login(reporter)
    form = client.get(reverse("admin:articles_article_add"))
    assert form.context["inline_admin_formsets"][0].formset.forms[0].initial["author"] == reporter.author.pk
    data = admin_form_data(form)
    data.update({"title": "Cháy rừng ở Na Rì", "sapo": "Hơn 2 ha rừng bị cháy.", "body": "<p>Chiều 21/7...</p>",
                 "section": section.pk, "_transition": "submit"})
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get(title="Cháy rừng ở Na Rì")
    assert article.status == Status.REVIEW
    assert article.created_by == reporter and article.last_edited_by == reporter
    assert list(article.authors.all()) == [reporter.author]
    assert any("cho biên tập viên" in m for m in messages_of(response))


def test_submit_button_on_incomplete_story_saves_and_lists_what_is_missing(client, reporter, section):
    """Pressing 'Gửi duyệt' with no sapo keeps the typed text saved and names what is missing."""
    article = story(reporter, section, sapo="")
    client.force_login(reporter)
    data = admin_form_data(client.get(change_url(article)))
    data.update({"body": "<p>Nội dung mới.</p>", "_transition": "submit"})
    response = client.post(change_url(article), data, follow=True)
    article.refresh_from_db()
    assert article.body == "<p>Nội dung mới.</p>" and article.status == Status.DRAFT
    page = response.content.decode()
    assert "bài còn thiếu" in page and "<li>sapo</li>" in page


def test_request_changes_without_comment_changes_nothing(client, editor, reporter, section):
    """'Yêu cầu sửa' with an empty comment re-shows the form with a message; neither text nor status change."""
    article = story(reporter, section, Status.REVIEW)
    client.force_login(editor)
    data = admin_form_data(client.get(change_url(article)))
    data.update({"title": "Tiêu đề biên tập", "_transition": "request_changes", "_transition_comment": " "})
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "Hãy ghi nhận xét gửi phóng viên" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Lũ quét ở Ba Bể" and article.status == Status.REVIEW


def test_editor_schedules_from_the_button_panel(client, editor, reporter, section):
    """A publish time typed in the panel schedules the story for that local time."""
    article = story(reporter, section, Status.REVIEW)
    client.force_login(editor)
    data = admin_form_data(client.get(change_url(article)))
    later = timezone.localtime() + datetime.timedelta(days=1)
    data.update({"_transition": "publish", "_publish_at": later.strftime("%Y-%m-%dT%H:%M")})
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_scheduled
    assert timezone.localtime(article.published_at).strftime("%d/%m %H:%M") == later.strftime("%d/%m %H:%M")
    assert any("hẹn giờ đăng lúc" in m for m in messages_of(response))


def test_bad_publish_time_is_refused_in_vietnamese(client, editor, reporter, section):
    """A garbled publish time leaves the story in review with a clear message, never a 500."""
    article = story(reporter, section, Status.REVIEW)
    client.force_login(editor)
    response = client.post(reverse("admin:articles_article_transition", args=[article.pk]),
                           {"_transition": "publish", "_publish_at": "ngày mai"}, follow=True)
    assert response.status_code == 200
    assert "Thời điểm đăng không hợp lệ" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW


def test_reporter_withdraws_from_read_only_form(client, reporter, section):
    """On their story in review (read-only), the reporter's 'Rút lại' posts to the transition URL and works."""
    article = story(reporter, section, Status.REVIEW)
    client.force_login(reporter)
    page = client.get(change_url(article)).content.decode()
    assert f'formaction="{reverse("admin:articles_article_transition", args=[article.pk])}"' in page
    response = client.post(reverse("admin:articles_article_transition", args=[article.pk]),
                           {"_transition": "withdraw"})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_transition_url_refuses_get(client, editor, reporter, section):
    """The transition URL only accepts POST."""
    article = story(reporter, section, Status.REVIEW)
    client.force_login(editor)
    assert client.get(reverse("admin:articles_article_transition", args=[article.pk])).status_code == 405


def test_publish_selected_action(client, editor, reporter, section):
    """The bulk action publishes stories in review and names the ones it cannot publish."""
    ready = story(reporter, section, Status.REVIEW, title="Sẵn sàng")
    draft = story(reporter, section, title="Còn nháp")
    client.force_login(editor)
    response = client.post(reverse("admin:articles_article_changelist"),
                           {"action": "publish_selected", "_selected_action": [ready.pk, draft.pk]}, follow=True)
    assert Article.objects.get(pk=ready.pk).status == Status.PUBLISHED
    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT
    assert "“Còn nháp”" in response.content.decode()


def test_reporter_has_no_publish_action(client, reporter):
    """The bulk publish action is not offered to reporters."""
    client.force_login(reporter)
    response = client.get(reverse("admin:articles_article_changelist"))
    assert "publish_selected" not in response.content.decode()


# --- Changelist --------------------------------------------------------------------------------------------

def test_changelist_columns(client, editor, reporter, section):
    """The changelist shows the status badge, section, bylines, publish time and last editor."""
    article = story(reporter, section, Status.PUBLISHED)
    Article.objects.filter(pk=article.pk).update(last_edited_by=editor)
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert 'nr-badge--published">Đã xuất bản' in page
    assert "Nông Vui" in page and "Lý Minh" in page and section.name in page
    from articles.text import vietnamese_datetime
    assert vietnamese_datetime(article.published_at) in page


def test_changelist_query_count_does_not_grow_with_rows(client, editor, reporter, section,
                                                        django_assert_max_num_queries):
    """Five or forty stories, each with two bylines, take the same number of queries to list."""
    co_author = make_author("Hà Giang")
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")

    def add(count):
        for n in range(count):
            article = story(reporter, section, title=f"Bài {n}")
            Byline.objects.create(article=article, author=co_author, order=1)

    add(5)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    add(35)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_accent_insensitive_search(client, editor, reporter, section):
    """Searching 'dai hoi dang' finds 'Đại hội Đảng bộ tỉnh'; typing the accents works too."""
    story(reporter, section, title="Đại hội Đảng bộ tỉnh Bắc Kạn")
    story(reporter, section, title="Giá lúa tăng")
    client.force_login(editor)
    for term in ["dai hoi dang", "Đại Hội", "bac kan"]:
        page = client.get(reverse("admin:articles_article_changelist"), {"q": term}).content.decode()
        assert "Đại hội Đảng bộ tỉnh Bắc Kạn" in page and "Giá lúa tăng" not in page, term


def test_filters_and_quick_views(client, editor, reporter, other_reporter, section):
    """Status, section and author filters, 'Bài của tôi' and 'Chờ duyệt' (oldest submission first) narrow the list."""
    other_section = make_section("Kinh tế")
    mine = story(reporter, section, title="Bài của Vui")
    first = story(other_reporter, other_section, title="Gửi trước")
    second = story(reporter, section, title="Gửi sau")
    workflow.article_submit(article=first, by=other_reporter)
    workflow.article_submit(article=second, by=reporter)
    Transition.objects.filter(article=first).update(at=timezone.now() - datetime.timedelta(hours=2))
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")

    def titles(params):
        return [a.title for a in client.get(url, params).context["cl"].result_list]

    assert titles({"xem": "cho-duyet"}) == ["Gửi trước", "Gửi sau"]
    assert titles({"status__exact": "draft"}) == [mine.title]
    assert set(titles({"section__id__exact": other_section.pk})) == {"Gửi trước"}
    assert set(titles({"tac-gia": reporter.author.pk})) == {"Bài của Vui", "Gửi sau"}
    client.force_login(reporter)
    assert set(titles({"xem": "cua-toi"})) == {"Bài của Vui", "Gửi sau"}


# --- Preview, history, compare, restore ---------------------------------------------------------------------

def test_preview_renders_draft_with_public_template_never_cached(client, reporter, section):
    """Staff preview of a draft uses the public template, is never cached and tells robots not to index."""
    article = story(reporter, section)
    place_photo(article, text="Ảnh hiện trường.", after=1)
    client.force_login(reporter)
    response = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    assert response.context["preview"] is True
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert "Lũ quét ở Ba Bể" in response.content.decode() and "Ảnh hiện trường." in response.content.decode()


def test_preview_is_staff_only(client, reporter, other_reporter, section):
    """Visitors are sent to the login page; another reporter's draft preview answers 404."""
    article = story(reporter, section)
    url = reverse("admin:articles_article_preview", args=[article.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(other_reporter)
    assert client.get(url).status_code == 404


def edit_as(client, user, article, **changes):
    client.force_login(user)
    data = admin_form_data(client.get(change_url(article)))
    data.update(changes)
    response = client.post(change_url(article), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_history_compare_and_restore(client, editor, reporter, section):
    """History lists saves and moves; compare shows the words changed; restore brings the text back, status kept."""
    article = story(reporter, section, Status.PUBLISHED)
    edit_as(client, editor, article, title="Lũ quét ở Ba Bể", body="<p>Ba người mất tích.</p>")
    edit_as(client, editor, article, title="Lũ quét ở Ba Bể (cập nhật)", body="<p>Đã tìm thấy ba người.</p>")
    workflow.article_unpublish(article=article, by=editor, comment="Chờ xác minh")
    new, old = Version.objects.get_for_object(article)

    history = client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "Chờ xác minh" in history and "Gỡ bài" in history and "Khôi phục" in history

    compare = client.get(reverse("admin:articles_article_compare", args=[article.pk]), {"cu": old.pk, "moi": new.pk})
    page = compare.content.decode()
    assert "<ins> (cập nhật)</ins>" in page
    assert "<del>Ba người mất tích.</del><ins>Đã tìm thấy ba người.</ins>" in page

    version_before = Article.objects.get(pk=article.pk).version
    restore_url = reverse("admin:articles_article_restore", args=[article.pk, old.pk])
    assert "Ba người mất tích." in client.get(restore_url).content.decode()
    response = client.post(restore_url)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Lũ quét ở Ba Bể" and article.body == "<p>Ba người mất tích.</p>"
    assert article.status == Status.UNPUBLISHED
    assert article.version == version_before + 1
    latest = Version.objects.get_for_object(article).first()
    assert latest.revision.comment.startswith("Khôi phục phiên bản") and latest.revision.user == editor


def test_restore_brings_back_bylines(client, editor, reporter, section):
    """Restoring an older revision puts back the bylines it had."""
    article = story(reporter, section, Status.REVIEW)
    edit_as(client, editor, article)
    old = Version.objects.get_for_object(article).get()
    Byline.objects.filter(article=article).delete()
    Byline.objects.create(article=article, author=editor.author)
    edit_as(client, editor, article, title="Đổi tác giả")
    client.post(reverse("admin:articles_article_restore", args=[article.pk, old.pk]))
    assert list(Article.objects.get(pk=article.pk).authors.all()) == [reporter.author]


def test_reporter_cannot_restore_a_published_story(client, editor, reporter, section):
    """A reporter may read a published story's history but restoring it is refused with 403."""
    article = story(reporter, section, Status.PUBLISHED)
    edit_as(client, editor, article, title="Bản biên tập")
    edit_as(client, editor, article, title="Bản biên tập 2")
    old = Version.objects.get_for_object(article).last()
    client.force_login(reporter)
    assert client.get(reverse("admin:articles_article_history", args=[article.pk])).status_code == 200
    assert client.post(reverse("admin:articles_article_restore", args=[article.pk, old.pk])).status_code == 403
    assert Article.objects.get(pk=article.pk).title == "Bản biên tập 2"


# --- Desk, audit admin, roles, command ------------------------------------------------------------------------

def test_editor_desk_lists_review_queue_oldest_first_and_scheduled(client, editor, reporter, other_reporter, section):
    """The admin index shows editors the stories waiting (oldest first) and the scheduled ones with their times."""
    newer = story(reporter, section, title="Chờ từ sáng")
    older = story(other_reporter, section, title="Chờ từ hôm qua")
    workflow.article_submit(article=newer, by=reporter)
    workflow.article_submit(article=older, by=other_reporter)
    Transition.objects.filter(article=older).update(at=timezone.now() - datetime.timedelta(days=1))
    at = timezone.now() + datetime.timedelta(hours=5)
    story(reporter, section, Status.PUBLISHED, title="Hẹn giờ tối nay", published_at=at)
    client.force_login(editor)
    page = client.get(reverse("admin:index")).content.decode()
    assert page.index("Chờ từ hôm qua") < page.index("Chờ từ sáng")
    assert "Hẹn giờ tối nay" in page
    from articles.text import vietnamese_datetime
    assert vietnamese_datetime(at) in page


def test_reporter_desk_shows_editor_comment(client, editor, reporter, section):
    """A reporter's index shows their stories in progress with the editor's request for changes."""
    article = story(reporter, section, Status.REVIEW)
    workflow.article_request_changes(article=article, by=editor, comment="Thiếu ý kiến chính quyền.")
    client.force_login(reporter)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Lũ quét ở Ba Bể" in page and "Thiếu ý kiến chính quyền." in page


def test_audit_trail_is_read_only(client, editor, reporter, section):
    """Transitions can be listed but not changed or deleted, even by an editor."""
    article = story(reporter, section, Status.REVIEW)
    workflow.article_publish(article=article, by=editor)
    log = Transition.objects.get()
    client.force_login(editor)
    assert client.get(reverse("admin:articles_transition_changelist")).status_code == 200
    client.post(reverse("admin:articles_transition_change", args=[log.pk]), {"comment": "sửa"})
    assert client.post(reverse("admin:articles_transition_delete", args=[log.pk]), {"post": "yes"}).status_code == 403
    assert Transition.objects.get().comment == ""


def test_roles_have_exactly_their_permissions(db):
    """The migration gives reporters no publish or delete rights and editors publish and correction rights."""
    def codenames(name):
        return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    reporter, editor = codenames(REPORTER.group), codenames(EDITOR.group)
    assert {"add_article", "change_article", "view_article", "add_caption", "add_photo"} <= reporter
    assert not {"publish_article", "delete_article", "add_correction", "view_transition"} & reporter
    assert reporter < editor
    assert editor - reporter == {
        "publish_article", "delete_article", "delete_photo", "add_section", "change_section", "add_author",
        "change_author", "change_tag", "delete_tag", "add_correction", "change_correction", "view_transition",
    }
    assert Permission.objects.get(codename="publish_article").group_set.count() == 1


def test_create_staff_with_password_from_environment(monkeypatch, db):
    """create_staff makes a staff reporter with an author profile, the password read from the environment."""
    monkeypatch.setenv("NEWSROOM_STAFF_PASSWORD", "Mưa-rừng-Ba-Bể-2026")
    out = io.StringIO()
    call_command("create_staff", "nvui", role="reporter", email="nvui@example.test", name="Nông Vui", stdout=out)
    user = Author.objects.get(name="Nông Vui").user
    assert user.username == "nvui" and user.is_staff and not user.is_superuser
    assert user.check_password("Mưa-rừng-Ba-Bể-2026")
    assert list(user.groups.values_list("name", flat=True)) == [REPORTER.group]
    assert "Đã tạo tài khoản" in out.getvalue()

    with pytest.raises(CommandError, match="đã có"):
        call_command("create_staff", "nvui", role="editor")
    call_command("create_staff", "nvui", role="editor", update=True, stdout=io.StringIO())
    assert list(user.groups.values_list("name", flat=True)) == [EDITOR.group]
    assert Author.objects.filter(user=user).count() == 1


def test_create_staff_refuses_weak_or_missing_password(monkeypatch, db):
    """A weak password, or none at all without a terminal, is refused and no account is made."""
    monkeypatch.setenv("NEWSROOM_STAFF_PASSWORD", "123")
    with pytest.raises(CommandError, match="Mật khẩu chưa đạt"):
        call_command("create_staff", "yeu", role="editor")
    monkeypatch.delenv("NEWSROOM_STAFF_PASSWORD")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="NEWSROOM_STAFF_PASSWORD"):
        call_command("create_staff", "yeu", role="editor")
    from django.contrib.auth import get_user_model
    assert not get_user_model().objects.filter(username="yeu").exists()


def test_caption_inline_shows_thumbnail_and_missing_metadata(client, reporter, section):
    """The photo row of a story shows a thumbnail and warns when the photo lacks alt text or credit."""
    article = story(reporter, section)
    photo = make_photo(alt_text="", credit="")
    make_caption(article, photo, text="Chú thích.")
    client.force_login(reporter)
    page = client.get(change_url(article)).content.decode()
    assert f'src="{photo.image.url}"' in page
    assert "Thiếu: mô tả ảnh (alt), tác giả ảnh" in page


def test_non_staff_user_gets_nothing(client, section, reporter):
    """A logged-in user without staff status is sent to the login page."""
    article = story(reporter, section)
    client.force_login(make_user("docgia", staff=False))
    assert client.get(change_url(article)).status_code == 302


def _script_src(response):
    policy = response.headers.get("Content-Security-Policy", "")
    return next((part for part in policy.split(";") if part.strip().startswith("script-src")), "")


def test_inline_script_exception_is_limited_to_the_story_form(client, editor, reporter, section):
    """Only the story form (which carries CKEditor 4) gets the editor's script rule (newsroom/security.py); the
    list, history, desk and preview keep the strict one."""
    article = story(reporter, section)
    client.force_login(editor)
    for url in [change_url(article), reverse("admin:articles_article_add")]:
        assert "'unsafe-inline'" in _script_src(client.get(url)), url
    for url in [reverse("admin:articles_article_changelist"), reverse("admin:index"),
                reverse("admin:articles_article_history", args=[article.pk]),
                reverse("admin:articles_article_preview", args=[article.pk])]:
        assert "'unsafe-inline'" not in _script_src(client.get(url)), url


def test_deleting_a_story_moves_it_to_the_trash_and_announces_it(client, django_capture_on_commit_callbacks, editor,
                                                                 reporter, section):
    """An editor's delete of a taken-down story moves it to the trash, sends article_changed('trash'), keeps the log."""
    from articles.signals import article_changed

    article = story(reporter, section, Status.REVIEW)
    workflow.article_publish(article=article, by=editor)
    workflow.article_unpublish(article=article, by=editor, comment="Sai số liệu")
    url = article.get_absolute_url()
    heard = []

    def listener(sender, article, action, **kwargs):
        heard.append((action, article.get_absolute_url()))

    article_changed.connect(listener)
    client.force_login(editor)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    finally:
        article_changed.disconnect(listener)
    assert response.status_code == 302
    assert Article.objects.in_trash().filter(pk=article.pk, status=Status.UNPUBLISHED).exists()
    assert heard == [("trash", url)]
    assert list(Transition.objects.filter(article=article).values_list("action", flat=True)[:1]) == ["trash"]


def test_reporter_cannot_delete_a_published_story(client, reporter, section):
    """A reporter's delete of their own published story answers 403 and the story stays public."""
    article = story(reporter, section, Status.PUBLISHED)
    client.force_login(reporter)
    assert client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}).status_code == 403
    assert Article.objects.published().filter(pk=article.pk).exists()


def test_second_editor_is_warned_who_has_the_story_open(client, editor, reporter, section):
    """When an editor opens a story the reporter has open, the form says who and since when; the warning fades."""
    import time_machine

    from django.test import Client

    article = story(reporter, section)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        other = Client()
        other.force_login(reporter)
        other.get(change_url(article))
        client.force_login(editor)
        page = client.get(change_url(article)).content.decode()
        assert "Nông Vui (từ" in page and "đang mở bài này để sửa" in page

        heartbeat = reverse("admin:articles_article_presence", args=[article.pk])
        assert "Lý Minh" in other.post(heartbeat).json()["message"]
        assert other.get(heartbeat).status_code == 405

        clock.shift(datetime.timedelta(minutes=5))  # the reporter closed the tab: no heartbeat since
        assert client.post(heartbeat).json()["message"] == ""


def test_heartbeat_refused_to_those_who_cannot_edit(client, reporter, other_reporter, section):
    """A reporter cannot announce themselves on a published story or see a colleague's draft this way."""
    published = story(reporter, section, Status.PUBLISHED, title="Đã đăng")
    draft = story(other_reporter, section, title="Nháp của đồng nghiệp")
    client.force_login(reporter)
    assert client.post(reverse("admin:articles_article_presence", args=[published.pk])).status_code == 403
    assert client.post(reverse("admin:articles_article_presence", args=[draft.pk])).status_code == 404


def test_future_publish_time_in_the_form_schedules_the_story(client, editor, reporter, section):
    """An editor who sets a future 'thời điểm xuất bản' in the form and presses publish gets it scheduled then."""
    article = story(reporter, section, Status.REVIEW)
    client.force_login(editor)
    data = admin_form_data(client.get(change_url(article)))
    later = timezone.localtime() + datetime.timedelta(hours=6)
    data.update({"published_at_0": later.strftime("%Y-%m-%d"), "published_at_1": later.strftime("%H:%M:00"),
                 "_transition": "publish", "_publish_at": ""})
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.is_scheduled
    assert timezone.localtime(article.published_at).strftime("%H:%M") == later.strftime("%H:%M")


def test_read_only_story_shows_the_body_as_text_not_html_source(client, reporter, section):
    """A reporter looking at their story in review sees its paragraphs, not '<p>' tags."""
    article = story(reporter, section, Status.REVIEW, body="<p>Đoạn <strong>một</strong>.</p>")
    client.force_login(reporter)
    page = client.get(change_url(article)).content.decode()
    assert '<div class="nr-rendered-body"><p>Đoạn <strong>một</strong>.</p></div>' in page
    assert "&lt;p&gt;" not in page


def test_saving_clears_the_open_story_warning(client, editor, reporter, section):
    """Once the reporter saves and the story leaves their hands, the editor is not told they still have it open."""
    from django.test import Client

    article = story(reporter, section)
    other = Client()
    other.force_login(reporter)
    data = admin_form_data(other.get(change_url(article)))
    data["_transition"] = "submit"
    assert other.post(change_url(article), data).status_code == 302
    client.force_login(editor)
    assert "đang mở bài này" not in client.get(change_url(article)).content.decode()


def test_bylined_reporter_edits_a_story_someone_else_created(client, reporter, editor, section,
                                                             django_assert_max_num_queries):
    """A reporter on the byline of an editor-created draft may edit it; the ownership check costs one query."""
    article = make_article("Bài viết chung", section=section, authors=[reporter.author], created_by=editor)
    client.force_login(reporter)
    with django_assert_max_num_queries(30) as queries:
        response = client.get(change_url(article))
    assert response.status_code == 200 and 'name="title"' in response.content.decode()
    ownership = [q["sql"] for q in queries.captured_queries
                 if "articles_byline" in q["sql"] and '"user_id" =' in q["sql"] and "LIMIT 1" in q["sql"]]
    assert len(ownership) == 1, ownership  # asked by the form, every inline and every button, answered once
    data = admin_form_data(response)
    data["title"] = "Bài viết chung, bản của Vui"
    assert client.post(change_url(article), data).status_code == 302
    assert Article.objects.get(pk=article.pk).title == "Bài viết chung, bản của Vui"


def test_change_form_queries_do_not_grow_with_bylines_and_photos(client, editor, section,
                                                                 django_assert_num_queries):
    """The story form costs the same queries with one byline, lead photo and photo in the text as with six bylines
    and five photos in the text."""
    small = make_article("Một tác giả", section=section, authors=[make_author()])
    make_caption(small, make_photo(), is_lead=True)
    place_photo(small)
    big = make_article("Sáu tác giả", section=section, authors=[make_author() for _ in range(6)])
    make_caption(big, make_photo(), is_lead=True)
    for after in range(5):
        place_photo(big, after=after)
    client.force_login(editor)
    client.get(change_url(small))  # warm the per-process caches (content types, site state)
    with CaptureQueriesContext(connection) as one:
        response = client.get(change_url(small))
    assert response.status_code == 200
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(change_url(big))
    html = response.content.decode()
    assert response.status_code == 200
    for byline in big.bylines.select_related("author"):
        assert f'<option value="{byline.author.pk}" selected>{byline.author.name}</option>' in html
