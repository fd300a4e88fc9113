"""The trash (Thùng rác): deleting moves a story there, editors restore it, the purge keeps what the law keeps."""
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import trash, workflow
from articles.models import Article, Status, Transition
from tests.articles.adminforms import admin_form_data
from tests.factories import make_article, make_caption

pytestmark = pytest.mark.django_db
TRASH_LIST = reverse("admin:articles_articleintrash_changelist")


def story(owner, section, status=Status.DRAFT, title="Lũ quét ở Ba Bể", **fields):
    return make_article(title, section=section, authors=[owner.author], created_by=owner, status=status, **fields)


def listed(client, url=None):
    """The titles on an admin changelist (the story list by default)."""
    response = client.get(url or reverse("admin:articles_article_changelist"))
    return [article.title for article in response.context["cl"].result_list]


def delete_url(article):
    return reverse("admin:articles_article_delete", args=[article.pk])


def test_editor_deletes_a_story_into_the_trash_and_restores_it(client, editor, reporter, section):
    """Delete asks first, then the story leaves the list for the trash, whole; restore brings it back as it was."""
    article = story(reporter, section, Status.REVIEW)
    make_caption(article, text="Chú thích giữ lại")
    client.force_login(editor)
    confirm = client.get(delete_url(article)).content.decode()
    assert "Chuyển vào thùng rác" in confirm and "sau 30 ngày bài bị xóa hẳn" in confirm
    response = client.post(delete_url(article), {"post": "yes", "_comment": "Trùng bài"})
    assert response.status_code == 302
    assert listed(client) == []
    assert client.get(reverse("admin:articles_article_change", args=[article.pk])).status_code == 404
    assert listed(client, TRASH_LIST) == [article.title]
    assert "Thùng rác" in client.get(reverse("admin:index")).content.decode()
    kept = Article.objects.get(pk=article.pk)
    assert kept.in_trash and kept.trashed_by == editor and kept.status == Status.REVIEW
    assert kept.captions.get().text == "Chú thích giữ lại"
    response = client.post(TRASH_LIST, {"action": "restore_selected", "_selected_action": [article.pk]})
    assert response.status_code == 302
    kept.refresh_from_db()
    assert not kept.in_trash and kept.status == Status.REVIEW
    assert list(Transition.objects.filter(article=article).values_list("action", "comment")[:2]) == [
        ("untrash", ""), ("trash", "Trùng bài")]
    assert listed(client) == [article.title]


def test_trash_action_moves_several_and_reports_refusals(client, editor, reporter, section):
    """The list's action trashes what may go and names, in Vietnamese, the published story that may not."""
    draft = story(reporter, section, title="Bản nháp cũ")
    live = story(reporter, section, Status.PUBLISHED, title="Bài đang đăng")
    client.force_login(editor)
    response = client.post(reverse("admin:articles_article_changelist"),
                           {"action": "trash_selected", "_selected_action": [draft.pk, live.pk]}, follow=True)
    text = response.content.decode()
    assert "Đã chuyển bài “Bản nháp cũ” vào thùng rác" in text
    assert "Bài “Bài đang đăng” đang xuất bản: hãy “Gỡ bài” (ghi lý do) trước khi chuyển vào thùng rác." in text
    assert Article.objects.in_trash().get() == draft
    actions = client.get(reverse("admin:articles_article_changelist")).context["action_form"].fields["action"].choices
    assert "delete_selected" not in dict(actions) and "trash_selected" in dict(actions)


def test_published_story_is_taken_down_before_it_can_be_trashed(client, editor, reporter, section):
    """An editor's delete of a live story explains that it must be taken down first, and a crafted POST changes nothing."""
    live = story(reporter, section, Status.PUBLISHED)
    client.force_login(editor)
    page = client.get(delete_url(live)).content.decode()
    assert "hãy “Gỡ bài” (ghi lý do) trước" in page and 'id="nr-trash-confirm"' not in page
    client.post(delete_url(live), {"post": "yes"})
    assert Article.objects.published().filter(pk=live.pk).exists()
    with pytest.raises(workflow.WorkflowError):
        trash.article_trash(article=live, by=editor)


def test_reporter_trashes_own_draft_but_not_published_or_others_stories(client, reporter, other_reporter, section):
    """A reporter may trash their own unpublished draft only; the trash list and restore stay with editors."""
    own = story(reporter, section)
    published = story(reporter, section, Status.PUBLISHED)
    in_review = story(reporter, section, Status.REVIEW)
    others = story(other_reporter, section)
    client.force_login(reporter)
    assert client.post(delete_url(own), {"post": "yes"}).status_code == 302
    assert client.post(delete_url(published), {"post": "yes"}).status_code == 403
    assert client.post(delete_url(in_review), {"post": "yes"}).status_code == 403
    assert client.post(delete_url(others), {"post": "yes"}).status_code == 404
    assert list(Article.objects.in_trash()) == [own]
    assert client.get(TRASH_LIST).status_code == 403
    with pytest.raises(workflow.WorkflowError):
        trash.article_untrash(article=own, by=reporter)


