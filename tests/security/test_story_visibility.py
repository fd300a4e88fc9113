"""What a reporter may learn about stories that are not theirs: embargoed stories, the "view on site" shortcut,
and editors' notes in the status history.

A scheduled story has status published but is under embargo until its time: only editors and its own
reporters see it. The admin's /r/<content type>/<id>/ redirect tells the slug (the working title) of what it
redirects to, and ids are sequential. Editors' notes on a move are internal, like the revisions.
"""
import datetime
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Section, Status, Transition
from tests import factories

EMBARGOED = "Kết quả thi tuyển công chức tỉnh"
EMBARGO_WORD = "congchuc"  # a word of the slug, to spot it in a redirect


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def embargoed(reporter, section):
    """The reporter's story, approved and scheduled for tomorrow morning."""
    return factories.make_article(EMBARGOED, section=section, authors=[reporter.author], created_by=reporter,
                                  status=Status.PUBLISHED, published_at=timezone.now() + datetime.timedelta(hours=18),
                                  slug=f"ket-qua-thi-tuyen-{EMBARGO_WORD}", body="<p>Danh sách trúng tuyển.</p>")


def surfaces(article):
    """Every admin page that shows a story's title or text, by name."""
    return {
        "form": reverse("admin:articles_article_change", args=[article.pk]),
        "preview": reverse("admin:articles_article_preview", args=[article.pk]),
        "history": reverse("admin:articles_article_history", args=[article.pk]),
        "compare": reverse("admin:articles_article_compare", args=[article.pk]) + "?cu=1&moi=2",
    }


def autocomplete(client, term):
    """The admin's autocomplete that lists stories (the one behind any field pointing at a story)."""
    response = client.get(reverse("admin:autocomplete"), {"app_label": "articles", "model_name": "caption",
                                                          "field_name": "article", "term": term})
    assert response.status_code == 200
    return [result["text"] for result in json.loads(response.content)["results"]]


def changelist(client, **params):
    return client.get(reverse("admin:articles_article_changelist"), params).content.decode()


# --- Embargoed (scheduled) stories ---------------------------------------------------------------------------

def test_other_reporter_cannot_find_an_embargoed_story_anywhere(embargoed, other_reporter):
    """Changelist, quick filter, search, form, preview, history, compare and autocomplete hide it from a colleague."""
    client = client_for(other_reporter)
    assert not workflow.can_view(other_reporter, embargoed)
    assert embargoed not in Article.objects.visible_to(other_reporter)
    for params in [{}, {"xem": "hen-gio"}, {"q": "thi tuyen"}, {"status__exact": "published"}]:
        assert EMBARGOED not in changelist(client, **params), params
    for name, url in surfaces(embargoed).items():
        response = client.get(url)
        assert response.status_code in (403, 404), name
        assert EMBARGOED not in response.content.decode(), name
    assert EMBARGOED not in autocomplete(client, "thi tuyen")


def test_editor_and_own_reporter_see_the_embargoed_story(embargoed, reporter, editor):
    """The story's reporter and the editors keep every view of it before its time."""
    for user in (reporter, editor):
        client = client_for(user)
        assert workflow.can_view(user, embargoed)
        assert EMBARGOED in changelist(client), user.username
        assert EMBARGOED in autocomplete(client, "thi tuyen"), user.username
        for name in ("form", "preview", "history"):
            response = client.get(surfaces(embargoed)[name])
            assert response.status_code == 200, (user.username, name)
            assert EMBARGOED in response.content.decode()


def test_the_embargo_lifts_at_its_time(embargoed, other_reporter):
    """Once the publish time has come, a colleague sees the story like any published one."""
    Article.objects.filter(pk=embargoed.pk).update(published_at=timezone.now() - datetime.timedelta(minutes=1))
    client = client_for(other_reporter)
    assert EMBARGOED in changelist(client)
    assert client.get(surfaces(embargoed)["form"]).status_code == 200
    assert client.get(surfaces(embargoed)["preview"]).status_code == 200
    assert EMBARGOED in autocomplete(client, "thi tuyen")


# --- The "view on site" shortcut ----------------------------------------------------------------------------

def shortcut_url(model, pk):
    return reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(model).pk, pk])


@pytest.fixture
def newsroom(reporter, other_reporter, section, embargoed):
    """One story of each state by a colleague, the reporter's own draft, and the embargoed one."""
    stories = {"embargoed": embargoed}
    for state in [Status.DRAFT, Status.REVIEW, Status.PUBLISHED, Status.UNPUBLISHED]:
        stories[f"colleague-{state}"] = factories.make_article(
            f"Bài {state} của đồng nghiệp", section=section, authors=[other_reporter.author],
            created_by=other_reporter, status=state, slug=f"tieu-de-mat-{state}")
    stories["own-draft"] = factories.make_article("Nháp của tôi", section=section, authors=[reporter.author],
                                                  created_by=reporter, slug="nhap-cua-toi")
    stories["own-review"] = factories.make_article("Bài tôi chờ duyệt", section=section, authors=[reporter.author],
                                                   created_by=reporter, status=Status.REVIEW, slug="toi-cho-duyet")
    return stories


