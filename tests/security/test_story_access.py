"""Preview, revision history, compare, restore and the audit trail need the right to edit that story.

Revisions hold text that never went public (a paragraph the lawyer cut, an editor's note), so reading
them is treated like editing: the story's own reporter and editors may, other reporters may not, even
once the story is published (Wagtail CVE-2026-25517 and CVE-2026-44197 are this bug).
"""
import pytest
import reversion
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article, Status, Transition
from tests import factories
from tests.security.htmlcheck import visible_text

SECRET = "Đoạn luật sư yêu cầu cắt bỏ"


def save_revision(article, **changes):
    """Save the story with `changes` as the admin does: one revision per save."""
    for name, value in changes.items():
        setattr(article, name, value)
    with reversion.create_revision():
        article.save()
        article.refresh_from_db()
        reversion.add_to_revision(article)
    return Version.objects.get_for_object(article).first()


@pytest.fixture
def stories(reporter, editor, section):
    """The reporter's draft, and the reporter's story published after a revision with a cut paragraph."""
    draft = factories.make_article("Bản nháp của phóng viên", section=section, authors=[reporter.author],
                                   created_by=reporter)
    published = factories.make_article("Bài đã đăng", section=section, authors=[reporter.author],
                                       created_by=reporter)
    old = save_revision(published, body=f"<p>{SECRET}</p><p>Đoạn hai.</p>")
    new = save_revision(published, body="<p>Đoạn hai.</p>")
    save_revision(draft, body="<p>Nháp.</p>")
    Article.objects.filter(pk=published.pk).update(status=Status.PUBLISHED, published_at=timezone.now())
    Transition.objects.create(article=published, article_title=published.title, action="request_changes",
                              from_status=Status.REVIEW, to_status=Status.DRAFT, actor=editor,
                              comment="Ghi chú nội bộ: nguồn tin chưa xác minh")
    return {"draft": draft, "published": published, "old": old, "new": new}


def pages(story, old, new):
    """Every staff page that shows a story's unpublished states."""
    return {
        "preview": reverse("admin:articles_article_preview", args=[story.pk]),
        "history": reverse("admin:articles_article_history", args=[story.pk]),
        "compare": reverse("admin:articles_article_compare", args=[story.pk]) + f"?cu={old.pk}&moi={new.pk}",
        "restore-form": reverse("admin:articles_article_restore", args=[story.pk, old.pk]),
    }


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_anonymous_visitor_is_sent_to_login(stories):
    """Without logging in, every staff page of a story redirects to the login page."""
    story = stories["published"]
    for name, url in pages(story, stories["old"], stories["new"]).items():
        response = client_for(None).get(url)
        assert response.status_code == 302 and reverse("admin:login") in response["Location"], name


def test_staff_without_story_rights_is_refused(stories):
    """A staff account with no article permission gets 403 on every staff page of a story."""
    clerk = factories.make_user("thuky")
    for name, url in pages(stories["draft"], stories["old"], stories["new"]).items():
        assert client_for(clerk).get(url).status_code in (403, 404), name


def test_other_reporter_cannot_read_a_colleagues_draft(stories, other_reporter):
    """Another reporter gets 403/404 on the preview and history of a colleague's draft."""
    story = stories["draft"]
    for name, url in pages(story, stories["old"], stories["new"]).items():
        response = client_for(other_reporter).get(url)
        assert response.status_code in (403, 404), name


@pytest.mark.parametrize("view", ["history", "compare", "restore-form"])
def test_other_reporter_cannot_read_revisions_of_a_published_story(stories, other_reporter, view):
    """Revisions of a published story (with text that never went public) are closed to other reporters."""
    story = stories["published"]
    response = client_for(other_reporter).get(pages(story, stories["old"], stories["new"])[view])
    assert SECRET not in visible_text(response.content.decode())
    assert response.status_code in (302, 403, 404)


def test_other_reporter_cannot_read_the_audit_trail_of_a_colleagues_story(stories, other_reporter):
    """The audit trail's internal notes on a colleague's story are not listed for another reporter."""
    response = client_for(other_reporter).get(reverse("admin:articles_transition_changelist"))
    assert response.status_code in (200, 403)
    assert "nguồn tin chưa xác minh" not in response.content.decode()


def test_owner_and_editor_can_read_everything(stories, reporter, editor):
    """The story's reporter and an editor see its preview, history and comparison."""
    story = Article.objects.get(pk=stories["published"].pk)
    for user in [reporter, editor]:
        for name, url in pages(story, stories["old"], stories["new"]).items():
            if name == "restore-form" and not workflow.can_edit(user, story):
                continue
            assert client_for(user).get(url).status_code == 200, (user.username, name)
    compare = client_for(editor).get(pages(story, stories["old"], stories["new"])["compare"])
    assert SECRET in visible_text(compare.content.decode())


def test_other_reporter_cannot_restore(stories, other_reporter):
    """A restore POST from another reporter changes nothing."""
    story = stories["draft"]
    version = Version.objects.get_for_object(story).first()
    before = Article.objects.get(pk=story.pk).body
    response = client_for(other_reporter).post(reverse("admin:articles_article_restore", args=[story.pk, version.pk]))
    assert response.status_code in (302, 403, 404)
    assert Article.objects.get(pk=story.pk).body == before


def test_preview_is_never_cached_or_indexed(stories, reporter):
    """The preview answers with no-store caching headers and noindex."""
    response = client_for(reporter).get(reverse("admin:articles_article_preview", args=[stories["draft"].pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
