"""Xem thêm and Đọc nhiều on story pages: assembled from parts shared by many stories, with no query per story."""
import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from articles import cacheindex, cachekeys, holes, related, workflow
from articles.models import Status, Tag
from mostread import counter, ranking
from mostread.models import HourlyViews
from prerender.store import render_story
from tests.articles.pages import parse_html
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def published(title, section, minutes_ago, tags=()):
    story = make_article(title, section=section, status=Status.PUBLISHED,
                         published_at=NOW - timedelta(minutes=minutes_ago))
    story.tags.add(*tags)
    return story


def related_titles(response):
    """The titles in the page's Xem thêm block, in the order shown ([] without the block)."""
    page = parse_html(response.content)
    asides = page.find_all("aside", **{"class": "related"})
    if not asides:
        return []
    start = page.elements.index(asides[0])
    inside = itertools.takewhile(lambda e: e.tag in ("h2", "ul", "li", "a", "time"), page.elements[start + 1:])
    return [e.text for e in inside if e.tag == "a"]


def most_read_titles(response):
    page = parse_html(response.content)
    start = next((i for i, e in enumerate(page.elements) if e.attrs.get("class") == "most-read"), None)
    if start is None:
        return []
    inside = itertools.takewhile(lambda e: e.tag in ("h2", "ol", "li", "a"), page.elements[start + 1:])
    return [e.text for e in inside if e.tag == "a"]


@pytest.fixture
def newsroom(db):
    """Two sections and three tags: stories of each, some sharing tags across sections, two at the same minute,
    and hidden stories (a draft, a scheduled story, an unpublished one) in the same section and tags."""
    news, economy = make_section("Thời sự"), make_section("Kinh tế")
    roads, tea, floods = (Tag.objects.create(name=name) for name in ("Giao thông", "Chè Thái", "Lũ lụt"))
    stories = []
    for n in range(9):
        stories.append(published(f"Thời sự {n}", news, minutes_ago=10 * n + 5, tags=[roads] if n % 3 == 0 else []))
    for n in range(7):
        stories.append(published(f"Kinh tế {n}", economy, minutes_ago=10 * n + 7,
                                 tags=[tea, roads] if n % 2 else [tea]))
    stories.append(published("Lũ ở Kinh tế", economy, minutes_ago=3, tags=[floods, roads]))
    stories.append(published("Cùng phút A", news, minutes_ago=45, tags=[floods]))  # the same minute as Thời sự 4
    make_article("Bản nháp Thời sự", section=news).tags.add(roads)
    scheduled = make_article("Hẹn giờ Thời sự", section=news, status=Status.PUBLISHED,
                             published_at=timezone.now() + timedelta(hours=2))
    scheduled.tags.add(tea, floods)
    make_article("Đã gỡ Kinh tế", section=economy, status=Status.UNPUBLISHED,
                 published_at=NOW - timedelta(minutes=1)).tags.add(roads)
    return {"sections": (news, economy), "tags": (roads, tea, floods), "stories": stories}


def test_the_block_merged_from_parts_is_what_related_stories_returns(client, newsroom):
    """Every story page's Xem thêm, merged from its section's and tags' parts, is exactly the template's rendering of
    related_stories(): the newest six of the section or sharing a tag, never the story itself nor a hidden one."""
    item = "articles/_related_story.html"
    for story in newsroom["stories"]:
        tag_ids = sorted(story.tags.values_list("pk", flat=True))
        expected = related.related_stories(section_id=story.section_id, tag_ids=tag_ids, exclude=story.pk)
        assert len(expected) == related.RELATED_COUNT and story not in expected
        response = client.get(story.get_absolute_url())
        assert related_titles(response) == [s.title for s in expected]
        block = render_to_string("articles/_related.html",
                                 {"related": [render_to_string(item, {"story": s}) for s in expected]})
        assert block in response.content.decode()
        # The staff preview renders the block through the template: the same HTML.
        params = related.hole_params(story, tag_ids)
        assert holes.render_inline("related", params) == block


def test_parts_are_shared_per_section_and_tag_not_kept_per_story(client, newsroom):
    """After every story page was read, the cache holds one related part per section and per tag, none per story."""
    for story in newsroom["stories"]:
        client.get(story.get_absolute_url())
    news, economy = newsroom["sections"]
    for section in (news, economy):
        assert cacheindex.members(cachekeys.section(section.pk)) >= {
            cache.make_key(holes.block_key("related-list", f"section={section.pk}"))}
    shown = {key for story in newsroom["stories"] for key in cacheindex.members(cachekeys.story(story.pk))}
    parts = {key for key in shown if "public:block:" in key}
    assert parts == {cache.make_key(holes.block_key("related-list", query)) for query in
                     [f"section={news.pk}", f"section={economy.pk}", *(f"tag={t.pk}" for t in newsroom["tags"])]}


def test_a_new_story_page_makes_no_query_for_its_blocks_once_the_parts_are_cached(client, newsroom,
                                                                                 django_assert_num_queries):
    """A story read for the first time, whose section's and tags' parts a neighbour's page cached: one query, for
    the story and its stored render; Xem thêm and Đọc nhiều come from the parts, leaving the story itself out."""
    stories = newsroom["stories"]
    hour = counter.hour_of(timezone.now())
    for views, story in enumerate(stories[:8]):
        HourlyViews.objects.create(article=story, hour=hour, views=100 - views)
    roads_in_news = [s for s in stories if s.section == newsroom["sections"][0] and newsroom["tags"][0] in s.tags.all()]
    neighbour, new = roads_in_news[:2]
    client.get(neighbour.get_absolute_url())  # the site state, the ranking, the parts of Thời sự and Giao thông
    render_story(new.pk)  # as after its publication's commit
    url = new.get_absolute_url()
    with django_assert_num_queries(1):
        response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    expected = related.related_stories(section_id=new.section_id, tag_ids=[newsroom["tags"][0].pk], exclude=new.pk)
    assert related_titles(response) == [s.title for s in expected]
    assert most_read_titles(response) == [s.title for s in stories[:6] if s != new][:ranking.SHOWN]
    assert new.title not in most_read_titles(response) and len(most_read_titles(response)) == ranking.SHOWN


