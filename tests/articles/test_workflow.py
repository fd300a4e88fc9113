"""The editorial workflow (articles/workflow.py): moves, refusals, scheduling, the audit trail, mail, signals."""
import datetime
import logging

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from articles import workflow
from articles.models import Article, Status, Transition
from articles.signals import article_changed
from articles.workflow import WorkflowError
from tests.factories import make_article, make_caption, make_photo

NOW = datetime.datetime(2026, 7, 22, 8, 30, tzinfo=datetime.timezone.utc)


@pytest.fixture
def draft(reporter, section):
    return make_article("Lũ quét ở Ba Bể", section=section, authors=[reporter.author], created_by=reporter)


def in_state(reporter, section, status, **fields):
    return make_article(section=section, authors=[reporter.author], created_by=reporter, status=status, **fields)


def test_reporter_submits_complete_draft(draft, reporter):
    """A complete draft sent by its reporter waits for review, with one log entry naming the reporter."""
    moved = workflow.article_submit(article=draft, by=reporter, comment="Nhờ anh xem giúp.")

    assert moved.status == Status.REVIEW
    assert draft.status == Status.REVIEW
    assert Article.objects.get(pk=draft.pk).status == Status.REVIEW
    log = Transition.objects.get(article=draft)
    assert (log.action, log.from_status, log.to_status) == ("submit", Status.DRAFT, Status.REVIEW)
    assert (log.actor, log.actor_name, log.comment) == (reporter, "Nông Vui", "Nhờ anh xem giúp.")


def test_submit_refused_lists_everything_missing(reporter, section):
    """Without sapo, body, byline and photo metadata, the submit is refused with each missing item named."""
    article = make_article("Tin ngắn", section=section, created_by=reporter, sapo="", body="<p> </p>")
    make_caption(article, make_photo(alt_text="", credit=""))

    with pytest.raises(WorkflowError) as refused:
        workflow.article_submit(article=article, by=reporter)

    assert refused.value.missing[:3] == ["sapo", "nội dung", "tác giả (byline)"]
    assert "mô tả ảnh (alt)" in refused.value.missing[3] and "tác giả ảnh" in refused.value.missing[3]
    assert "Chưa thể “Gửi duyệt”, bài còn thiếu" in str(refused.value)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    assert not Transition.objects.exists()


def test_submit_checks_the_photos_placed_in_the_body(reporter, section):
    """A photo placed in the text without its credit, and one gone from the library, are named in the refusal."""
    uncredited = make_photo(alt_text="Cầu treo", credit="")
    body = (f'<p>Đoạn một.</p><figure data-photo="{uncredited.pk}"><figcaption>Cầu</figcaption></figure>'
            '<figure data-photo="987654"><figcaption>Ảnh đã xóa</figcaption></figure>')
    article = make_article("Tin có ảnh", section=section, authors=[reporter.author], created_by=reporter, body=body)
    with pytest.raises(WorkflowError) as refused:
        workflow.article_submit(article=article, by=reporter)
    assert refused.value.missing == ["ảnh #987654 đặt trong nội dung bài, nay không còn trong thư viện ảnh",
                                     "ảnh “Cầu treo”: thiếu tác giả ảnh"]
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_untitled_story_cannot_be_submitted(reporter, section):
    """A story with a blank title is refused with 'tiêu đề' first in the list."""
    article = make_article("x", section=section, authors=[reporter.author], created_by=reporter)
    Article.objects.filter(pk=article.pk).update(title="   ")
    article.refresh_from_db()
    with pytest.raises(WorkflowError) as refused:
        workflow.article_submit(article=article, by=reporter)
    assert refused.value.missing == ["tiêu đề"]


def test_request_changes_needs_a_comment(reporter, editor, section):
    """An editor's request for changes without a comment is refused; with one, the story goes back to draft."""
    article = in_state(reporter, section, Status.REVIEW)
    with pytest.raises(WorkflowError, match="nhận xét gửi phóng viên"):
        workflow.article_request_changes(article=article, by=editor, comment="   ")
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW

    workflow.article_request_changes(article=article, by=editor, comment="Thêm ý kiến người dân.")
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    assert Transition.objects.get().comment == "Thêm ý kiến người dân."


