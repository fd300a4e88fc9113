"""End to end: a story published through the workflow ends, by the real task worker, in one purge call at the
CDN carrying the keys of every page that shows it, and those are the keys the pages name in their headers."""
import pytest

from articles import cachekeys, workflow
from articles.models import Status
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


def page_keys(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Tag"].split(",") == response["Surrogate-Key"].split()
    return set(response["Surrogate-Key"].split())


def test_publishing_a_story_purges_every_page_showing_it_at_the_cdn(fastly, run_worker, client, section, author,
                                                                    editor):
    """The story's page, its section and the home page each carry a key that the publication's purge names."""
    story = make_article("Khánh thành cầu Nà Phặc", section=section, authors=[author], status=Status.REVIEW)
    run_worker()  # what making the section and the author purged (`site`: the menu) goes first
    fastly.calls.clear()
    home_before = page_keys(client, "/")
    section_before = page_keys(client, section.get_absolute_url())
    workflow.article_publish(article=story, by=editor)
    assert fastly.calls == []  # nothing leaves inside the editor's request
    run_worker()
    [call] = fastly.calls
    purged = set(call["body"]["surrogate_keys"])
    assert {cachekeys.story(story.pk), cachekeys.section(section.pk), cachekeys.LATEST} <= purged
    assert cachekeys.SITE not in purged  # a publication is not a site-wide purge
    # Every page that now shows the story was cached under a key this call purged.
    assert page_keys(client, story.get_absolute_url()) & purged
    assert home_before & purged and section_before & purged


def test_a_draft_saved_again_and_again_never_reaches_the_cdn(fastly, run_worker, section, author):
    """A reporter's private draft purges nothing, so the CDN hears nothing."""
    draft = make_article("Bản nháp", section=section, authors=[author])
    run_worker()
    fastly.calls.clear()
    for n in range(3):
        draft.title = f"Bản nháp {n}"
        draft.save()
    run_worker()
    assert fastly.calls == []


def test_a_correction_purges_the_story_and_not_its_lists(fastly, run_worker, published_article):
    """A text change of a public story purges its own key only: lists keep their CDN copies."""
    from articles.models import Correction

    run_worker()
    fastly.calls.clear()
    Correction.objects.create(article=published_article, text="Sửa tên đại biểu.")
    run_worker()
    purged = set(fastly.purged_keys())
    assert cachekeys.story(published_article.pk) in purged
    assert cachekeys.LATEST not in purged and cachekeys.section(published_article.section_id) not in purged
