"""Bylines with roles: on the page, in the structured data, in the feeds, in the admin, in revisions."""
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import revisions
from articles.models import Article, Byline, BylineRole, Status
from tests.articles.adminforms import admin_form_data
from tests.articles.pages import parse_html
from tests.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def credit(article, author, role, order):
    return Byline.objects.create(article=article, author=author, role=role, order=order)


@pytest.fixture
def photo_story(db):
    """A story written by Nông Vui and Lục Văn Bình, photographed by Hà Linh, translated by Ma Thị Thu."""
    vui, binh, linh, thu = (make_author(n) for n in ("Nông Vui", "Lục Văn Bình", "Hà Linh", "Ma Thị Thu"))
    article = make_article("Mùa hồng chín ở Ba Bể", section=make_section("Kinh tế"), status=Status.PUBLISHED,
                           published_at=timezone.now() - timedelta(hours=1))
    # Entered out of role order: the page still puts the writers first, each group in the story's order.
    credit(article, linh, BylineRole.PHOTOS, 0)
    credit(article, vui, BylineRole.WRITER, 1)
    credit(article, thu, BylineRole.TRANSLATION, 2)
    credit(article, binh, BylineRole.WRITER, 3)
    return article


def byline_text(client, article):
    page = parse_html(client.get(article.get_absolute_url()).content)
    return " ".join(page.find_all("p", **{"class": "byline"})[0].text.split()), page


def test_page_shows_each_role_before_its_names(client, photo_story):
    """The byline reads "Bài: Nông Vui, Lục Văn Bình - Ảnh: Hà Linh - Dịch: Ma Thị Thu", every name a link."""
    text, page = byline_text(client, photo_story)
    assert text == "Bài: Nông Vui, Lục Văn Bình - Ảnh: Hà Linh - Dịch: Ma Thị Thu"
    links = [a for a in page.find_all("a") if a.attrs.get("href", "").startswith("/tac-gia/")]
    assert [a.text for a in links] == ["Nông Vui", "Lục Văn Bình", "Hà Linh", "Ma Thị Thu"]
    assert [a.text for a in links if a.attrs.get("rel") == "author"] == ["Nông Vui", "Lục Văn Bình"]


def test_writers_only_byline_is_a_plain_list_of_names(client):
    """A story credited to writers only shows their names without the "Bài:" label, as before roles existed."""
    article = make_article("Họp báo", status=Status.PUBLISHED, authors=[make_author("Nông Vui"), make_author("Hà Linh")])
    text, _ = byline_text(client, article)
    assert text == "Nông Vui, Hà Linh"


def test_structured_data_names_writers_as_authors_and_others_as_contributors(client, photo_story):
    """NewsArticle: the writers are its author, the photographer and translator its contributors."""
    _, page = byline_text(client, photo_story)
    news = next(node for block in page.json_ld for node in block["@graph"] if node["@type"] == "NewsArticle")
    assert [p["name"] for p in news["author"]] == ["Nông Vui", "Lục Văn Bình"]
    assert [p["name"] for p in news["contributor"]] == ["Hà Linh", "Ma Thị Thu"]
    assert all(p["@type"] == "Person" and p["url"].startswith("http") for p in news["author"] + news["contributor"])


def test_story_with_only_a_photographer_is_authored_by_the_paper(client):
    """A photo story without a writer credits the paper as author and the photographer as contributor."""
    article = make_article("Ảnh: sương sớm hồ Ba Bể", status=Status.PUBLISHED)
    credit(article, make_author("Hà Linh"), BylineRole.PHOTOS, 0)
    text, page = byline_text(client, article)
    assert text == "Ảnh: Hà Linh"
    news = next(node for block in page.json_ld for node in block["@graph"] if node["@type"] == "NewsArticle")
    assert news["author"] == [{"@type": "Organization", "name": "Báo Tin Bắc Kạn"}]
    assert [p["name"] for p in news["contributor"]] == ["Hà Linh"]


def test_feeds_carry_the_byline_with_roles(client, photo_story):
    """The Atom entry's author and the RSS item's creator read as the page's byline does."""
    atom = ElementTree.fromstring(client.get(reverse("articles:atom")).content)
    names = [e.findtext(f"{ATOM}author/{ATOM}name") for e in atom.iter(f"{ATOM}entry")]
    assert names == ["Bài: Nông Vui, Lục Văn Bình - Ảnh: Hà Linh - Dịch: Ma Thị Thu"]
    rss = client.get(reverse("articles:rss")).content.decode()
    assert "Bài: Nông Vui, Lục Văn Bình - Ảnh: Hà Linh - Dịch: Ma Thị Thu" in rss


def test_editor_sets_roles_in_the_byline_inline(client, editor, photo_story):
    """The admin's byline inline offers the roles; a photographer added there shows on the page."""
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[photo_story.pk])
    response = client.get(url)
    role_field = response.context["inline_admin_formsets"][0].formset.forms[0].fields["role"]
    assert [str(label) for _, label in role_field.choices] == ["Bài", "Ảnh", "Video", "Đồ họa", "Dịch"]
    data = admin_form_data(response)
    total = int(data["bylines-TOTAL_FORMS"])
    graphics = make_author("Triệu Đồ")
    data.update({f"bylines-{total - 1}-author": str(graphics.pk), f"bylines-{total - 1}-role": "graphics",
                 f"bylines-{total - 1}-order": "9"})
    assert client.post(url, data).status_code == 302
    assert byline_text(client, photo_story)[0].endswith("- Đồ họa: Triệu Đồ - Dịch: Ma Thị Thu")


def test_same_person_may_write_and_photograph_a_story(client, editor):
    """One reporter credited for the words and for the photos appears in both groups."""
    vui = make_author("Nông Vui")
    article = make_article("Chợ phiên", status=Status.PUBLISHED)
    credit(article, vui, BylineRole.WRITER, 0)
    credit(article, vui, BylineRole.PHOTOS, 1)
    assert byline_text(client, article)[0] == "Bài: Nông Vui - Ảnh: Nông Vui"


def test_restoring_a_revision_restores_the_roles(client, editor, photo_story):
    """A restored revision brings back each byline's role, not just its author."""
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[photo_story.pk])
    data = admin_form_data(client.get(url))
    assert client.post(url, data).status_code == 302
    version = revisions.article_versions(photo_story).first()
    Byline.objects.filter(article=photo_story).update(role=BylineRole.WRITER)
    revisions.article_restore(article=Article.objects.get(pk=photo_story.pk), version=version, by=editor)
    roles = dict(Byline.objects.filter(article=photo_story).values_list("author__name", "role"))
    assert roles == {"Nông Vui": "writer", "Lục Văn Bình": "writer", "Hà Linh": "photos", "Ma Thị Thu": "translation"}
