"""The read-only public API under /api/v1/: what it shows, how it pages, caches and answers other sites."""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.models import Byline, Correction, Status, Tag
from tests.factories import make_article, make_author, make_caption, make_photo, make_section, place_photo

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"


def detail_url(article):
    return f"/api/v1/articles/{article.pk}/"


def stories_in(section, count, *, start_minutes=10, authors=(), photos=False):
    now = timezone.now()
    made = []
    for index in range(count):
        story = make_article(f"Tin số {index}", section=section, status=Status.PUBLISHED, authors=authors,
                             published_at=now - timedelta(minutes=start_minutes + index))
        if photos:
            make_caption(story, is_lead=True)
        made.append(story)
    return made


def cold_queries(client, url):
    """SQL queries of a page rendered afresh (empty page cache), the site state (menu, masthead, front-page pins)
    built before, as it is once per change for every page."""
    cache.clear()
    client.get("/robots.txt")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_list_shows_published_stories_newest_first_with_their_parts(client, section, author):
    """Each item carries headline, sapo, section, bylines with roles, tags, lead photo and the public address."""
    older, newer = stories_in(section, 2, authors=[author])[::-1]
    newer.tags.add(Tag.objects.create(name="Nông thôn mới"))
    make_caption(newer, photo=make_photo(alt_text="Cánh đồng", credit="Ảnh: Hà Linh"), text="Mùa gặt.", is_lead=True)
    make_article("Bản nháp bí mật", section=section)
    data = client.get(LIST).json()
    assert [item["id"] for item in data["items"]] == [newer.pk, older.pk]
    item = data["items"][0]
    assert item["headline"] == "Tin số 0" and item["sapo"] == newer.sapo
    assert item["section"]["slug"] == section.slug
    assert item["bylines"] == [{"name": "Nông Vui", "slug": author.slug, "role": "writer",
                                "url": f"http://127.0.0.1:8000/tac-gia/{author.slug}/"}]
    assert item["tags"][0]["name"] == "Nông thôn mới"
    assert item["lead_photo"]["caption"] == "Mùa gặt." and item["lead_photo"]["credit"] == "Ảnh: Hà Linh"
    assert {r["format"] for r in item["lead_photo"]["renditions"]} == {"jpeg", "webp"}
    assert item["canonical_url"] == "http://127.0.0.1:8000" + newer.get_absolute_url()
    assert data["next"] is None


def test_next_links_page_through_everything_and_stay_stable(client, section):
    """Following `next` visits every story once; a story published meanwhile does not move a next page."""
    made = stories_in(section, 45)
    first = client.get(LIST).json()
    assert len(first["items"]) == 20
    make_article("Tin mới nhất", section=section, status=Status.PUBLISHED)
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert third["next"] is None
    seen = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert seen == [story.pk for story in made]
    assert client.get(first["next"]).json() == second


def test_filters_by_section_tag_author_and_update_time(client, section, author):
    """section, tag and author take slugs; updated_since keeps stories published or edited since then."""
    other = make_section("Kinh tế")
    tagged, plain = stories_in(section, 2, authors=[author])
    elsewhere = stories_in(other, 1, start_minutes=60 * 24 * 3)[0]
    type(elsewhere).objects.filter(pk=elsewhere.pk).update(updated_at=elsewhere.published_at)  # untouched since
    tag = Tag.objects.create(name="Giao thông")
    tagged.tags.add(tag)

    def ids(query):
        return [item["id"] for item in client.get(LIST + query).json()["items"]]

    assert ids(f"?section={other.slug}") == [elsewhere.pk]
    assert ids(f"?tag={tag.slug}") == [tagged.pk]
    assert ids(f"?author={author.slug}") == [tagged.pk, plain.pk]
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert elsewhere.pk not in ids("?" + f"updated_since={since}".replace("+", "%2B"))
    assert ids("?section=khong-co") == []


def test_filters_are_kept_in_next_links(client, section):
    """A next link carries the filter it was made under."""
    stories_in(section, 25)
    stories_in(make_section("Kinh tế"), 25)
    first = client.get(f"{LIST}?section={section.slug}").json()
    assert f"section={section.slug}" in first["next"]
    second = client.get(first["next"]).json()
    assert {item["section"]["slug"] for item in second["items"]} == {section.slug}
    assert len(second["items"]) == 5


