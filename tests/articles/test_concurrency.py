"""No lost edits and no double moves: stale saves are refused, simultaneous publishes happen once."""
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.models import Article, Status, Transition
from articles.roles import EDITOR
from tests.articles.adminforms import admin_form_data
from tests.factories import make_article, make_user


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def second_editor(editor):
    return make_user("bientap2", groups=[EDITOR.group], first_name="Trần", last_name="Hoa")


def test_stale_save_is_refused_and_keeps_the_second_text(editor, second_editor, reporter, section):
    """Two editors open a story; the first saves; the second's save is refused naming the first, text kept."""
    article = make_article("Lũ quét ở Ba Bể", section=section, authors=[reporter.author], status=Status.REVIEW)
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    first_data = admin_form_data(first.get(change_url(article)))
    second_data = admin_form_data(second.get(change_url(article)))

    first_data["title"] = "Lũ quét ở Ba Bể: 3 người mất tích"
    assert first.post(change_url(article), first_data).status_code == 302

    second_data["sapo"] = "Sapo do biên tập viên thứ hai viết lại."
    second_data["body"] = "<p>Đoạn văn của người thứ hai.</p>"
    response = second.post(change_url(article), second_data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Chưa lưu: Lý Minh đã sửa bài này lúc" in page
    form = response.context["adminform"].form
    assert form["sapo"].value() == "Sapo do biên tập viên thứ hai viết lại."
    assert form["body"].value() == "<p>Đoạn văn của người thứ hai.</p>"
    assert "Lũ quét ở Ba Bể: 3 người mất tích" in page  # the saved version is shown beside it
    article.refresh_from_db()
    assert article.title == "Lũ quét ở Ba Bể: 3 người mất tích"
    assert article.sapo == "Sapo của bài viết."
    assert article.version == 2


def test_after_seeing_the_conflict_the_second_save_goes_through(editor, second_editor, reporter, section):
    """Once the refused form is shown with both texts, saving it again stores the merged text."""
    article = make_article("Giá lúa", section=section, authors=[reporter.author], status=Status.REVIEW)
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    first_data = admin_form_data(first.get(change_url(article)))
    second_data = admin_form_data(second.get(change_url(article)))
    first_data["title"] = "Giá lúa tăng"
    first.post(change_url(article), first_data)
    second_data["sapo"] = "Sapo mới."
    refused = second.post(change_url(article), second_data)

    merged = admin_form_data(refused)
    merged["title"] = "Giá lúa tăng mạnh"
    assert second.post(change_url(article), merged).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.sapo, article.version) == ("Giá lúa tăng mạnh", "Sapo mới.", 3)
    assert article.last_edited_by == second_editor


def test_form_without_version_is_refused(client, editor, reporter, section):
    """A crafted POST with no version cannot overwrite the story blindly."""
    article = make_article("Giá lúa", section=section, authors=[reporter.author])
    client.force_login(editor)
    data = admin_form_data(client.get(change_url(article)))
    data.pop("version")
    data["title"] = "Ghi đè"
    assert client.post(change_url(article), data).status_code == 200
    assert Article.objects.get(pk=article.pk).title == "Giá lúa"


def _in_threads(*jobs):
    """Run each job in its own thread (its own database connection), all starting together."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_editors_publishing_at_once_publish_once(reporter, editor, second_editor, section):
    """Two editors pressing publish at the same moment: one publishes, the other is refused, one log entry."""
    assert connection.vendor == "postgresql"
    article = make_article("Bão số 3", section=section, authors=[reporter.author], status=Status.REVIEW)

    def publish_as(user):
        return lambda: workflow.article_publish(article=Article.objects.get(pk=article.pk), by=user)

    results = _in_threads(publish_as(editor), publish_as(second_editor))

    published = [r for r in results if isinstance(r, Article)]
    refused = [r for r in results if isinstance(r, workflow.WorkflowError)]
    assert len(published) == 1 and len(refused) == 1, results
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED
    assert Transition.objects.filter(article_id=article.pk).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_from_the_same_version_keep_one(editor, second_editor, reporter, section):
    """Two admin saves posted at the same moment from one version: one is stored, the other refused, none lost."""
    article = make_article("Giá lúa", section=section, authors=[reporter.author], status=Status.REVIEW)
    clients = []
    for user, title in [(editor, "Bản của biên tập viên một"), (second_editor, "Bản của biên tập viên hai")]:
        client = Client()
        client.force_login(user)
        data = admin_form_data(client.get(change_url(article)))
        data["title"] = title
        clients.append((client, data))

    results = _in_threads(*[(lambda c=c, d=d: c.post(change_url(article), d).status_code) for c, d in clients])

    assert sorted(results) == [200, 302], results
    article.refresh_from_db()
    assert article.version == 2
    winner = [d["title"] for (c, d), code in zip(clients, results) if code == 302]
    assert article.title == winner[0]
