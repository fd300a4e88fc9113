"""No stale form can undo a workflow move: every move makes a story form opened before it stale.

Editor A opens the story form; someone else moves the story (through the admin's buttons, or the system);
A then saves the form as it was. The save is refused with the stale-save message and the move stands:
status, publish times and the public page are those the move left.
"""
import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Status, Transition
from articles.roles import EDITOR
from tests.articles.adminforms import admin_form_data
from tests.factories import make_article, make_user

LATER = datetime.timedelta(days=2)

# The story's state before the move: (status, published_at relative to now, or None).
STATES = {
    "draft": (Status.DRAFT, None),
    "review": (Status.REVIEW, None),
    "review-with-proposed-time": (Status.REVIEW, LATER),
    "published": (Status.PUBLISHED, -datetime.timedelta(hours=3)),
    "scheduled": (Status.PUBLISHED, LATER),
    "unpublished": (Status.UNPUBLISHED, -datetime.timedelta(days=3)),
    "unpublished-never-timed": (Status.UNPUBLISHED, None),  # the story of the reproduced data loss
}

# Every move the workflow can make from each state: (state, action, who moves, extra POST data).
MOVES = [
    ("draft", "submit", "mover", {}),
    ("review", "withdraw", "owner", {}),
    ("review", "request_changes", "mover", {}),
    ("review", "publish", "mover", {}),
    ("review", "publish", "mover", {"_publish_at": "later"}),
    ("review-with-proposed-time", "publish", "mover", {}),
    ("scheduled", "unschedule", "mover", {}),
    ("published", "unpublish", "mover", {}),
    ("scheduled", "unpublish", "mover", {}),
    ("unpublished", "publish", "mover", {}),
    ("unpublished", "publish", "mover", {"_publish_at": "later"}),
    ("unpublished", "return_to_draft", "mover", {}),
    ("unpublished-never-timed", "publish", "mover", {}),
    ("unpublished-never-timed", "return_to_draft", "mover", {}),
]

SYSTEM_MOVES = [(state, target) for state in STATES for target in Status.values if STATES[state][0] != target]


@pytest.fixture
def mover(editor):
    return make_user("bientap-b", groups=[EDITOR.group], first_name="Trần", last_name="Hoa")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def make_story(state, reporter, section):
    status, offset = STATES[state]
    published_at = None if offset is None else timezone.now() + offset
    article = make_article("Lũ quét ở Ba Bể", section=section, authors=[reporter.author], created_by=reporter,
                           status=status)
    # The factory fills in a publish time for published stories; here the state says exactly which.
    Article.objects.filter(pk=article.pk).update(
        published_at=published_at, first_published_at=published_at if status != Status.DRAFT else None)
    return Article.objects.get(pk=article.pk)


def workflow_columns(article):
    row = Article.objects.get(pk=article.pk)
    return row.status, row.published_at, row.first_published_at, row.title


def public_status(article):
    """What an anonymous reader gets at the story's address now."""
    row = Article.objects.select_related("section").get(pk=article.pk)
    return Client().get(row.get_absolute_url()).status_code


def post_stale_form(client, article, data):
    """A's typo fix from the form opened before the move."""
    data = dict(data, title="Lũ quét ở Ba Bể (đã sửa lỗi chính tả)")
    return client.post(change_url(article), data)


def assert_refused_as_stale(response, after_move, article):
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert "Chưa lưu:" in page
    assert response.context["adminform"].form.errors.as_data()["__all__"][0].code == "stale"
    assert workflow_columns(article) == after_move


def assert_merged_save_keeps_the_move(client, article, refused, after_move, capture):
    """Saving the refused form as shown (the writer has merged) keeps A's fix and every column of the move."""
    with capture(execute=True):
        response = client.post(change_url(article), admin_form_data(refused))
    assert response.status_code == 302, response.context["adminform"].form.errors
    # An editable publish time goes through the form's inputs, which hold whole seconds.
    whole = [value.replace(microsecond=0) if value else value for value in after_move[1:3]]
    status, published_at, first_published_at, _ = workflow_columns(article)
    assert status == after_move[0] and first_published_at == after_move[2]
    assert (published_at.replace(microsecond=0) if published_at else None) == whole[0]
    assert Article.objects.get(pk=article.pk).title == "Lũ quét ở Ba Bể (đã sửa lỗi chính tả)"


@pytest.mark.parametrize(("state", "action", "who", "extra"), MOVES,
                         ids=[f"{s}-{a}{'-later' if e else ''}" for s, a, _, e in MOVES])