def test_bad_input_gets_a_vietnamese_message_not_a_500(client, section):
    """A time that is not ISO 8601 answers 400, a made-up cursor 404, both with a message in Vietnamese."""
    stories_in(section, 1)
    response = client.get(LIST + "?updated_since=hôm-qua")
    assert response.status_code == 400 and "thời điểm" in response.json()["detail"]
    response = client.get(LIST + "?cursor=123-456")
    assert response.status_code == 404 and response.json()["detail"] == "Trang này không có."
    assert client.get("/api/v1/authors/?cursor=abc").status_code == 400


def test_detail_has_body_bylines_photos_and_corrections(client, published_article):
    """The story in full: sanitised body, every photo with caption, credit, alt text and renditions, corrections."""
    make_caption(published_article, photo=make_photo(alt_text="Hội trường", credit="Ảnh: Lý Minh"),
                 text="Toàn cảnh.", is_lead=True)
    Correction.objects.create(article=published_article, text="Sửa tên đại biểu.")
    data = client.get(detail_url(published_article)).json()
    # The fixture's second photo stands in the text, after the first paragraph.
    assert data["body_html"].startswith("<p>Đoạn thứ nhất.</p><figure data-photo=")
    assert data["body_html"].endswith("<figcaption>Các đại biểu dự đại hội. Ảnh: Tòa soạn</figcaption></figure><p>Đoạn thứ hai.</p>")
    assert [p["caption"] for p in data["photos"]] == ["Toàn cảnh.", "Các đại biểu dự đại hội."]
    lead = data["photos"][0]
    assert lead["is_lead"] and lead["alt_text"] == "Hội trường" and lead["credit"] == "Ảnh: Lý Minh"
    assert all(r["href"].startswith("http://127.0.0.1:8000/media/") for r in lead["renditions"])
    assert data["corrections"][0]["text"] == "Sửa tên đại biểu."
    assert data["bylines"][0]["name"] == "Nông Vui"
    assert data["first_published_at"] and data["updated_at"]


def test_hidden_stories_are_not_found_and_withdrawn_ones_are_gone(client, section):
    """A draft, a story in review or a scheduled one answers 404; one taken down answers 410."""
    draft = make_article("Nháp", section=section)
    review = make_article("Chờ", section=section, status=Status.REVIEW)
    scheduled = make_article("Hẹn", section=section, status=Status.PUBLISHED,
                             published_at=timezone.now() + timedelta(hours=1))
    gone = make_article("Gỡ", section=section, status=Status.UNPUBLISHED, published_at=timezone.now())
    for story in (draft, review, scheduled):
        assert client.get(detail_url(story)).status_code == 404
    response = client.get(detail_url(gone))
    assert response.status_code == 410 and "Gỡ" not in response.content.decode()


def test_answers_carry_etag_and_last_modified_and_revalidate_with_304(client, published_article):
    """If-None-Match and If-Modified-Since with the answer's own validators get 304 and no body."""
    for url in (LIST, detail_url(published_article), "/api/v1/sections/"):
        first = client.get(url)
        assert first["ETag"] and first["Last-Modified"] and "public" in first["Cache-Control"]
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.content == b""
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_page_cache_purges_apply_to_the_api(client, published_article, editor):
    """A cached list and detail change as soon as a story is taken down or edited."""
    assert client.get(LIST).json()["items"]
    assert client.get(LIST)["X-Page-Cache"] == "hit"
    published_article.title = "Tiêu đề đã sửa"
    published_article.save()
    assert client.get(detail_url(published_article)).json()["headline"] == "Tiêu đề đã sửa"
    workflow.article_unpublish(article=published_article, by=editor, comment="Sai thông tin")
    assert client.get(LIST).json()["items"] == []
    assert client.get(detail_url(published_article)).status_code == 410


