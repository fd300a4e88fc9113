"""Nothing that is not public appears on any public page, feed, sitemap or structured data."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status, Tag
from photos.models import Rendition
from tests.articles.pages import json_strings, parse_html, xml_strings
from tests.factories import make_article, make_author, make_caption, make_photo, make_section

pytestmark = pytest.mark.django_db

HIDDEN_STATES = {
    "nhap": (Status.DRAFT, None),
    "duyet": (Status.REVIEW, None),
    "go": (Status.UNPUBLISHED, -timedelta(days=1)),
    "hengio": (Status.PUBLISHED, timedelta(hours=3)),
    # In the trash (Thùng rác): even a row that still says published, with its time come, is hidden.
    "thungrac": (Status.PUBLISHED, -timedelta(days=1)),
    "thungracgo": (Status.UNPUBLISHED, -timedelta(days=1)),
}
TRASHED = {"thungrac", "thungracgo"}
GONE = {"go", "thungracgo"}  # taken down: their addresses answer 410, in the trash or not


@pytest.fixture
def world(db):
    """One public story and, beside it, one story in each non-public state sharing its section and tag, each
    pinned on the front page and counted as the most read."""
    section = make_section("Thời sự")
    shared_tag = Tag.objects.create(name="Chủ đề chung")
    public_author = make_author("Phóng viên công khai")
    public = make_article("Bài công khai bình thường", section=section, status=Status.PUBLISHED,
                          authors=[public_author], body="<p>Nội dung chung về mật mã.</p>")
    public.tags.add(shared_tag)
    make_caption(public, photo=make_photo(alt_text="Ảnh công khai"), is_lead=True)
    hidden = {}
    for key, (status, offset) in HIDDEN_STATES.items():
        marker = f"Matkhau{key}"  # a word no public text contains
        story = make_article(
            f"Tiêu đề {marker} không công khai", section=section, status=status,
            published_at=timezone.now() + offset if offset else None, kicker=f"Kicker {marker}",
            sapo=f"Sapo {marker}", body=f"<p>Nội dung chung về mật mã {marker}.</p>",
            authors=[public_author, make_author(f"Tác giả {marker}")],
        )
        story.tags.add(shared_tag, Tag.objects.create(name=f"Chủ đề {marker}"))
        photo = make_photo(alt_text=f"Ảnh {marker}")
        make_caption(story, photo=photo, text=f"Chú thích {marker}", is_lead=True)
        if key in TRASHED:
            Article.objects.filter(pk=story.pk).update(trashed_at=timezone.now())
        hidden[key] = {"story": story, "marker": marker, "photo": photo}
    pin_everywhere(section, [entry["story"] for entry in hidden.values()])
    most_read_everywhere([entry["story"] for entry in hidden.values()] + [public])
    return {"section": section, "tag": shared_tag, "author": public_author, "public": public, "hidden": hidden}


def pin_everywhere(section, stories):
    """A live front-page layout pinning the hidden stories in the lead, the sub-leads and the section's block.

    Written straight to the database, as a bug or a story's later move could leave it: frontpage/layouts.py
    refuses to pin what is not published, and the page must not show it either.
    """
    from frontpage import arrangement
    from frontpage.models import Layout, Pin

    layout = Layout.objects.create(kind=Layout.Kind.PUBLISH, goes_live_at=timezone.now() - timedelta(minutes=1))
    slots = [arrangement.LEAD, *arrangement.sublead_slots(), *arrangement.section_slots(section.pk)]
    for slot, story in zip(slots, stories + stories):
        Pin.objects.create(layout=layout, slot=slot, article=story)


def most_read_everywhere(stories):
    """Views counted for every story, the hidden ones most (as rows a flush of old counts could have left)."""
    from mostread.counter import hour_of
    from mostread.models import HourlyViews

    for rank, story in enumerate(stories):
        HourlyViews.objects.create(article=story, hour=hour_of(timezone.now()), views=1000 - rank)


def secrets_of(entry):
    story, photo = entry["story"], entry["photo"]
    files = [photo.image.name] + [r.file.name for r in Rendition.objects.filter(photo=photo)]
    return [entry["marker"].lower(), story.slug] + [name.rsplit("/", 1)[-1] for name in files if name]


def public_urls(world):
    section, tag, author, public = world["section"], world["tag"], world["author"], world["public"]
    now = timezone.localtime()
    urls = [
        "/", section.get_absolute_url(), tag.get_absolute_url(), author.get_absolute_url(),
        public.get_absolute_url(), "/robots.txt",
        reverse("articles:rss"), reverse("articles:atom"),
        reverse("articles:rss-section", kwargs={"slug": section.slug}),
        reverse("articles:atom-section", kwargs={"slug": section.slug}),
        "/sitemap.xml", "/sitemap-trang.xml", f"/sitemap-{now.year}-{now.month}.xml", "/sitemap-news.xml",
        reverse("articles:search") + "?q=mat+ma", reverse("articles:search") + "?q=noi+dung+chung",
        # The public API (api/): lists with each filter, the story, its ninjs, and the taxonomies.
        "/api/v1/articles/", f"/api/v1/articles/?section={section.slug}", f"/api/v1/articles/?tag={tag.slug}",
        f"/api/v1/articles/?author={author.slug}", "/api/v1/articles/?updated_since=2000-01-01T00:00:00Z",
        f"/api/v1/articles/{public.pk}/", f"/api/v1/articles/{public.pk}/ninjs",
        "/api/v1/", "/api/v1/sections/", "/api/v1/authors/", "/api/v1/tags/", "/api/v1/schema/",
    ]
    for entry in world["hidden"].values():
        urls.append(reverse("articles:search") + f"?q={entry['marker']}")
        urls.append(reverse("articles:search") + f"?q={entry['marker'].lower()}")
    return urls


def strings_of(response):
    content_type = response["Content-Type"]
    body = response.content
    if "html" in content_type:
        page = parse_html(body)
        return [page.text] + page.attribute_values() + [s for block in page.json_ld for s in json_strings(block)]
    if "xml" in content_type:
        return xml_strings(body)
    return [body.decode()]


def walk_for_leaks(client, world, urls, extra_secrets=()):
    """Every URL answers 200 and shows none of the hidden stories' secrets (nor `extra_secrets`)."""
    checked = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = "\n".join(strings_of(response)).lower()
        if "tim-kiem" in url:
            # The search page repeats the visitor's query; what must stay hidden is in the results.
            page = parse_html(response.content)
            results = "\n".join(e.text for e in page.find_all("article")).lower()
            assert not response.context["results"].stories or "matkhau" not in results
            text = text.replace(response.context["results"].query.lower(), "")
        for key, entry in world["hidden"].items():
            for secret in secrets_of(entry):
                assert secret.lower() not in text, f"{key} story leaks {secret!r} on {url}"
        for secret in extra_secrets:
            assert secret.lower() not in text, f"{secret!r} still shows on {url}"
        checked += 1
    return checked


