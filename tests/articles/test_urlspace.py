"""Section slugs and the site's own paths share the top of the URL space; the URL conf decides which is which."""
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from articles import urlspace
from articles.models import Section

# What the hand-kept list held before it was derived from the URL conf: all of it stays reserved.
FORMERLY_LISTED = {"tim-kiem", "tac-gia", "chu-de", "rss", "atom", "feeds", "sitemap.xml", "sitemap-news.xml",
                   "robots.txt", "static", "media", "xem-truoc", "admin", "quan-tri", "tai-khoan", "api"}


def test_every_path_the_site_routes_or_kept_before_is_reserved():
    """The site's own first segments (the admin's path, the sitemaps, search...) are reserved, as before."""
    assert FORMERLY_LISTED | {"sitemap-trang.xml"} <= urlspace.reserved_slugs()


def test_a_new_path_is_reserved_without_editing_a_list(db, settings):
    """A path a new app routes is refused as a section slug at once, and a section named like it moves aside."""
    settings.ROOT_URLCONF = "tests.articles.urls_front_page_first"
    assert "trang-nhat" in urlspace.reserved_slugs()
    with pytest.raises(ValidationError, match="đã được trang web dùng"):
        Section(name="Trang nhất", slug="trang-nhat").full_clean()
    section = Section.objects.create(name="Trang nhất")
    assert section.slug == "trang-nhat-2"


def test_the_site_routes_fixed_paths_before_sections(settings):
    """The project's URL conf passes the newsroom.E001 check (and `manage.py check` runs it)."""
    assert urlspace.check_url_space() == []
    call_command("check", "--tag", "urls")


def test_a_fixed_path_after_the_section_pattern_fails_the_check(settings):
    """A path routed after /<section>/ would be served as an unknown section: newsroom.E001 names it."""
    settings.ROOT_URLCONF = "tests.articles.urls_front_page_last"
    errors = urlspace.check_url_space()
    assert [error.id for error in errors] == ["newsroom.E001"]
    assert "/trang-nhat/" in errors[0].msg and "<slug:slug>/" in errors[0].msg


@pytest.mark.parametrize("path, view", [
    ("/thoi-su/le-hoi-long-tong/", "article_detail"),
    ("/thoi-su/", "section_detail"),
    ("/tac-gia/nong-vui/", "author_detail"),
    ("/chu-de/dai-hoi/", "tag_detail"),
    ("/rss/thoi-su/", None),
    ("/tim-kiem/", "search"),
    ("/luot-doc/", None),
])
def test_story_and_section_paths_are_answered_first_and_fixed_paths_still_reach_their_own(path, view):
    """The story and section routes at the top of the URL conf (urlspace.SectionSpaceRoute) take only paths whose
    first segment no fixed path uses: every other path resolves as it did with them at the end."""
    from django.urls import resolve

    from articles import views

    match = resolve(path)
    if view is None:
        assert match.func not in (views.article_detail, views.section_detail)
    else:
        assert match.func is getattr(views, view)
    assert resolve("/quan-tri/").app_name == "admin"
    api = resolve("/api/v1/sections/")
    assert api.func not in (views.article_detail, views.section_detail)