def test_sections_authors_and_tags_list_only_what_the_public_may_see(client, section, author):
    """Authors and tags appear only while a published story carries them."""
    story = stories_in(section, 1, authors=[author])[0]
    story.tags.add(Tag.objects.create(name="Công khai"))
    hidden = make_article("Nháp", section=section, authors=[make_author("Chỉ viết nháp")])
    hidden.tags.add(Tag.objects.create(name="Chỉ trong nháp"))
    assert [s["slug"] for s in client.get("/api/v1/sections/").json()["items"]] == [section.slug]
    assert [a["name"] for a in client.get("/api/v1/authors/").json()["items"]] == ["Nông Vui"]
    assert [t["name"] for t in client.get("/api/v1/tags/").json()["items"]] == ["Công khai"]


def test_authors_page_by_cursor(client, section):
    """More than a page of authors: next pages on by id until null."""
    authors = [make_author(f"Tác giả {i:03d}") for i in range(105)]
    stories_in(section, 1, authors=authors)
    first = client.get("/api/v1/authors/").json()
    second = client.get(first["next"]).json()
    assert len(first["items"]) == 100 and len(second["items"]) == 5 and second["next"] is None


def test_the_api_is_read_only(client, published_article):
    """POST, PUT and DELETE are refused without touching anything."""
    for method in (client.post, client.put, client.delete):
        assert method(detail_url(published_article)).status_code == 405
    assert client.get(detail_url(published_article)).status_code == 200


