"""The page cache by keys: what each page shows, what each change purges, the race, holes, scheduled stories."""
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from articles import cachekeys, workflow
from articles.caching import page_key, public_page, purge_keys, register_hole, shows
from articles.models import Article, Correction, Status, Tag
from articles.signals import keys_purged
from tests.articles.pages import parse_html
from tests.factories import make_article, make_author, make_caption, make_photo, make_section, make_user

pytestmark = pytest.mark.django_db


def published(title, section, minutes_ago=5, **fields):
    return make_article(title, section=section, status=Status.PUBLISHED,
                        published_at=timezone.now() - timedelta(minutes=minutes_ago), **fields)


def cached(rf, url):
    """Whether the page at `url` is in the shared page cache now (asked without serving it)."""
    return cache.get(page_key(rf.get(url))) is not None


@pytest.fixture
def purged():
    """The keys_purged announcements, each a frozenset."""
    sent = []

    def record(sender, keys, **kwargs):
        sent.append(keys)

    keys_purged.connect(record)
    yield sent
    keys_purged.disconnect(record)


@pytest.fixture
def site(db):
    """Three sections of five published stories; each story with a byline, a tag and a lead photo."""
    sections = [make_section(name) for name in ("Thời sự", "Kinh tế", "Văn hóa")]
    author = make_author("Hoàng Lan")
    stories = {}
    for section in sections:
        tag = Tag.objects.create(name=f"Chủ đề {section.name}")
        stories[section.pk] = []
        for n in range(5):
            story = published(f"{section.name} tin {n}", section, minutes_ago=10 + n, authors=[author])
            story.tags.add(tag)
            make_caption(story, photo=make_photo(credit=f"Ảnh {section.name} {n}"), is_lead=True)
            stories[section.pk].append(story)
    return {"sections": sections, "stories": stories, "author": author}


def warm(client, urls):
    for url in urls:
        assert client.get(url).status_code == 200, url
    for url in urls:
        assert client.get(url)["X-Page-Cache"] == "hit", url


def test_pages_name_what_they_show_in_surrogate_key_and_cache_tag(client, section):
    """The story page names the story, its people, topics and photos, and `site`, on the miss and on the hit."""
    author = make_author("Đinh Hà")
    story = published("Đường mới lên Ba Bể", section, authors=[author])
    tag = Tag.objects.create(name="Giao thông")
    story.tags.add(tag)
    photo = make_photo()
    make_caption(story, photo=photo, is_lead=True)
    expected = {f"story-{story.pk}", f"author-{author.pk}", f"tag-{tag.pk}", f"photo-{photo.pk}", "site"}
    for label in ("miss", "hit"):
        response = client.get(story.get_absolute_url())
        assert response["X-Page-Cache"] == label
        assert set(response["Surrogate-Key"].split(" ")) == expected
        assert set(response["Cache-Tag"].split(",")) == expected
    home = client.get("/")
    assert {"home", "latest", f"story-{story.pk}", f"photo-{photo.pk}", "site"} <= set(home["Surrogate-Key"].split())
    section_page = client.get(section.get_absolute_url())
    assert {f"section-{section.pk}", f"story-{story.pk}"} <= set(section_page["Surrogate-Key"].split())
    assert f"section-{section.pk}" not in response["Surrogate-Key"]  # the related block is a hole, not the page's
    rss = client.get(reverse("articles:rss"))
    assert {"latest", f"story-{story.pk}", f"author-{author.pk}"} <= set(rss["Surrogate-Key"].split())


def test_staff_answers_carry_no_keys(client, published_article):
    """A private answer is not for a CDN: no Surrogate-Key, no Cache-Tag."""
    client.force_login(make_user("bientap", staff=True))
    response = client.get(published_article.get_absolute_url())
    assert "Surrogate-Key" not in response and "Cache-Tag" not in response
    assert "Xem thêm" not in response.content.decode() or "<!--hole:" not in response.content.decode()


