from django.urls import reverse

from tests.factories import make_article


def test_home_lists_published_story(client, published_article):
    """The home page shows a published story's title."""
    response = client.get(reverse("articles:home"))
    assert response.status_code == 200
    assert published_article.title in response.content.decode()


def test_draft_answers_404(client, section, db):
    """A draft is not public: its URL answers 404."""
    draft = make_article("Bản nháp chưa duyệt", section=section)
    assert client.get(draft.get_absolute_url()).status_code == 404