def test_a_story_in_the_trash_cannot_be_moved_or_edited(editor, reporter, section):
    """No workflow move and no edit reaches a trashed story until it is restored."""
    article = story(reporter, section, Status.REVIEW)
    trash.article_trash(article=article, by=editor)
    with pytest.raises(workflow.WorkflowError, match="thùng rác"):
        workflow.article_publish(article=article, by=editor)
    assert workflow.available_moves(editor, article) == []
    assert not workflow.can_edit(editor, article)


def test_an_open_form_is_stale_after_the_story_went_to_the_trash(client, editor, reporter, section):
    """A form opened before the story was trashed cannot save over it (nor take it out of the trash)."""
    article = story(reporter, section, Status.REVIEW)
    client.force_login(editor)
    data = admin_form_data(client.get(reverse("admin:articles_article_change", args=[article.pk])))
    trash.article_trash(article=article, by=editor)
    data["title"] = "Sửa muộn"
    client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    article.refresh_from_db()
    assert article.in_trash and article.title == "Lũ quét ở Ba Bể"


def test_desk_leaves_trashed_stories_out(client, editor, reporter, section):
    """The editors' review queue does not list a story waiting in the trash."""
    article = story(reporter, section, Status.REVIEW, title="Bài chờ duyệt đã xóa")
    trash.article_trash(article=article, by=editor)
    client.force_login(editor)
    client.get(reverse("admin:index"))  # the session's messages are read; the desk is what remains
    assert "Bài chờ duyệt đã xóa" not in client.get(reverse("admin:index")).content.decode()


def purge(*args):
    out = io.StringIO()
    call_command("purge_trash", *args, stdout=out)
    return out.getvalue()


def test_purge_deletes_old_trash_for_good_with_an_audit_entry(client, editor, reporter, section, settings):
    """After NEWSROOM_TRASH_DAYS a trashed draft goes with its revisions; the log keeps an entry; recent trash stays."""
    old = story(reporter, section, title="Bản nháp bỏ đi")
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[old.pk])
    client.post(url, admin_form_data(client.get(url)))  # a revision to delete with it
    assert Version.objects.get_for_object(old).exists()
    recent = story(reporter, section, title="Bản nháp mới xóa")
    for article in (old, recent):
        trash.article_trash(article=article, by=editor)
    Article.objects.filter(pk=old.pk).update(trashed_at=timezone.now() - timedelta(days=settings.NEWSROOM_TRASH_DAYS, minutes=1))
    assert "Sẽ xóa hẳn: “Bản nháp bỏ đi”" in purge("--dry-run") and Article.objects.filter(pk=old.pk).exists()
    assert "Đã xóa hẳn 1 bài quá 30 ngày" in purge()
    assert not Article.objects.filter(pk=old.pk).exists() and Article.objects.filter(pk=recent.pk).exists()
    assert not Version.objects.get_for_object_reference(Article, old.pk).exists()
    entry = Transition.objects.get(action="purge")
    assert entry.article is None and entry.article_title == "Bản nháp bỏ đi" and f"bài số {old.pk}" in entry.comment


def test_purge_never_deletes_a_story_that_was_published(editor, reporter, section):
    """Taken-down stories, and stories that were out once and went back to draft, stay in the trash (art. 52)."""
    taken_down = story(reporter, section, Status.REVIEW, title="Bài đã gỡ")
    workflow.article_publish(article=taken_down, by=editor)
    workflow.article_unpublish(article=taken_down, by=editor, comment="Vi phạm bản quyền ảnh")
    back_to_draft = story(reporter, section, Status.REVIEW, title="Bài từng đăng")
    workflow.article_publish(article=back_to_draft, by=editor)
    workflow.article_unpublish(article=back_to_draft, by=editor, comment="Cần viết lại")
    workflow.article_return_to_draft(article=back_to_draft, by=editor)
    for article in (taken_down, back_to_draft):
        trash.article_trash(article=article, by=editor)
    Article.objects.update(trashed_at=timezone.now() - timedelta(days=400))
    assert "Đã xóa hẳn 0 bài quá 30 ngày trong thùng rác; giữ lại 2 bài từng xuất bản" in purge()
    assert Article.objects.in_trash().count() == 2
    with pytest.raises(workflow.WorkflowError):
        trash.article_purge(article=taken_down, days=30)


def test_trashed_stories_old_address_answers_as_before(client, editor, reporter, section):
    """A trashed taken-down story's address still answers 410, a trashed draft's 404."""
    taken_down = story(reporter, section, Status.REVIEW)
    workflow.article_publish(article=taken_down, by=editor)
    workflow.article_unpublish(article=taken_down, by=editor, comment="Lý do")
    trash.article_trash(article=taken_down, by=editor)
    assert client.get(taken_down.get_absolute_url()).status_code == 410
    draft = story(reporter, section, title="Bản nháp")
    trash.article_trash(article=draft, by=editor)
    assert client.get(draft.get_absolute_url()).status_code == 404
