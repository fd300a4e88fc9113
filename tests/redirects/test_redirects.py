"""Addresses never break: a moved story's old addresses answer 301 in one hop, editors add the old site's by hand
or by CSV, and no redirect leads to a story the public may not see."""
import io
from xml.etree import ElementTree

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles import trash, workflow
from articles.models import Article, Status
from redirects import addresses
from redirects.imports import ImportRefused, import_csv
from redirects.models import Redirect
from tests.articles.adminforms import admin_form_data
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"


@pytest.fixture
def story(reporter, editor, section):
    article = make_article("Lũ quét ở Ba Bể", section=section, authors=[reporter.author], status=Status.REVIEW)
    workflow.article_publish(article=article, by=editor)
    return Article.objects.get(pk=article.pk)


def edit(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Article.objects.get(pk=article.pk)


def test_editor_changes_a_published_storys_slug_and_section_and_every_old_address_answers_in_one_hop(
        client, editor, story):
    """Three moves later, each earlier address answers 301 straight to the current one; the page itself is 200."""
    client.force_login(editor)
    other = make_section("Kinh tế")
    first = story.get_absolute_url()
    second = edit(client, story, slug="lu-quet-ba-be").get_absolute_url()
    third = edit(client, story, section=str(other.pk)).get_absolute_url()
    current = edit(client, story, slug="lu-quet-o-ba-be-2026").get_absolute_url()
    assert current == "/kinh-te/lu-quet-o-ba-be-2026/"
    client.logout()
    for old in (first, second, third):
        response = client.get(old)
        assert response.status_code == 301 and response["Location"] == current, old
    assert client.get(current).status_code == 200
    assert client.get(first.rstrip("/")).status_code == 301  # without the slash, still one hop
    assert client.get(first.rstrip("/"))["Location"] == current


def test_reporter_cannot_change_a_published_storys_address(client, reporter, story):
    """The slug of a story that has been out is read-only for reporters (they cannot edit it at all)."""
    client.force_login(reporter)
    response = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    assert "slug" not in response.context["adminform"].form.fields


def test_sitemap_feeds_and_canonical_use_the_current_address(client, editor, story):
    """After a move, the canonical link, the feed and the sitemap carry only the new address."""
    client.force_login(editor)
    old = story.get_absolute_url()
    new = edit(client, story, slug="dia-chi-moi").get_absolute_url()
    client.logout()
    page = client.get(new).content.decode()
    assert f'<link rel="canonical" href="{SITE}{new}">' in page
    for url in (reverse("articles:rss"), "/sitemap-news.xml"):
        body = client.get(url).content.decode()
        assert SITE + new in body and SITE + old not in body, url


def test_undoing_a_move_makes_the_address_live_again(client, editor, story):
    """Moving a story back to an earlier address serves it there again; the other address redirects."""
    client.force_login(editor)
    first = story.get_absolute_url()
    second = edit(client, story, slug="tam-thoi").get_absolute_url()
    edit(client, story, slug=story.slug)
    client.logout()
    assert client.get(first).status_code == 200
    assert client.get(second)["Location"] == first
    assert not Redirect.objects.filter(old_path=first).exists()


def test_old_address_of_a_story_the_public_may_not_see_answers_as_its_page_does(client, editor, story):
    """Taken down: 410; back to draft or in the trash: 404; never a Location to follow."""
    client.force_login(editor)
    old = story.get_absolute_url()
    story = edit(client, story, slug="da-doi")
    workflow.article_unpublish(article=story, by=editor, comment="Sai sự thật")
    client.logout()
    response = client.get(old)
    assert response.status_code == 410 and not response.has_header("Location")
    trash.article_trash(article=story, by=editor)
    assert client.get(old).status_code == 410
    trash.article_untrash(article=story, by=editor)
    workflow.article_return_to_draft(article=story, by=editor)
    response = client.get(old)
    assert response.status_code == 404 and not response.has_header("Location")


def test_a_redirect_follows_a_republished_story_without_any_purge(client, editor, story):
    """A 301 is looked up when asked, so a story taken down then published again is followed at once."""
    client.force_login(editor)
    old = story.get_absolute_url()
    story = edit(client, story, slug="cap-nhat")
    client.logout()
    assert client.get(old).status_code == 301
    workflow.article_unpublish(article=story, by=editor, comment="Kiểm tra lại")
    assert client.get(old).status_code == 410
    workflow.article_publish(article=story, by=editor)
    assert client.get(old)["Location"] == story.get_absolute_url()


def test_redirect_lookup_costs_one_query_and_a_301_can_be_kept_a_minute(client, editor, story,
                                                                       django_assert_max_num_queries):
    """An old address costs the 404 it replaces plus one query; the 301 says how long it may be kept."""
    Redirect.objects.create(old_path="/tin-tuc/123.html", article=story)
    client.get("/robots.txt")  # the site state, read once
    with django_assert_max_num_queries(3):
        response = client.get("/tin-tuc/123.html")
    assert response.status_code == 301 and "max-age=60" in response["Cache-Control"]


def test_old_site_addresses_with_query_strings(client, editor, story):
    """/index.php?id=123 and /index.php?id=124 lead to different places; the bare path is not a match."""
    addresses.redirect_save(old_address="https://baocu.vn/index.php?id=123", new_address=story.get_absolute_url())
    addresses.redirect_save(old_address="/index.php?id=124", new_address="/")
    assert client.get("/index.php?id=123")["Location"] == story.get_absolute_url()
    assert client.get("/index.php?id=124")["Location"] == "/"
    assert client.get("/index.php").status_code == 404


def test_a_redirect_to_an_old_address_is_stored_as_one_hop(client, editor, story):
    """A by-hand redirect to an address that is itself old leads straight to the story."""
    client.force_login(editor)
    old = story.get_absolute_url()
    edit(client, story, slug="moi-hon")
    redirect = addresses.redirect_save(old_address="/bai-cu.html", new_address=old)
    assert redirect.article_id == story.pk
    client.logout()
    assert client.get("/bai-cu.html")["Location"] == "/thoi-su/moi-hon/"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("/", "/thoi-su/", "đang là một trang của báo"),
    ("/cu.html", "/khong-co-trang-nay/bai/", "không có trên trang báo"),
    ("/cu.html", "https://baokhac.vn/bai/", "không thuộc trang báo"),
    ("javascript:alert(1)", "/", "không phải địa chỉ web"),
    ("/co khoang trang", "/", "không hợp lệ"),
])
def test_bad_redirects_are_refused_in_vietnamese(section, old, new, message):
    """A redirect from a live page, to nowhere, off the site or from a non-web address is refused with a reason."""
    with pytest.raises(addresses.AddressError, match=message):
        addresses.redirect_save(old_address=old, new_address=new)