def test_publishing_one_story_keeps_every_other_story_page_cached(client, rf, site, editor,
                                                                  django_capture_on_commit_callbacks, purged):
    """After one publish in a section: every story page (of that section too) is still cached; its section's
    page, the home page and the feeds are purged; the other sections' pages stay."""
    sections, stories = site["sections"], site["stories"]
    story_urls = [s.get_absolute_url() for group in stories.values() for s in group]
    list_urls = ["/", *[s.get_absolute_url() for s in sections], reverse("articles:rss"),
                 *[reverse("articles:rss-section", kwargs={"slug": s.slug}) for s in sections]]
    warm(client, story_urls + list_urls)
    news = make_article("Tin mới về Thời sự", section=sections[0], authors=[site["author"]], status=Status.REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_publish(article=news, by=editor)

    still = [url for url in story_urls if cached(rf, url)]
    assert len(still) == len(story_urls) == 15
    gone = {url for url in list_urls if not cached(rf, url)}
    assert gone == {"/", sections[0].get_absolute_url(), reverse("articles:rss"),
                    reverse("articles:rss-section", kwargs={"slug": sections[0].slug})}
    # A story page of the same section shows the new story in its related block (a hole), still from the cache.
    neighbour = client.get(stories[sections[0].pk][0].get_absolute_url())
    assert neighbour["X-Page-Cache"] == "hit" and "Tin mới về Thời sự" in neighbour.content.decode()
    other = client.get(stories[sections[1].pk][0].get_absolute_url())
    assert "Tin mới về Thời sự" not in other.content.decode()
    # One announcement for the move, naming the story, its lists and latest.
    assert f"story-{news.pk}" in purged[-1] and f"section-{sections[0].pk}" in purged[-1] and "latest" in purged[-1]
    assert f"author-{site['author'].pk}-list" in purged[-1]


def test_a_typo_fix_purges_the_story_and_the_lists_showing_it_only(client, rf, site):
    """A title fix of a public story purges the pages that show that story: its page, its section's list, home."""
    sections, stories = site["sections"], site["stories"]
    story = stories[sections[1].pk][0]
    urls = ["/", *[s.get_absolute_url() for s in sections], story.get_absolute_url(),
            stories[sections[1].pk][1].get_absolute_url(), stories[sections[2].pk][0].get_absolute_url()]
    warm(client, urls)
    story.title = "Kinh tế tin 0 (đã sửa lỗi chính tả)"
    story.save()
    assert {url for url in urls if not cached(rf, url)} == {"/", sections[1].get_absolute_url(),
                                                            story.get_absolute_url()}
    assert "Kinh tế tin 0 (đã sửa lỗi chính tả)" in client.get("/").content.decode()


def test_author_rename_and_photo_credit_purge_the_pages_showing_them(client, rf, site):
    """A rename purges every page with the byline; a credit edit the pages with the photo; nothing else."""
    sections, stories = site["sections"], site["stories"]
    story = stories[sections[0].pk][0]
    lonely = published("Tin không ký tên", sections[2])
    urls = [story.get_absolute_url(), lonely.get_absolute_url(), site["author"].get_absolute_url()]
    warm(client, urls)
    site["author"].name = "Hoàng Thị Lan"
    site["author"].save()
    assert [url for url in urls if cached(rf, url)] == [lonely.get_absolute_url()]
    assert "Hoàng Thị Lan" in parse_html(client.get(story.get_absolute_url()).content).text
    warm(client, urls)
    photo = story.captions.get(is_lead=True).photo
    photo.credit = "Ảnh: Cộng tác viên"
    photo.save()
    # The author's page shows the story's teaser with that lead photo.
    assert [url for url in urls if not cached(rf, url)] == [story.get_absolute_url(), site["author"].get_absolute_url()]
    assert "Ảnh: Cộng tác viên" in client.get(story.get_absolute_url()).content.decode()


def test_a_correction_purges_its_story_only(client, rf, site):
    """A correction purges the story (its page and the teasers of it); other stories and sections keep."""
    sections, stories = site["sections"], site["stories"]
    story = stories[sections[0].pk][0]
    urls = [story.get_absolute_url(), stories[sections[0].pk][1].get_absolute_url(), sections[1].get_absolute_url()]
    warm(client, urls)
    Correction.objects.create(article=story, text="Sửa tên xã.")
    assert [url for url in urls if not cached(rf, url)] == [story.get_absolute_url()]
    assert "Sửa tên xã." in client.get(story.get_absolute_url()).content.decode()


def test_a_section_rename_or_the_masthead_purges_everything(client, rf, site):
    """The menu and the masthead are on every page: `site` (a new generation) and one announcement of it."""
    story = site["stories"][site["sections"][0].pk][0]
    warm(client, ["/", story.get_absolute_url()])
    section = site["sections"][2]
    section.name = "Văn hóa - Xã hội"
    section.save()
    for url in ("/", story.get_absolute_url()):
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss" and "Văn hóa - Xã hội" in response.content.decode()


def test_keys_purged_is_sent_once_per_transaction_after_the_commit(db, purged, django_capture_on_commit_callbacks):
    """Two purges in one transaction: nothing before the commit, one announcement with both keys after it."""
    with django_capture_on_commit_callbacks(execute=True):
        purge_keys({"story-1"})
        purge_keys({"story-2", "latest"})
        assert purged == []
    assert purged == [frozenset({"story-1", "story-2", "latest"})]


def test_a_draft_never_out_purges_nothing(db, section, purged, django_capture_on_commit_callbacks):
    """Saving a reporter's draft announces no purge at all."""
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_article("Bản nháp", section=section)
        draft.title = "Bản nháp hai"
        draft.save()
    assert purged == []


def test_a_page_rendered_before_a_change_is_never_stored_after_its_purge(rf, published_article):
    """The race: the view reads the story, then the story changes and its key is purged, then the view's page
    would be stored. It is not: the next request renders the new title."""
    key = cachekeys.story(published_article.pk)
    rendered = []

    @public_page
    def page(request):
        title = Article.objects.get(pk=published_article.pk).title  # the data, read before the change
        if not rendered:
            Article.objects.filter(pk=published_article.pk).update(title="Tiêu đề mới giữa chừng")
            purge_keys({key})  # the change's purge lands while this render is under way
        rendered.append(title)
        shows(request, key)
        return HttpResponse(title)

    first = page(rf.get("/cuoc-dua/"))
    assert first.content.decode() == published_article.title and first["X-Page-Cache"] == "miss"
    second = page(rf.get("/cuoc-dua/"))
    assert second["X-Page-Cache"] == "miss" and second.content.decode() == "Tiêu đề mới giữa chừng"
    assert page(rf.get("/cuoc-dua/"))["X-Page-Cache"] == "hit"


def test_a_purge_of_another_key_does_not_stop_the_store(rf, published_article):
    """The race check is per key: a purge of something the page does not show leaves it stored."""
    @public_page
    def page(request):
        purge_keys({"story-999999"})
        shows(request, cachekeys.story(published_article.pk))
        return HttpResponse("ok")

    page(rf.get("/khong-lien-quan/"))
    assert page(rf.get("/khong-lien-quan/"))["X-Page-Cache"] == "hit"


def test_a_hole_rendered_before_a_change_is_not_kept(rf, db):
    """Blocks follow the same rule: a block whose key is purged while it renders is rendered again next time."""
    versions = []

    def render(params):
        versions.append(len(versions))
        if len(versions) == 1:
            purge_keys({"tag-77-list"})
        return f"<p>khối {versions[-1]}</p>", ["tag-77-list"]

    register_hole("thu-nghiem", render)

    @public_page
    def page(request):
        from articles.caching import hole

        return HttpResponse(f"<div>{hole('thu-nghiem', tag=77)}</div>")

    assert "khối 0" in page(rf.get("/khoi/")).content.decode()
    assert "khối 1" in page(rf.get("/khoi/")).content.decode()
    third = page(rf.get("/khoi/"))
    assert "khối 1" in third.content.decode() and third["X-Page-Cache"] == "hit" and len(versions) == 2


def test_scheduled_story_caps_only_the_pages_it_will_change_and_is_purged_at_its_time(
        client, rf, site, purged, django_capture_on_commit_callbacks):
    """A story scheduled for 30 minutes ahead in one section: the pages showing its lists expire at its time,
    story pages and other sections keep their normal lifetime; at its time its keys are purged (announced)."""
    sections, stories = site["sections"], site["stories"]
    other_story = stories[sections[1].pk][0].get_absolute_url()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        scheduled = make_article("Tin hẹn giờ Thời sự", section=sections[0], status=Status.PUBLISHED,
                                 published_at=timezone.now() + timedelta(minutes=3))
        urls = ["/", sections[0].get_absolute_url(), sections[1].get_absolute_url(), other_story]
        max_ages = {url: client.get(url)["Cache-Control"] for url in urls}
        assert "max-age=60" in max_ages[other_story] and "max-age=60" in max_ages[sections[1].get_absolute_url()]
        traveller.shift(timedelta(minutes=2, seconds=30))
        assert "max-age=30" in client.get("/")["Cache-Control"]
        assert "max-age=30" in client.get(sections[0].get_absolute_url())["Cache-Control"]
        assert "max-age=60" in client.get(other_story)["Cache-Control"]
        purged.clear()
        traveller.shift(timedelta(seconds=31))
        with django_capture_on_commit_callbacks(execute=True):
            assert "Tin hẹn giờ Thời sự" in client.get("/").content.decode()
        assert any(f"story-{scheduled.pk}" in keys and f"section-{sections[0].pk}" in keys for keys in purged)
        assert client.get(other_story)["X-Page-Cache"] == "hit"
        assert cached(rf, sections[1].get_absolute_url())


def test_page_cache_off_still_caches_the_blocks(client, settings, published_article, django_assert_num_queries):
    """NEWSROOM_PAGE_CACHE_SECONDS=0 (the bench's cold pages): pages render each time, the holes come cached."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    url = published_article.get_absolute_url()
    client.get(url)
    second = client.get(url)
    assert second["X-Page-Cache"] == "miss" and "max-age=0" in second["Cache-Control"]
    assert second["Surrogate-Key"]


def test_story_page_queries_are_pinned(client, site, django_assert_num_queries):
    """A cold story page (site state and ranking warm, its render stored as after its publication's commit, the
    related parts of its section and tag cached by a neighbour's page): one query, for the story with its stored
    render; a hit, none."""
    from prerender.store import render_story

    stories = site["stories"][site["sections"][0].pk]
    client.get(stories[1].get_absolute_url())  # the site state, the most-read and related parts, once
    render_story(stories[0].pk)
    url = stories[0].get_absolute_url()
    with django_assert_num_queries(1):
        client.get(url)
    with django_assert_num_queries(0):
        assert client.get(stories[0].get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_most_read_flush_refreshes_the_block_and_keeps_the_pages(client, site):
    """New counts (flush_most_read) purge `most-read`: the story pages stay cached and show the new list."""
    from mostread import counter
    from mostread.models import HourlyViews

    stories = site["stories"][site["sections"][1].pk]
    url = stories[0].get_absolute_url()
    warm(client, [url, "/"])
    assert "doc-nhieu" not in client.get(url).content.decode()
    HourlyViews.objects.create(article=stories[3], hour=counter.hour_of(timezone.now()), views=40)
    counter.ranking_changed()
    for page in (url, "/"):
        response = client.get(page)
        assert response["X-Page-Cache"] == "hit"
        assert 'id="doc-nhieu"' in response.content.decode() and stories[3].title in response.content.decode()


def test_the_dummy_cache_stores_nothing_and_purges_nothing(client, settings, published_article):
    """CACHE_URL=dummy:// (caching off): every answer rendered, with its keys; a change purges without a retry."""
    from articles import caching

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    url = published_article.get_absolute_url()
    for _ in range(2):
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss" and f"story-{published_article.pk}" in response["Surrogate-Key"]
    published_article.title = "Sửa khi không có bộ nhớ đệm"
    published_article.save()
    assert not caching._purge_pending
    assert "Sửa khi không có bộ nhớ đệm" in client.get(url).content.decode()


def test_home_and_section_queries_are_pinned(client, site, django_assert_num_queries):
    """Cold home and section pages (site state warm, the teasers rendered as after their publications' commits)
    read their stories and which stored render is current in one query, most read being a hole; the section comes
    from the site state. Their first read in a process also reads the teasers, in one more query."""
    from prerender.store import render_story

    for group in site["stories"].values():
        for story in group:
            render_story(story.pk)
    client.get("/robots.txt")  # the site state
    client.get(site["stories"][site["sections"][0].pk][0].get_absolute_url())  # the most-read ranking
    for path, key in [("/", cachekeys.HOME), (site["sections"][0].get_absolute_url(),
                                              cachekeys.section(site["sections"][0].pk))]:
        with django_assert_num_queries(2):
            assert client.get(path)["X-Page-Cache"] == "miss"
        purge_keys({key})
        with django_assert_num_queries(1):
            assert client.get(path)["X-Page-Cache"] == "miss"