def test_reporter_withdraws_own_story(reporter, section):
    """The reporter who sent a story can take it back to draft."""
    article = in_state(reporter, section, Status.REVIEW)
    workflow.article_withdraw(article=article, by=reporter)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_publish_now_sets_times_and_goes_public(reporter, editor, section):
    """Publishing without a time puts the story on the public queryset at once, with its first-publication time."""
    article = in_state(reporter, section, Status.REVIEW)
    with time_machine.travel(NOW, tick=False):
        workflow.article_publish(article=article, by=editor)
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert article.published_at == NOW and article.first_published_at == NOW
        assert Article.objects.published().filter(pk=article.pk).exists()


def test_publish_in_future_is_scheduled_and_appears_by_itself(reporter, editor, section):
    """A publish time in the future keeps the story off the site until that time, with no job to run."""
    article = in_state(reporter, section, Status.REVIEW)
    at = NOW + datetime.timedelta(hours=3)
    with time_machine.travel(NOW, tick=False):
        workflow.article_publish(article=article, by=editor, publish_at=at)
        article.refresh_from_db()
        assert article.is_scheduled
        assert not Article.objects.published().filter(pk=article.pk).exists()
        assert Article.objects.scheduled().filter(pk=article.pk).exists()
        assert "hẹn giờ đăng lúc" in workflow.done_message("publish", article)
    with time_machine.travel(at + datetime.timedelta(seconds=1), tick=False):
        assert Article.objects.published().filter(pk=article.pk).exists()


def test_unschedule_returns_scheduled_story_to_review(reporter, editor, section):
    """Cancelling a scheduled publication puts the story back in the review queue; a live story cannot be."""
    scheduled = in_state(reporter, section, Status.PUBLISHED, published_at=timezone.now() + datetime.timedelta(days=1))
    workflow.article_unschedule(article=scheduled, by=editor)
    assert Article.objects.get(pk=scheduled.pk).status == Status.REVIEW

    live = in_state(reporter, section, Status.PUBLISHED)
    with pytest.raises(WorkflowError, match="không được hẹn giờ"):
        workflow.article_unschedule(article=live, by=editor)


def test_unpublish_needs_a_reason_and_leaves_the_site(client, django_capture_on_commit_callbacks, reporter, editor,
                                                      section):
    """Unpublishing requires a reason, then the story leaves the public queryset and its URL stops answering."""
    article = in_state(reporter, section, Status.PUBLISHED)
    assert client.get(article.get_absolute_url()).status_code == 200
    with pytest.raises(WorkflowError, match="lý do gỡ bài"):
        workflow.article_unpublish(article=article, by=editor, comment="")

    with django_capture_on_commit_callbacks(execute=True):  # the public cache hears of it after the commit
        workflow.article_unpublish(article=article, by=editor, comment="Sai số liệu, chờ xác minh.")
    assert Article.objects.get(pk=article.pk).status == Status.UNPUBLISHED
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert client.get(article.get_absolute_url()).status_code in (404, 410)


def test_republish_keeps_first_publication_time(reporter, editor, section):
    """An unpublished story published again keeps the time it first went out."""
    article = in_state(reporter, section, Status.REVIEW)
    with time_machine.travel(NOW, tick=False):
        workflow.article_publish(article=article, by=editor)
        workflow.article_unpublish(article=article, by=editor, comment="Kiểm tra lại.")
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        workflow.article_publish(article=article, by=editor)
    article.refresh_from_db()
    assert article.first_published_at == NOW
    assert article.published_at == NOW + datetime.timedelta(days=1)


def test_unpublished_story_can_return_to_draft(reporter, editor, section):
    """An editor can send an unpublished story back to the drafts for rework."""
    article = in_state(reporter, section, Status.UNPUBLISHED)
    workflow.article_return_to_draft(article=article, by=editor)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_impossible_move_is_refused_with_message(reporter, editor, section):
    """Publishing a draft (skipping review) is refused with the story's state named."""
    article = in_state(reporter, section, Status.DRAFT)
    with pytest.raises(WorkflowError, match="“Duyệt và xuất bản” bài đang ở trạng thái “Bản nháp”"):
        workflow.article_publish(article=article, by=editor)
    assert not Transition.objects.exists()


