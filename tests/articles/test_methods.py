"""Public pages answer 405 with Allow: GET, HEAD to every other method, never the CSRF 403."""
import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db


def public_url_names(patterns=None, namespace=""):
    """Every named URL outside the admin, read from the URL conf (so a new public page cannot be missed)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from public_url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name


# Public endpoints that take a POST on purpose, tested on their own (the most-read beacon: tests/mostread).
TAKES_POST = {"mostread:count"}


@pytest.fixture
def public_urls(published_article):
    section, author = published_article.section, published_article.bylines.first().author
    published_article.tags.create(name="Bầu cử")
    tag = published_article.tags.get()
    arguments = {
        "robots-txt": {}, "sitemap-index": {}, "sitemap-pages": {}, "sitemap-news": {},
        "sitemap-month": {"year": published_article.published_at.year, "month": published_article.published_at.month},
        "articles:home": {}, "articles:search": {}, "articles:rss": {}, "articles:atom": {},
        "articles:rss-section": {"slug": section.slug}, "articles:atom-section": {"slug": section.slug},
        "articles:section": {"slug": section.slug}, "articles:author": {"slug": author.slug},
        "articles:tag": {"slug": tag.slug},
        "articles:detail": {"section": section.slug, "slug": published_article.slug},
        "api:articles": {}, "api:article": {"article_id": published_article.pk},
        "api:article-ninjs": {"article_id": published_article.pk}, "api:sections": {}, "api:authors": {},
        "api:tags": {}, "api:openapi-json": {}, "api:api-root": {},
    }
    assert set(public_url_names()) - TAKES_POST == set(arguments), "a public URL was added or removed: list it here"
    return [reverse(name, kwargs=kwargs) for name, kwargs in arguments.items()]


def test_every_public_page_answers_405_to_writes(public_urls):
    """PUT, DELETE, PATCH and POST (without a CSRF token, as from any client) get 405 and the Allow header."""
    client = Client(enforce_csrf_checks=True)
    for url in public_urls:
        assert client.get(url).status_code == 200, url
        assert client.head(url).status_code == 200, url
        for method in ("put", "delete", "patch", "post"):
            response = getattr(client, method)(url)
            assert (url, method, response.status_code) == (url, method, 405)
            assert response["Allow"] == "GET, HEAD"


def test_options_is_answered_as_django_answers_a_safe_only_view(public_urls):
    """OPTIONS names the allowed methods (require_safe's 405 with Allow), it does not run the view."""
    client = Client(enforce_csrf_checks=True)
    for url in public_urls:
        response = client.options(url)
        assert response.status_code == 405 and response["Allow"] == "GET, HEAD", url


def test_the_view_beacon_answers_only_post(db):
    """The most-read beacon takes POST alone: every other method gets 405 with Allow: POST."""
    client = Client(enforce_csrf_checks=True)
    for name in TAKES_POST:
        for method in ("get", "head", "put", "delete", "patch", "options"):
            response = getattr(client, method)(reverse(name))
            assert (name, method, response.status_code, response["Allow"]) == (name, method, 405, "POST")