def test_csv_import_saves_every_row(story):
    """A CSV with a header, a BOM and ';' separators imports each row; importing it again updates them."""
    data = ("\ufeffđịa chỉ cũ;địa chỉ mới\n/tin-tuc/1.html;" + story.get_absolute_url()
            + "\nhttps://baocu.vn/chuyen-muc/thoi-su;/thoi-su/\n").encode()
    result = import_csv(data)
    assert (result.created, result.updated) == (2, 0)
    assert Redirect.objects.get(old_path="/tin-tuc/1.html").article == story
    assert Redirect.objects.get(old_path="/chuyen-muc/thoi-su").target_path == "/thoi-su/"
    assert (import_csv(data).created, import_csv(data).updated) == (0, 2)


def test_csv_import_with_a_bad_row_imports_nothing_and_names_each_row(story):
    """Every bad row is reported with its line number, in Vietnamese, and no row is saved."""
    data = "\n".join([
        "/cu/1.html," + story.get_absolute_url(),
        "/cu/2.html",
        "/cu/3.html,/khong-co/",
        "/cu/1.html,/",
        "/cu/4.html,/thoi-su/",
    ]).encode()
    with pytest.raises(ImportRefused) as refused:
        import_csv(data)
    assert refused.value.errors == [
        "Dòng 2: cần đúng 2 cột (địa chỉ cũ, địa chỉ mới), dòng này có 1.",
        "Dòng 4: địa chỉ cũ “/cu/1.html” đã có ở dòng 1.",
    ]
    with pytest.raises(ImportRefused) as refused:
        import_csv(b"/cu/1.html,/thoi-su/\n/cu/3.html,/khong-co/trang/nay/\n")
    assert refused.value.errors == ["Dòng 2: Địa chỉ mới “/khong-co/trang/nay/” không có trên trang báo."]
    assert not Redirect.objects.exists()
    with pytest.raises(ImportRefused, match="UTF-8"):
        import_csv(b"/c\xe9.html,/\n")  # Latin-1, as an old Windows tool may save it


def test_import_command_reports_and_refuses(tmp_path, story):
    """manage.py import_redirects imports a good file and refuses a bad one with the row's message."""
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("/a.html,/thoi-su/\n", encoding="utf-8")
    bad.write_text("/b.html\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_redirects", str(good), stdout=out)
    assert "Đã nhập 1 địa chỉ mới" in out.getvalue()
    with pytest.raises(CommandError, match="Dòng 1: cần đúng 2 cột"):
        call_command("import_redirects", str(bad))


def test_editor_imports_csv_in_the_admin_and_reporters_cannot(client, editor, reporter, story):
    """The admin's import page lists bad rows and saves nothing; a good file lands; reporters get 403."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("admin:redirects_redirect_import")
    client.force_login(reporter)
    assert client.get(url).status_code == 403
    assert client.get(reverse("admin:redirects_redirect_changelist")).status_code == 403
    client.force_login(editor)
    page = client.post(url, {"file": SimpleUploadedFile("a.csv", b"/a.html\n")}).content.decode()
    assert "Dòng 1: cần đúng 2 cột" in page and not Redirect.objects.exists()
    response = client.post(url, {"file": SimpleUploadedFile("a.csv", b"/a.html,/thoi-su/\n")})
    assert response.status_code == 302 and Redirect.objects.get().old_path == "/a.html"


def test_editor_adds_a_redirect_by_hand(client, editor, story):
    """The add form takes an old and a new address and stores the story when the new one is a story's."""
    client.force_login(editor)
    response = client.post(reverse("admin:redirects_redirect_add"),
                           {"old_path": "https://baocu.vn/tin/99.html", "new_address": SITE + story.get_absolute_url()})
    assert response.status_code == 302
    assert Redirect.objects.get(old_path="/tin/99.html").article == story
    page = client.post(reverse("admin:redirects_redirect_add"), {"old_path": "/", "new_address": "/"}).content.decode()
    assert "đang là một trang của báo" in page