def test_stale_instance_cannot_repeat_a_move(reporter, editor, section):
    """A second publish from an object loaded before the first is refused: the row, not the object, decides."""
    article = in_state(reporter, section, Status.REVIEW)
    stale = Article.objects.get(pk=article.pk)
    workflow.article_publish(article=article, by=editor)
    with pytest.raises(WorkflowError):
        workflow.article_publish(article=stale, by=editor)
    assert Transition.objects.filter(action="publish").count() == 1


def test_transition_log_survives_deleting_the_story(reporter, editor, section):
    """The audit trail keeps the story's title after the story itself is deleted."""
    article = in_state(reporter, section, Status.REVIEW)
    workflow.article_publish(article=article, by=editor)
    article.delete()
    log = Transition.objects.get()
    assert log.article is None and log.article_title == article.title


def test_available_moves_follow_role_and_state(reporter, editor, section):
    """The buttons offered are exactly the moves each role may make in the story's state."""
    article = in_state(reporter, section, Status.REVIEW)
    assert [m.action for m in workflow.available_moves(reporter, article)] == ["withdraw"]
    assert [m.action for m in workflow.available_moves(editor, article)] == ["request_changes", "publish"]


# --- Mail and signals, after the commit -----------------------------------------------------------------

def test_submit_mails_editors_after_commit(django_capture_on_commit_callbacks, draft, reporter, editor):
    """Editors get a mail about a submitted story, but only once the transaction has committed."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.article_submit(article=draft, by=reporter, comment="Bài nóng.")
        assert mail.outbox == []
    assert callbacks
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert "Bài chờ duyệt: Lũ quét ở Ba Bể" in mail.outbox[0].subject
    assert "Bài nóng." in mail.outbox[0].body
    assert f"/articles/article/{draft.pk}/change/" in mail.outbox[0].body


def test_reporter_hears_of_changes_requested_and_publication(django_capture_on_commit_callbacks, reporter, editor,
                                                             section):
    """The reporter gets the editor's comment when changes are requested, and a mail when the story goes out."""
    article = in_state(reporter, section, Status.REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_request_changes(article=article, by=editor, comment="Cần thêm ảnh hiện trường.")
    assert mail.outbox[-1].to == [reporter.email]
    assert "Cần thêm ảnh hiện trường." in mail.outbox[-1].body

    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_submit(article=article, by=reporter)
        workflow.article_publish(article=article, by=editor)
    assert mail.outbox[-1].to == [reporter.email]
    assert "Bài đã xuất bản" in mail.outbox[-1].subject


def test_rolled_back_move_sends_no_mail(django_capture_on_commit_callbacks, draft, reporter, editor):
    """A move undone by a rollback sends nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                workflow.article_submit(article=draft, by=reporter)
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert Article.objects.get(pk=draft.pk).status == Status.DRAFT


def test_mail_failure_is_logged_and_never_blocks(settings, caplog, django_capture_on_commit_callbacks, draft,
                                                 reporter, editor):
    """With the mail server refusing connections, the submit still happens and the failure is logged."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    with caplog.at_level(logging.ERROR, logger="articles.notifications"):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.article_submit(article=draft, by=reporter)
    assert Article.objects.get(pk=draft.pk).status == Status.REVIEW
    assert "Workflow mail not sent" in caplog.text


def test_every_move_announces_article_changed_after_commit(django_capture_on_commit_callbacks, draft, reporter):
    """article_changed is sent once per move, after the commit, with the verb."""
    heard = []

    def listener(sender, article, action, **kwargs):
        heard.append((article.pk, action, article.status))

    article_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            workflow.article_submit(article=draft, by=reporter)
            assert heard == []
    finally:
        article_changed.disconnect(listener)
    assert heard == [(draft.pk, "submit", Status.REVIEW)]


def test_system_status_change_still_works_for_the_importer(draft):
    """The importer's door (article_set_status_by_system) publishes with a 'system' log entry."""
    moved = workflow.article_set_status_by_system(article=draft, status=Status.PUBLISHED, comment="Nhập từ kho")
    assert moved.status == Status.PUBLISHED and moved.first_published_at is not None
    assert Transition.objects.get().actor_name == "hệ thống"


def test_each_save_bumps_the_version(draft):
    """Saving a story moves its version counter on by one, from the database value."""
    stale = Article.objects.get(pk=draft.pk)
    draft.title = "Lũ quét ở Ba Bể, 3 người mất tích"
    draft.save()
    assert draft.version == 2
    stale.save()
    assert stale.version == 3
