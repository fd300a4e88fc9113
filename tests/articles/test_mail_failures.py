"""Workflow mail never vanishes silently: one-line titles and subjects, failures logged and shown on the desk."""
import logging
import smtplib
import socket

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.models import Article, MailFailure, Status
from articles.roles import EDITOR
from tests.articles.adminforms import admin_form_data
from tests.factories import make_article, make_user

BROKEN_TITLE = "Lũ quét ở Ba Bể\r\nBcc: ai-do@example.test"


class RefusingBackend(EmailBackend):
    """The locmem backend, except that the mail server refuses some addresses (as a real one would say)."""

    refused = ("bientap2@example.test",)

    def send_messages(self, messages):
        for message in messages:
            message.message()  # headers are checked here, as the SMTP backend does before sending
            if set(message.to) & set(self.refused):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"Mailbox unavailable")})
        return super().send_messages(messages)


def closed_port():
    """A loopback port nothing listens on: a mail server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def second_editor(editor):
    return make_user("bientap2", groups=[EDITOR.group], first_name="Trần", last_name="Hoa")


def test_titles_are_kept_on_one_line(reporter, section):
    """A title and kicker pasted across lines are stored on one line, whatever saved them."""
    article = make_article(BROKEN_TITLE, section=section, kicker="Tin\nnóng\u2028hôm nay")
    article.refresh_from_db()
    assert article.title == "Lũ quét ở Ba Bể Bcc: ai-do@example.test"
    assert article.kicker == "Tin nóng hôm nay"


def test_the_story_form_keeps_the_title_on_one_line(client, reporter, section):
    """A crafted POST with CR/LF in the title saves it on one line."""
    article = make_article("Giá lúa", section=section, authors=[reporter.author], created_by=reporter)
    client.force_login(reporter)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(client.get(url))
    data["title"] = "Giá lúa\r\ntăng mạnh\r\n"
    assert client.post(url, data).status_code == 302
    assert Article.objects.get(pk=article.pk).title == "Giá lúa tăng mạnh"


def test_a_title_with_line_breaks_still_mails_every_editor(django_capture_on_commit_callbacks, reporter, editor,
                                                           second_editor, section):
    """A story saved with CR/LF in its title (before the fix, or by an update) still reaches every editor."""
    article = make_article("Giá lúa", section=section, authors=[reporter.author], created_by=reporter)
    Article.objects.filter(pk=article.pk).update(title=BROKEN_TITLE)  # as rows written before titles were one line
    article.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_submit(article=article, by=reporter)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([editor.email, second_editor.email])
    for message in mail.outbox:
        assert "\r" not in message.subject and "\n" not in message.subject
        assert message.message()["Bcc"] is None
    assert not MailFailure.objects.exists()


def test_a_refused_address_is_logged_recorded_and_the_others_still_get_mail(
        settings, caplog, django_capture_on_commit_callbacks, reporter, editor, second_editor, section):
    """One editor's address is refused: ERROR in the log, a record for the desk, the other editor is mailed."""
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    article = make_article("Giá lúa", section=section, authors=[reporter.author], created_by=reporter)
    with caplog.at_level(logging.ERROR, logger="articles.notifications"):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.article_submit(article=article, by=reporter)
    assert [m.to for m in mail.outbox] == [[editor.email]]
    failure = MailFailure.objects.get()
    assert failure.recipient == second_editor.email and failure.article_title == "Giá lúa"
    assert "SMTPRecipientsRefused" in failure.error
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "articles.notifications"]
    assert len(errors) == 1 and second_editor.email in errors[0].getMessage()


def test_a_mail_server_that_is_down_shows_on_the_editors_desk(settings, caplog, django_capture_on_commit_callbacks,
                                                              reporter, editor, second_editor, section):
    """Every mail of the move fails: each recipient is recorded and listed on the editors' desk, not the reporter's."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    article = make_article("Đường lên Pác Bó", section=section, authors=[reporter.author], created_by=reporter,
                           status=Status.REVIEW)
    with caplog.at_level(logging.ERROR, logger="articles.notifications"):
        with django_capture_on_commit_callbacks(execute=True):
            workflow.article_request_changes(article=article, by=editor, comment="Thiếu ảnh.")
            workflow.article_submit(article=article, by=reporter)
    assert sorted(MailFailure.objects.values_list("recipient", flat=True)) == sorted(
        [reporter.email, editor.email, second_editor.email])
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 3

    desk = Client()
    desk.force_login(editor)
    page = desk.get(reverse("admin:index")).content.decode()
    assert "Thư báo chưa gửi được" in page
    assert reporter.email in page and second_editor.email in page and "Connection refused" in page

    own_desk = Client()
    own_desk.force_login(reporter)
    assert "Thư báo chưa gửi được" not in own_desk.get(reverse("admin:index")).content.decode()


def test_the_desk_stays_quiet_when_mail_goes_out(client, editor):
    """No failure, no alarm on the desk."""
    client.force_login(editor)
    assert "Thư báo chưa gửi được" not in client.get(reverse("admin:index")).content.decode()