def test_no_public_endpoint_shows_a_story_that_is_not_public(client, world):
    """Home, section, tag, author, article (related, JSON-LD), search, feeds, sitemaps, the API: no hidden story,
    photo, tag or author."""
    checked = walk_for_leaks(client, world, public_urls(world))
    assert checked >= 20
    # The public story itself is there, so the walk really looked at content.
    assert "bài công khai bình thường" in "\n".join(strings_of(client.get("/"))).lower()


def test_hidden_stories_own_pages_are_not_found(client, world):
    """Each non-public story's URL, API answer and ninjs answer 404 (or 410 once withdrawn) and show none of its text."""
    for key, entry in world["hidden"].items():
        response = client.get(entry["story"].get_absolute_url())
        assert response.status_code == (410 if key in GONE else 404)
        page = parse_html(response.content)
        strings = [page.text] + page.attribute_values()
        assert not any(entry["marker"].lower() in s.lower() for s in strings)
        for url in (f"/api/v1/articles/{entry['story'].pk}/", f"/api/v1/articles/{entry['story'].pk}/ninjs"):
            response = client.get(url)
            assert response.status_code == (410 if key in GONE else 404), url
            assert entry["marker"].lower() not in response.content.decode().lower()


def test_tag_and_author_used_only_by_hidden_stories_list_nothing(client, world):
    """A tag or author whose only stories are hidden shows an empty list and is left out of the sitemap."""
    entry = world["hidden"]["nhap"]
    tag = entry["story"].tags.get(name__startswith="Chủ đề Matkhau")
    author = entry["story"].authors.get(name__startswith="Tác giả")
    for url in (tag.get_absolute_url(), author.get_absolute_url()):
        page = parse_html(client.get(url).content)
        assert "Tiêu đề" not in page.text and "Chưa có bài viết nào." in page.text
    sitemap = "\n".join(xml_strings(client.get("/sitemap-trang.xml").content))
    assert tag.slug not in sitemap and author.slug not in sitemap