def test_a_form_opened_before_a_move_cannot_undo_it(state, action, who, extra, editor, mover, reporter, section,
                                                    django_capture_on_commit_callbacks):
    """Editor A's save of a form opened before the move is refused, and the move's columns and page stand."""
    assert {a for _, a, _, _ in MOVES} == set(workflow.MOVES)  # every verb of the workflow is here
    article = make_story(state, reporter, section)
    editor_a, other = Client(), Client()
    editor_a.force_login(editor)
    other.force_login(reporter if who == "owner" else mover)
    stale = admin_form_data(editor_a.get(change_url(article)))

    data = {"_transition": action, "_transition_comment": "Lý do cần ghi"}
    if extra.get("_publish_at") == "later":
        data["_publish_at"] = timezone.localtime(timezone.now() + LATER).strftime("%Y-%m-%dT%H:%M")
    with django_capture_on_commit_callbacks(execute=True):
        moved = other.post(reverse("admin:articles_article_transition", args=[article.pk]), data)
    assert moved.status_code == 302
    assert Transition.objects.filter(article=article, action=action).count() == 1, "the move did not happen"
    after_move = workflow_columns(article)
    page_after_move = public_status(article)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_stale_form(editor_a, article, stale)

    assert_refused_as_stale(response, after_move, article)
    assert public_status(article) == page_after_move
    assert_merged_save_keeps_the_move(editor_a, article, response, after_move, django_capture_on_commit_callbacks)


@pytest.mark.parametrize(("state", "target"), SYSTEM_MOVES, ids=[f"{s}-to-{t}" for s, t in SYSTEM_MOVES])
def test_a_form_opened_before_a_system_move_cannot_undo_it(state, target, editor, reporter, section,
                                                           django_capture_on_commit_callbacks):
    """A move made by the system (an import, the demo) also makes an open form stale."""
    article = make_story(state, reporter, section)
    editor_a = Client()
    editor_a.force_login(editor)
    stale = admin_form_data(editor_a.get(change_url(article)))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_set_status_by_system(article=article, status=target, comment="Nhập lại từ kho")
    after_move = workflow_columns(article)
    page_after_move = public_status(article)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_stale_form(editor_a, article, stale)

    assert_refused_as_stale(response, after_move, article)
    assert public_status(article) == page_after_move
    assert_merged_save_keeps_the_move(editor_a, article, response, after_move, django_capture_on_commit_callbacks)


def test_taken_down_story_published_by_b_survives_a_typo_fix_by_a(editor, mover, reporter, section,
                                                                  django_capture_on_commit_callbacks):
    """The reproduced loss: A opens a taken-down story with no publish time, B publishes, A saves a typo fix.

    The save is refused naming B and the move, the story stays published with its time, and readers get it.
    """
    article = make_story("unpublished-never-timed", reporter, section)
    editor_a, editor_b = Client(), Client()
    editor_a.force_login(editor)
    editor_b.force_login(mover)
    stale = admin_form_data(editor_a.get(change_url(article)))
    assert stale["published_at_0"] == "" and stale["published_at_1"] == ""

    with django_capture_on_commit_callbacks(execute=True):
        editor_b.post(reverse("admin:articles_article_transition", args=[article.pk]), {"_transition": "publish"})
    with django_capture_on_commit_callbacks(execute=True):
        response = post_stale_form(editor_a, article, stale)

    assert response.status_code == 200
    assert "Chưa lưu: Trần Hoa đã “Duyệt và xuất bản”" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at is not None and article.is_public
    assert article.title == "Lũ quét ở Ba Bể"
    assert public_status(article) == 200
    assert article.pk in Article.objects.published().values_list("pk", flat=True)

    # A has now seen the story as it stands; saving again keeps the fix and leaves the publication alone.
    data = admin_form_data(response)
    with django_capture_on_commit_callbacks(execute=True):
        assert editor_a.post(change_url(article), data).status_code == 302
    row = Article.objects.get(pk=article.pk)
    assert row.title == "Lũ quét ở Ba Bể (đã sửa lỗi chính tả)"
    assert (row.status, row.published_at) == (Status.PUBLISHED, article.published_at)
    assert public_status(article) == 200


@pytest.mark.parametrize("state", ["published", "scheduled"])
def test_the_form_never_writes_a_published_storys_publish_time(state, editor, reporter, section):
    """Belt and braces: even a current form cannot empty or move the publish time of a story that is out."""
    article = make_story(state, reporter, section)
    before = workflow_columns(article)[:3]
    client = Client()
    client.force_login(editor)
    form = client.get(change_url(article))
    assert 'name="published_at_0"' not in form.content.decode()  # shown, not editable
    data = admin_form_data(form)
    data.update({"published_at_0": "", "published_at_1": "", "sapo": "Sapo đã sửa."})
    assert client.post(change_url(article), data).status_code == 302
    row = Article.objects.get(pk=article.pk)
    assert row.sapo == "Sapo đã sửa."
    assert (row.status, row.published_at, row.first_published_at) == before


def test_every_move_moves_the_version(editor, reporter, section):
    """Each verb and the system's move leave the story one version further on."""
    article = make_story("draft", reporter, section)
    steps = [("submit", {}), ("publish", {"publish_at": timezone.now() + LATER}), ("unschedule", {}),
             ("publish", {}), ("unpublish", {"comment": "Sai số liệu"}), ("return_to_draft", {})]
    for action, kwargs in steps:
        before = Article.objects.get(pk=article.pk).version
        moved = workflow.ACTION_FUNCTIONS[action](article=article, by=editor, **kwargs)
        assert Article.objects.get(pk=article.pk).version == before + 1 == moved.version == article.version, action
    before = Article.objects.get(pk=article.pk).version
    workflow.article_set_status_by_system(article=article, status=Status.PUBLISHED)
    assert Article.objects.get(pk=article.pk).version == before + 1
