"""Who may make which move in which state: every role x every transition x every state.

The expected table is written out by hand (not derived from workflow.MOVES), and each cell is
checked twice: through the workflow functions, and through a crafted POST to the admin's transition URL.
Matrix: 5 roles x 7 transitions x 5 states = 175 cells, 350 checks.
"""
import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Status, Transition
from tests.factories import make_article

ROLES = ["anonymous", "owner", "other_reporter", "editor", "superuser"]
ACTIONS = ["submit", "withdraw", "request_changes", "publish", "unschedule", "unpublish", "return_to_draft"]
STATES = ["draft", "review", "published", "scheduled", "unpublished"]

# (role, action, state) -> status after the move. Every cell not listed must be refused and change nothing.
ALLOWED = {
    ("owner", "submit", "draft"): Status.REVIEW,
    ("editor", "submit", "draft"): Status.REVIEW,
    ("superuser", "submit", "draft"): Status.REVIEW,
    ("owner", "withdraw", "review"): Status.DRAFT,
    ("superuser", "withdraw", "review"): Status.DRAFT,
    ("editor", "request_changes", "review"): Status.DRAFT,
    ("superuser", "request_changes", "review"): Status.DRAFT,
    ("editor", "publish", "review"): Status.PUBLISHED,
    ("superuser", "publish", "review"): Status.PUBLISHED,
    ("editor", "publish", "unpublished"): Status.PUBLISHED,
    ("superuser", "publish", "unpublished"): Status.PUBLISHED,
    ("editor", "unschedule", "scheduled"): Status.REVIEW,
    ("superuser", "unschedule", "scheduled"): Status.REVIEW,
    ("editor", "unpublish", "published"): Status.UNPUBLISHED,
    ("superuser", "unpublish", "published"): Status.UNPUBLISHED,
    ("editor", "unpublish", "scheduled"): Status.UNPUBLISHED,
    ("superuser", "unpublish", "scheduled"): Status.UNPUBLISHED,
    ("editor", "return_to_draft", "unpublished"): Status.DRAFT,
    ("superuser", "return_to_draft", "unpublished"): Status.DRAFT,
}


def make_story(owner, section, state):
    status, published_at = state, None
    if state == "scheduled":
        status, published_at = Status.PUBLISHED, timezone.now() + datetime.timedelta(days=2)
    return make_article(f"Bài {state}", section=section, authors=[owner.author], created_by=owner, status=status,
                        published_at=published_at)


@pytest.fixture
def people(reporter, other_reporter, editor, superuser):
    return {"anonymous": AnonymousUser(), "owner": reporter, "other_reporter": other_reporter, "editor": editor,
            "superuser": superuser}


def test_matrix_size():
    """The matrix covers 5 roles, 7 transitions and 5 states, with 19 allowed cells."""
    assert len(ROLES) * len(ACTIONS) * len(STATES) == 175
    assert set(ACTIONS) == set(workflow.MOVES)
    assert len(ALLOWED) == 19


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_transition_functions(role, state, people, reporter, section):
    """Each move through workflow.py succeeds exactly in the allowed cells; elsewhere it raises and logs nothing."""
    for action in ACTIONS:
        article = make_story(reporter, section, state)
        before = Article.objects.get(pk=article.pk).status
        expected = ALLOWED.get((role, action, state))
        call = workflow.ACTION_FUNCTIONS[action]
        if expected is None:
            with pytest.raises(workflow.WorkflowError):
                call(article=article, by=people[role], comment="Ghi chú thử")
            assert Article.objects.get(pk=article.pk).status == before, (role, action, state)
            assert not Transition.objects.filter(article=article).exists(), (role, action, state)
        else:
            call(article=article, by=people[role], comment="Ghi chú thử")
            assert Article.objects.get(pk=article.pk).status == expected, (role, action, state)
            assert Transition.objects.filter(article=article, action=action).count() == 1


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_crafted_admin_posts(client, role, state, people, reporter, section):
    """A POST to the admin's transition URL changes the story exactly in the allowed cells, whatever it claims."""
    if role != "anonymous":
        client.force_login(people[role])
    for action in ACTIONS:
        article = make_story(reporter, section, state)
        before = Article.objects.get(pk=article.pk).status
        expected = ALLOWED.get((role, action, state))
        response = client.post(
            reverse("admin:articles_article_transition", args=[article.pk]),
            {"_transition": action, "_transition_comment": "Ghi chú thử", "status": "published"},
        )
        assert response.status_code in (302, 403, 404), (role, action, state, response.status_code)
        after = Article.objects.get(pk=article.pk).status
        if expected is None:
            assert after == before, (role, action, state)
            assert not Transition.objects.filter(article=article).exists(), (role, action, state)
        else:
            assert after == expected, (role, action, state)
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"]