def test_missing_parts_are_read_in_one_query_whatever_the_number_of_tags(client, newsroom, django_assert_num_queries):
    """A story whose section and three tags have no part cached yet: one query for its stored render, one for
    all its parts (and none for most read, whose part is cached)."""
    news = newsroom["sections"][0]
    story = published("Ba chủ đề", news, minutes_ago=1, tags=newsroom["tags"])
    client.get("/")  # the site state and the most-read part
    render_story(story.pk)
    url = story.get_absolute_url()
    with django_assert_num_queries(2):
        response = client.get(url)
    expected = related.related_stories(section_id=news.pk, tag_ids=[t.pk for t in newsroom["tags"]], exclude=story.pk)
    assert related_titles(response) == [s.title for s in expected]


def test_a_publish_refreshes_the_parts_listing_its_section_and_tags_and_keeps_the_pages(client, newsroom, editor):
    """A story published in another section with a shared tag shows at once in the related block of a cached page
    (the page still a hit); a story taken down leaves every related and most-read block at once."""
    news, economy = newsroom["sections"]
    roads = newsroom["tags"][0]
    reader = next(s for s in newsroom["stories"] if s.section == news and roads in s.tags.all())
    HourlyViews.objects.create(article=newsroom["stories"][1], hour=counter.hour_of(timezone.now()), views=9)
    url = reader.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    fresh = make_article("Đường mới ở Kinh tế", section=economy, status=Status.REVIEW, authors=[make_author("Hà")])
    fresh.tags.add(roads)
    workflow.article_publish(article=fresh, by=editor)
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit" and related_titles(response)[0] == fresh.title
    taken_down = newsroom["stories"][1]
    assert taken_down.title in related_titles(response) and most_read_titles(response) == [taken_down.title]
    workflow.article_unpublish(article=taken_down, by=editor, comment="Sai sự thật")
    for page in (url, "/"):
        response = client.get(page)
        assert taken_down.title not in response.content.decode(), page
    assert related_titles(client.get(url)) == [s.title for s in related.related_stories(
        section_id=news.pk, tag_ids=list(reader.tags.values_list("pk", flat=True)), exclude=reader.pk)]


def test_most_read_is_one_part_for_every_page(client, newsroom):
    """Đọc nhiều is rendered once with one story to spare: the home page shows the first five, a story page leaves
    itself out and shows the sixth; one part in the cache for all of them."""
    stories = newsroom["stories"]
    hour = counter.hour_of(timezone.now())
    for views, story in enumerate(stories[:7]):
        HourlyViews.objects.create(article=story, hour=hour, views=100 - views)
    titles = [s.title for s in stories[:6]]
    assert most_read_titles(client.get("/")) == titles[:5]
    assert most_read_titles(client.get(stories[0].get_absolute_url())) == titles[1:6]
    assert most_read_titles(client.get(stories[9].get_absolute_url())) == titles[:5]
    assert cacheindex.members(cachekeys.MOST_READ) == {cache.make_key(holes.block_key("most-read-list", ""))}


def test_pages_whose_story_no_part_lists_share_one_assembled_block(client, newsroom, settings):
    """Xem thêm is assembled once for all the stories of a section and topics that none of its parts lists (most of
    an archive); a story the parts do list gets a block of its own, without itself."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0  # every request a cold page: the blocks are filled each time
    news = newsroom["sections"][0]
    by_title = {s.title: s for s in newsroom["stories"]}
    old = [by_title["Thời sự 7"], by_title["Thời sự 8"]]  # no tag, older than the section's part lists
    listed = by_title["Thời sự 1"]  # no tag, among the section's newest
    holes.forget_blocks()
    blocks = [related_titles(client.get(story.get_absolute_url())) for story in [*old, listed]]
    assert blocks[0] == blocks[1] == [s.title for s in related.related_stories(section_id=news.pk)]
    assert listed.title in blocks[0] and listed.title not in blocks[2]
    assert blocks[2] == [s.title for s in related.related_stories(section_id=news.pk, exclude=listed.pk)]
    remembered = {query for name, query in holes._blocks if name == "related"}
    assert remembered == {f"section={news.pk};tags=", f"exclude={listed.pk};section={news.pk};tags="}


def test_a_left_out_value_that_is_not_an_id_gets_a_block_of_its_own():
    """Only an id is shared: any other value (no placeholder of ours holds one) is assembled as the hole says."""
    assert holes._plan(("related", "exclude=12;section=3;tags=4.5"))[:2] == (("related", "section=3;tags=4.5"), 12)
    assert holes._plan(("related", "exclude=5.7;section=3;tags="))[:2] == (("related", "section=3;tags="), "5.7")
    assert holes._plan(("related", "exclude=;section=3;tags="))[:2] == (("related", "section=3;tags="), None)
    assert holes._plan(("most-read", "leave_out=9"))[:2] == (("most-read", ""), 9)