def test_cors_allows_any_origin_by_default_and_answers_preflights(client, published_article):
    """Browsers on other sites may read the API; a preflight for a conditional GET is answered with 204."""
    response = client.get(LIST, HTTP_ORIGIN="https://doitac.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(LIST, HTTP_ORIGIN="https://doitac.example",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
                               HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match")
    assert preflight.status_code == 204 and "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN="https://doitac.example")


def test_cors_origins_come_from_the_setting(client, settings, published_article):
    """A list of origins allows those only (and varies on Origin); an empty setting sends no CORS header."""
    settings.NEWSROOM_API_CORS_ORIGINS = ["https://doitac.example"]
    allowed = client.get(LIST, HTTP_ORIGIN="https://doitac.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://doitac.example" and "Origin" in allowed["Vary"]
    assert "Access-Control-Allow-Origin" not in client.get(LIST, HTTP_ORIGIN="https://la.example")
    settings.NEWSROOM_API_CORS_ORIGINS = []
    assert "Access-Control-Allow-Origin" not in client.get(LIST, HTTP_ORIGIN="https://doitac.example")


def test_openapi_schema_documents_every_endpoint(client):
    """/api/v1/schema/ is an OpenAPI document naming each endpoint and its filters."""
    schema = client.get("/api/v1/schema/").json()
    assert schema["openapi"].startswith("3.") and schema["info"]["title"] == "Báo Tin Bắc Kạn: public API"
    assert {"/api/v1/articles/", "/api/v1/articles/{article_id}/", "/api/v1/articles/{article_id}/ninjs",
            "/api/v1/sections/", "/api/v1/authors/", "/api/v1/tags/"} <= set(schema["paths"])
    names = {p["name"] for p in schema["paths"]["/api/v1/articles/"]["get"]["parameters"]}
    assert names == {"section", "tag", "author", "updated_since", "cursor"}


def test_list_costs_no_more_queries_than_the_html_section_page(client, section, author):
    """Cold, the API's section list reads no more queries than the section page, at 3 and at 25 stories."""
    stories_in(section, 3, authors=[author], photos=True)
    api_url, html_url = f"{LIST}?section={section.slug}", section.get_absolute_url()
    few_api, few_html = cold_queries(client, api_url), cold_queries(client, html_url)
    more = stories_in(section, 22, start_minutes=100, authors=[author, make_author("Hà Linh")], photos=True)
    for story in more:
        story.tags.add(Tag.objects.get_or_create(name="Chủ đề")[0])
    many_api, many_html = cold_queries(client, api_url), cold_queries(client, html_url)
    assert few_api == many_api == 5
    assert many_api <= many_html


def test_detail_reads_a_fixed_number_of_queries(client, published_article):
    """The detail costs the same with one photo in the text or five and a lead photo, with or without corrections."""
    make_caption(published_article)
    first = cold_queries(client, detail_url(published_article))
    for _ in range(4):
        place_photo(published_article, after=1)
    Correction.objects.create(article=published_article, text="Đính chính.")
    assert cold_queries(client, detail_url(published_article)) == first == 8  # 6, and two for the photos in the text


def test_bylines_carry_their_roles_and_two_roles_list_a_story_once(client, section, author):
    """A writer who also took the photos appears with both roles, and the author filter lists the story once."""
    story = stories_in(section, 1, authors=[author])[0]
    Byline.objects.create(article=story, author=author, role="photos", order=1)
    data = client.get(f"{LIST}?author={author.slug}").json()
    assert [item["id"] for item in data["items"]] == [story.pk]
    assert [(b["name"], b["role"]) for b in data["items"][0]["bylines"]] == [("Nông Vui", "writer"),
                                                                           ("Nông Vui", "photos")]


@pytest.mark.parametrize("url, status", [
    ("/api/v1/articles/?updated_since=2026-13-45T00:00:00", 400),  # well formed, no such day
    ("/api/v1/articles/?updated_since=0001-01-01T00:00:00-23:00", 200),  # an offset PostgreSQL would refuse
    ("/api/v1/articles/?section=%00", 400),
    ("/api/v1/articles/?tag=hai%20chu", 400),
    ("/api/v1/articles/?cursor=%00", 404),
    ("/api/v1/articles/99999999999999999999999/", 404),
    ("/api/v1/articles/99999999999999999999999/ninjs", 404),
    ("/api/v1/authors/?cursor=99999999999999999999999", 200),
])
def test_hostile_query_strings_never_reach_a_500(client, published_article, url, status):
    """Impossible dates, NUL bytes, ids past any integer column: a clear 4xx (or an empty page), never a 500."""
    response = client.get(url)
    assert response.status_code == status, response.content
    if status >= 400:
        assert response.json()["detail"]


def test_every_answer_matches_the_published_openapi_schema(client, published_article):
    """The answers are not validated on each request: this holds them to the schema the API publishes."""
    import jsonschema

    make_caption(published_article, is_lead=True)
    published_article.tags.add(Tag.objects.create(name="Bầu cử"))
    Correction.objects.create(article=published_article, text="Đính chính.")
    document = client.get("/api/v1/schema/").json()
    answers = {
        "/api/v1/articles/": LIST, "/api/v1/articles/{article_id}/": detail_url(published_article),
        "/api/v1/articles/{article_id}/ninjs": detail_url(published_article) + "ninjs",
        **{path: path for path in ("/api/v1/sections/", "/api/v1/authors/", "/api/v1/tags/")},
    }
    for template, url in answers.items():
        declared = document["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **declared,
                  "components": document["components"]}
        jsonschema.Draft202012Validator(schema).validate(client.get(url).json())
    assert document["components"]["schemas"]["ArticleSummaryOut"]["required"]


def test_photos_placed_in_the_text_are_listed_and_shown_in_the_body(client, section):
    """The detail lists a placed photo (in_body) and its figure in body_html holds the picture and the credit;
    a figure whose photo left the library is dropped, as on the page."""
    photo = make_photo(alt_text="Ruộng bậc thang", credit="Ảnh: Lý Minh")
    body = (f'<p>Mở đầu.</p><figure data-photo="{photo.pk}"><figcaption>Mùa lúa chín.</figcaption></figure>'
            '<figure data-photo="999999"><figcaption>Ảnh đã xóa.</figcaption></figure>')
    story = make_article("Mùa vàng", section=section, status=Status.PUBLISHED, body=body)
    data = client.get(detail_url(story)).json()
    [placed] = data["photos"]
    assert placed["in_body"] and "position" not in placed and placed["caption"] == "Mùa lúa chín."
    assert placed["credit"] == "Ảnh: Lý Minh" and placed["renditions"]
    assert 'alt="Ruộng bậc thang"' in data["body_html"]
    assert "Mùa lúa chín. Ảnh: Lý Minh</figcaption>" in data["body_html"]
    assert "999999" not in data["body_html"] and "Ảnh đã xóa" not in data["body_html"]