def test_scheduled_story_leaks_nowhere_even_with_cache_warm_then_appears(client, world):
    """With every page cached, the scheduled story stays hidden until its time, then shows on every page."""
    import time_machine

    entry = world["hidden"]["hengio"]
    urls = public_urls(world)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for url in urls:
            client.get(url)
        traveller.shift(timedelta(hours=2, minutes=59))
        for url in urls:
            response = client.get(url)
            if "tim-kiem" in url:  # the page repeats the query; the results are the <article> teasers
                teasers = parse_html(response.content).find_all("article")
                assert not any(entry["marker"].lower() in t.text.lower() for t in teasers), url
            else:
                assert entry["marker"].lower() not in "\n".join(strings_of(response)).lower(), url
        traveller.shift(timedelta(minutes=2))
        assert entry["marker"].lower() in "\n".join(strings_of(client.get("/"))).lower()
        assert entry["marker"].lower() in "\n".join(strings_of(client.get(reverse("articles:rss")))).lower()
        assert client.get(entry["story"].get_absolute_url()).status_code == 200


def test_view_beacon_never_counts_a_story_that_is_not_public(client, world):
    """The most-read beacon answers a hidden story's ticket (a story page once handed it out) and counts nothing."""
    from urllib.parse import urlencode

    from mostread import beacon
    from mostread.models import HourlyViews

    before = {row.article_id: row.views for row in HourlyViews.objects.all()}
    for entry in world["hidden"].values():
        response = client.post("/luot-doc/", urlencode({"ve": beacon.ticket(entry["story"].pk)}),
                               content_type="application/x-www-form-urlencoded", HTTP_USER_AGENT="Mozilla/5.0 Firefox/128.0")
        assert response.status_code == 204
    assert {row.article_id: row.views for row in HourlyViews.objects.all()} == before


def test_old_addresses_of_hidden_stories_lead_nowhere(client, world):
    """A redirect to a story the public may not see answers as that story's page does (404, or 410 once taken
    down), with no Location to follow; the public story's old address leads to it."""
    from redirects.models import Redirect

    Redirect.objects.create(old_path="/cu/cong-khai.html", article=world["public"])
    assert client.get("/cu/cong-khai.html")["Location"] == world["public"].get_absolute_url()
    for key, entry in world["hidden"].items():
        Redirect.objects.create(old_path=f"/cu/{key}.html", article=entry["story"])
        response = client.get(f"/cu/{key}.html")
        assert response.status_code == (410 if key in GONE else 404), key
        assert not response.has_header("Location")
        assert entry["marker"].lower() not in response.content.decode().lower()


def _publish_another(world, editor):
    from articles import workflow

    story = make_article("Bài mới đăng thêm", section=world["section"], authors=[world["author"]], status=Status.REVIEW)
    story.tags.add(world["tag"])
    workflow.article_publish(article=story, by=editor)


def _schedule_another(world, editor):
    from articles import workflow

    story = make_article("Bài hẹn giờ MatkhauHengioHai", section=world["section"], authors=[world["author"]],
                         status=Status.REVIEW)
    story.tags.add(world["tag"])
    workflow.article_publish(article=story, by=editor, publish_at=timezone.now() + timedelta(hours=2))
    return ["matkhauhengiohai", story.slug]


def _unpublish_the_public_one(world, editor):
    from articles import workflow

    workflow.article_unpublish(article=world["public"], by=editor, comment="Gỡ để kiểm tra.")
    return ["bài công khai bình thường", world["public"].slug]


def _correct(world, editor):
    from articles.models import Correction

    Correction.objects.create(article=world["public"], text="Đính chính số liệu.")


def _credit_every_photo(world, editor):
    from photos.models import Photo

    for photo in Photo.objects.all():
        photo.credit = f"Ảnh: người chụp {photo.pk}"
        photo.save()


def _rename_the_shared_author(world, editor):
    world["author"].name = "Phóng viên công khai (đổi tên)"
    world["author"].save()


def _rename_the_section(world, editor):
    world["section"].name = "Thời sự - Chính trị"
    world["section"].save()


@pytest.mark.parametrize("change", [_publish_another, _schedule_another, _unpublish_the_public_one, _correct,
                                    _credit_every_photo, _rename_the_shared_author, _rename_the_section],
                         ids=lambda change: change.__name__.strip("_"))
def test_no_leak_after_each_kind_of_change(client, world, editor, change, django_capture_on_commit_callbacks):
    """With every public page cached, one change of each kind, committed: still nothing hidden on any page, and a
    story taken down is gone from every page."""
    own = [world["public"].get_absolute_url(), f"/api/v1/articles/{world['public'].pk}/"]
    urls = [url for url in public_urls(world) if not any(url.startswith(o) for o in own)]
    for url in urls:
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        gone = change(world, editor) or []
    assert walk_for_leaks(client, world, urls, extra_secrets=gone) >= 20
