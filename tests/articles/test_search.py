"""Search: diacritics and case never matter, titles rank first, hostile input answers a normal page."""
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.models import Article, Status
from tests.articles.pages import parse_html
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db
URL = reverse("articles:search")


def published(title, minutes_ago=5, **fields):
    fields.setdefault("section", make_section())
    return make_article(title, status=Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=minutes_ago),
                        **fields)


def titles(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return [a.title for a in response.context["results"].stories]


def test_query_with_or_without_diacritics_finds_the_same_stories(client):
    """'dai hoi dang', 'Đại hội Đảng' and 'ĐẠI HỘI ĐẢNG' find the same story."""
    published("Đại hội Đảng bộ tỉnh lần thứ XII")
    published("Giá lúa tăng mạnh")
    for q in ("dai hoi dang", "Đại hội Đảng", "ĐẠI HỘI ĐẢNG", "đại HỘI đảng"):
        assert titles(client, q) == ["Đại hội Đảng bộ tỉnh lần thứ XII"]


def test_unaccented_place_name_finds_story_with_diacritics_in_body(client):
    """'Bac Kan' finds a story that says 'Bắc Kạn' only in its body; 'đ' folds to 'd'."""
    published("Mùa lúa mới", body="<p>Nông dân Bắc Kạn thu hoạch sớm.</p>")
    published("Đường về Chợ Đồn", body="<p>Con đường mới.</p>")
    assert titles(client, "Bac Kan") == ["Mùa lúa mới"]
    assert titles(client, "duong ve cho don") == ["Đường về Chợ Đồn"]


def test_stored_text_in_nfd_form_is_found(client):
    """A title typed in decomposed (NFD) Unicode is still found by its plain spelling."""
    import unicodedata

    published(unicodedata.normalize("NFD", "Hồ Ba Bể mùa thu"))
    assert titles(client, "ho ba be") == ["Hồ Ba Bể mùa thu"]


def test_title_matches_rank_first_then_newest(client):
    """Stories with the words in the title come first, each group newest first."""
    published("Sửa đường lên Nà Phặc", minutes_ago=1, sapo="Cây cầu treo Nà Phặc cũng được sửa.")
    published("Cầu treo Nà Phặc hoàn thành", minutes_ago=300)
    published("Khánh thành cầu treo mới", minutes_ago=200)
    published("Tin về cầu treo cũ", minutes_ago=400, body="<p>Cầu treo xuống cấp.</p>")
    published("Chuyện khác", minutes_ago=2)
    assert titles(client, "cau treo") == [
        "Khánh thành cầu treo mới", "Cầu treo Nà Phặc hoàn thành", "Tin về cầu treo cũ", "Sửa đường lên Nà Phặc",
    ]


def test_words_match_whole_words_only(client):
    """'kan' does not match 'kanh' in another word."""
    published("Kanh tế mới")
    assert titles(client, "kan") == []


def test_search_shows_only_published_stories(client):
    """Drafts, stories in review, withdrawn and scheduled stories are never search results."""
    section = make_section()
    published("Lễ hội Lồng Tồng công khai", section=section)
    for status, when in ((Status.DRAFT, None), (Status.REVIEW, None),
                         (Status.UNPUBLISHED, timezone.now() - timedelta(days=1)),
                         (Status.PUBLISHED, timezone.now() + timedelta(hours=1))):
        make_article(f"Lễ hội Lồng Tồng {status}", section=section, status=status, published_at=when)
    assert titles(client, "long tong") == ["Lễ hội Lồng Tồng công khai"]


def test_search_pages_through_results(client):
    """More than 20 results spread over pages with 'Trang sau'."""
    section = make_section()
    for n in range(25):
        published(f"Tin nông nghiệp {n}", minutes_ago=n + 1, section=section)
    first = client.get(URL, {"q": "nong nghiep"}).context["results"]
    assert len(first.stories) == 20 and first.has_next
    second = client.get(URL, {"q": "nong nghiep", "trang": "2"}).context["results"]
    assert [a.title for a in second.stories] == [f"Tin nông nghiệp {n}" for n in range(20, 25)]
    assert not second.has_next


def test_search_page_query_count_is_fixed(client, django_assert_max_num_queries):
    """A search result page takes a fixed number of queries whatever the number of results."""
    section = make_section()
    for n in range(30):
        published(f"Tin thời tiết {n}", section=section, body="<p>Trời mưa to ở Ba Bể.</p>")
    client.get("/robots.txt")
    # At most: per tier (four for several words: together or not, in the title or not) one query on the newest
    # stories and, for rare words, one on the GIN index with its planner switches (2 statements, plus a
    # savepoint pair inside the test's transaction); then the stories with bylines, lead photos and renditions.
    with django_assert_max_num_queries(4 * 6 + 4):
        assert client.get(URL, {"q": "mua ba be"}).status_code == 200


HOSTILE = [
    "", " ", "a" * 10_000, "' OR 1=1 --", "'; DROP TABLE articles_article; --", "\x00", "abc\x00def",
    ".*(a+)+$", "[[:alpha:]]", "%_%", "\\", "!", "&|!():*", "<script>alert(1)</script>", "ดี", "🙂" * 500,
    "a & b | !c", "foo:*", "\u202etxt", "đ" * 3000,
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_answer_a_normal_page(client, query):
    """Empty, overlong, SQL, regex, tsquery syntax and NUL bytes answer the normal search page."""
    published("Một bài bình thường")
    response = client.get(URL, {"q": query, "trang": "99999999999999999999"})
    assert response.status_code == 200
    page = parse_html(response.content)
    assert page.find_all("h1")[0].text == "Tìm kiếm"
    assert not page.find_all("script", type="text/javascript")


@pytest.mark.parametrize("page", ["-1", "0", "abc", "1e9", "99999999999", ""])
def test_strange_page_numbers_answer_a_normal_page(client, page):
    """Negative, huge or non-numeric page numbers give a normal page."""
    published("Bài về nước sạch")
    assert client.get(URL, {"q": "nuoc sach", "trang": page}).status_code == 200


def test_search_words_are_folded_bounded_and_deduplicated():
    """The query becomes at most 8 distinct ASCII words."""
    assert search.search_words("Đại hội ĐẠI HỘI   đảng!!") == ["dai", "hoi", "dang"]
    assert len(search.search_words(" ".join(f"tu{n}" for n in range(50)))) == search.MAX_WORDS
    assert search.search_words("\x00<>'\";") == []


def test_search_document_follows_edits(client):
    """After a story's title is edited, search finds the new title and not the old one."""
    story = published("Tiêu đề cũ về rừng")
    story.title = "Tiêu đề mới về suối"
    story.save()
    assert titles(client, "suoi") == ["Tiêu đề mới về suối"]
    assert titles(client, "rung") == []


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_index(db):
    """On PostgreSQL the match is answered from the GIN index on the stored search document."""
    published("Đại hội Đảng bộ")
    queryset = search.matching(Article.objects.order_by(), ["dai", "hoi"])
    with connection.cursor() as cursor:
        # A table of a few rows would be read whole (or walked by date) otherwise; what matters is that
        # the GIN index can answer the match, as it does at scale.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        plan = queryset.explain()
        title_plan = search.matching(Article.objects.order_by(), ["dai"], title_only=True).explain()
        cursor.execute("SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_indexscan TO DEFAULT")
    assert "Bitmap Index Scan on article_search_document_idx" in plan
    assert "Bitmap Index Scan on article_search_title_idx" in title_plan
    assert "search_document" in str(queryset.query) and "ILIKE" not in str(queryset.query).upper()


@pytest.mark.postgres
def test_postgres_search_documents_are_generated_from_folded_fields(db):
    """The stored tsvectors hold the folded words: the title's alone, and the whole story's."""
    story = published("Bắc Kạn", body="<p>Chợ Đồn</p>")
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_title_document::text, search_document::text FROM articles_article WHERE id = %s",
                       [story.pk])
        title, document = cursor.fetchone()
    assert title == "'bac':1 'kan':2"
    assert {"'bac'", "'kan'", "'cho'", "'don'"} <= {lexeme.split(":")[0] for lexeme in document.split()}


@pytest.mark.postgres
def test_common_and_rare_words_both_take_the_quick_plan(db, django_assert_max_num_queries):
    """A word in every story fills the page from the newest stories; a rare one is listed by the GIN index."""
    section = make_section()
    for n in range(30):
        published(f"Tin tỉnh số {n}", minutes_ago=n + 1, section=section)
    published("Tin hiếm về Pác Nặm", minutes_ago=500, section=section)
    assert len(search.newest_ids(search.matching(Article.objects.published(), ["tinh"]), 21)) == 21
    assert len(search.newest_ids(search.matching(Article.objects.published(), ["pac", "nam"]), 21)) == 1


def test_words_either_side_of_a_paragraph_break_are_found(client):
    """'<p>…Bắc</p><p>Kạn…</p>' holds the words 'bac' and 'kan', not 'backan'."""
    published("Tin ngắn", body="<p>Mưa lớn ở Bắc</p><p>Kạn có lũ.</p><h2>Ba</h2><ul><li>Bể</li></ul>")
    assert titles(client, "bac") == titles(client, "kan") == titles(client, "ba be") == ["Tin ngắn"]
    assert titles(client, "backan") == []


def test_migration_folds_stored_stories_again(db):
    """Migration 0005 gives stories saved with words glued across paragraphs their separate words."""
    from importlib import import_module

    from django.apps import apps

    story = published("Tin cũ", body="<p>Mưa ở Bắc</p><p>Kạn.</p>")
    Article.objects.filter(pk=story.pk).update(search_body="mua o backan")
    import_module("articles.migrations.0005_search_bounded").refold_bodies(apps, None)
    story.refresh_from_db()
    assert story.search_body == "sapo cua bai viet mua o bac kan"


# --- Every word a reader sees, and words that stand together -------------------------------------------------

def test_caption_credit_and_byline_are_searched(client):
    """A story naming Bắc Kạn only in a photo caption is found by "bac kan"; so are its photo credit and byline."""
    from articles.models import Byline, BylineRole
    from tests.factories import make_author, make_caption, make_photo

    story = published("Mùa lúa mới", body="<p>Nông dân thu hoạch sớm.</p>")
    make_caption(story, photo=make_photo(credit="Ảnh: Triệu Thị Mây"), text="Cánh đồng ở Bắc Kạn vào mùa gặt.")
    Byline.objects.create(article=story, author=make_author("Lục Văn Bình"), role=BylineRole.PHOTOS)
    for query in ("bac kan", "trieu thi may", "Lục Văn Bình"):
        assert titles(client, query) == ["Mùa lúa mới"], query


def test_searched_text_follows_caption_byline_author_and_credit_edits(client):
    """Editing or removing a caption, renaming an author or a photo's credit changes what finds the story."""
    from articles.models import Byline
    from tests.factories import make_author, make_caption, make_photo

    author = make_author("Nông Vui")
    story = published("Chợ phiên", authors=[author])
    photo = make_photo(credit="Ảnh: Hà Linh")
    caption = make_caption(story, photo=photo, text="Phiên chợ Bằng Khẩu.")
    caption.text = "Phiên chợ Nà Phặc."
    caption.save()
    assert titles(client, "bang khau") == [] and titles(client, "na phac") == ["Chợ phiên"]
    author.name = "Nông Thị Vui"
    author.save()
    assert titles(client, "nong thi vui") == ["Chợ phiên"]
    photo.credit = "Ảnh: Ma Thu"
    photo.save()
    assert titles(client, "ha linh") == [] and titles(client, "ma thu") == ["Chợ phiên"]
    caption.delete()
    Byline.objects.filter(article=story).delete()
    assert titles(client, "na phac") == titles(client, "nong thi vui") == titles(client, "ma thu") == []


def test_words_standing_together_rank_before_scattered_words(client):
    """"hồ Ba Bể" side by side ranks first, in the title and elsewhere, whatever the dates; scattered words last."""
    published("Ba người dựng nhà bên hồ, cạnh Bể bơi", minutes_ago=1)  # title: all words, apart
    published("Du lịch hồ Ba Bể", minutes_ago=500)  # title: together
    published("Mùa nước nổi", minutes_ago=2, body="<p>Hồ nước ở Ba Chẽ, Bể Đá cạn.</p>")  # body: apart
    published("Thuyền độc mộc", minutes_ago=400, sapo="Du khách chèo thuyền trên hồ Ba Bể.")  # body: together
    assert titles(client, "ho ba be") == [
        "Du lịch hồ Ba Bể", "Ba người dựng nhà bên hồ, cạnh Bể bơi", "Thuyền độc mộc", "Mùa nước nổi",
    ]


def test_phrase_tiers_page_through_without_repeats(client):
    """Pages of a ranked search hold every match once, the phrase matches before the scattered ones."""
    for n in range(search.PAGE_SIZE + 3):
        published(f"Tin {n}: Ba Bể có hồ", minutes_ago=n + 1)
    together = published("Tin hồ Ba Bể", minutes_ago=999)
    first = titles(client, "ho ba be")
    second = titles(client, "ho ba be", trang=2)
    assert first[0] == together.title
    assert len(first) == search.PAGE_SIZE and len(set(first + second)) == search.PAGE_SIZE + 4


def test_phrase_search_has_a_fixed_query_count(client, django_assert_max_num_queries):
    """A search of several words asks each tier at most once or twice, however many stories match."""
    for n in range(5):
        published(f"Hồ Ba Bể số {n}", minutes_ago=n + 1)
        published(f"Ba Bể có hồ số {n}", minutes_ago=n + 1)
    client.get("/robots.txt")  # the site state (menu, masthead, front-page pins) is built once per change
    with django_assert_max_num_queries(4 * 6 + 4):  # as in test_search_page_query_count_is_fixed
        assert len(titles(client, "ho ba be")) == 10


@pytest.mark.postgres
def test_postgres_search_documents_keep_word_positions(db):
    """The stored vectors keep each word's position, which phrase matching needs."""
    story = published("Hồ Ba Bể", body="<p>Mùa thu</p>")
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_title_document::text FROM articles_article WHERE id = %s", [story.pk])
        assert cursor.fetchone()[0] == "'ba':2 'be':3 'ho':1"


def test_photos_in_the_text_are_found_by_caption_and_credit_and_follow_a_credit_change(client):
    """A photo placed in the text is found by its caption (words of the body) and its credit; a new credit in the
    photo library reaches the stories showing it."""
    from tests.factories import make_photo, place_photo

    story = published("Chợ phiên", body="<p>Chợ họp sớm.</p>")
    photo = place_photo(story, make_photo(credit="Ảnh: Triệu Thị Mây"), text="Phiên chợ Bằng Khẩu.", after=1)
    assert titles(client, "bang khau") == ["Chợ phiên"] and titles(client, "trieu thi may") == ["Chợ phiên"]
    photo.credit = "Ảnh: Hoàng Nam"
    photo.save()
    assert titles(client, "hoang nam") == ["Chợ phiên"] and titles(client, "trieu thi may") == []