def walk_ids(client):
    """Follow the shortcut for every id from a few before the first story to a few past the last, as a script
    would; {id: (code, target)}. (On PostgreSQL ids keep counting across the suite's rolled-back tests, so
    starting at 1 would walk tens of thousands of empty ids.)"""
    ids = Article.objects.order_by("pk").values_list("pk", flat=True)
    first, last = ids.first(), ids.last()
    answers = {}
    for pk in range(max(1, first - 3), last + 4):
        response = client.get(shortcut_url(Article, pk))
        answers[pk] = (response.status_code, response.get("Location", ""))
    return answers


def test_shortcut_walk_by_another_reporter_reveals_only_public_stories(newsroom, reporter):
    """A reporter walking the ids gets a redirect only for published stories and their own drafts; 404 elsewhere."""
    answers = walk_ids(client_for(reporter))
    redirected = {pk for pk, (code, _) in answers.items() if code == 302}
    assert redirected == {newsroom["colleague-published"].pk, newsroom["own-draft"].pk}
    assert all(code == 404 for pk, (code, _) in answers.items() if pk not in redirected)
    every_target = " ".join(target for _, target in answers.values())
    for name in ["colleague-draft", "colleague-review", "colleague-unpublished", "own-review", "embargoed"]:
        assert newsroom[name].slug not in every_target, name


def test_shortcut_walk_by_an_editor_follows_every_story(newsroom, editor):
    """An editor may edit every story, so the shortcut answers for each one, and 404 past the last id."""
    answers = walk_ids(client_for(editor))
    stories = set(Article.objects.values_list("pk", flat=True))
    assert {pk for pk, (code, _) in answers.items() if code == 302} == stories
    assert all(code == 404 for pk, (code, _) in answers.items() if pk not in stories)
    assert newsroom["embargoed"].slug in answers[newsroom["embargoed"].pk][1]


def test_shortcut_refuses_staff_without_story_rights_and_odd_ids(newsroom, section, reporter):
    """A staff account with no article permission learns nothing; junk ids and content types answer 404."""
    clerk = client_for(factories.make_user("thuky"))
    published = newsroom["colleague-published"]
    assert clerk.get(shortcut_url(Article, published.pk)).status_code == 404
    assert clerk.get(shortcut_url(Section, section.pk)).status_code == 404
    client = client_for(reporter)
    assert client.get(shortcut_url(Article, "abc")).status_code == 404
    assert client.get(reverse("admin:view_on_site", args=[987654, published.pk])).status_code == 404
    assert client.get(shortcut_url(Section, section.pk)).status_code == 302  # sections are public pages
    assert Client().get(shortcut_url(Article, published.pk)).status_code == 302  # to the login page
    assert "login" in Client().get(shortcut_url(Article, published.pk))["Location"]


# --- Editors' notes in the status history -------------------------------------------------------------------

NOTE = "Ghi chú nội bộ: nguồn tin chưa xác minh"


@pytest.fixture
def colleagues_published_story(other_reporter, editor, section):
    article = factories.make_article("Bài đã đăng của đồng nghiệp", section=section,
                                     authors=[other_reporter.author], created_by=other_reporter,
                                     status=Status.PUBLISHED)
    Transition.objects.create(article=article, article_title=article.title, action="request_changes",
                              from_status=Status.REVIEW, to_status=Status.DRAFT, actor=editor, actor_name="Lý Minh",
                              comment=NOTE)
    return article


def test_story_form_hides_editors_notes_from_other_reporters(colleagues_published_story, reporter):
    """A colleague's published story opens read-only for a reporter, with the moves listed but not the notes."""
    client = client_for(reporter)
    assert not workflow.can_read_history(reporter, colleagues_published_story)
    page = client.get(reverse("admin:articles_article_change", args=[colleagues_published_story.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert NOTE not in text
    assert "Yêu cầu sửa" in text  # the move itself is still listed
    history = client.get(reverse("admin:articles_article_history", args=[colleagues_published_story.pk]))
    assert history.status_code == 403


def test_story_form_shows_editors_notes_to_those_who_read_history(colleagues_published_story, other_reporter,
                                                                   editor):
    """The story's own reporter and the editors read the notes on the form, as on the history page."""
    for user in (other_reporter, editor):
        page = client_for(user).get(reverse("admin:articles_article_change", args=[colleagues_published_story.pk]))
        assert NOTE in page.content.decode(), user.username
