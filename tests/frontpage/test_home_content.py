"""The front page's content joined from its cut template is the template's own render, whatever the arrangement."""
import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from articles.caching import site_state
from frontpage import layouts, views
from tests.factories import make_section
from tests.frontpage.test_frontpage import desk, publish_layout, published  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def both_renders(pins):
    """(joined from the cut template, rendered whole) for the front page with `pins`."""
    request = RequestFactory().get("/")
    request._newsroom_keys = set()  # inside the page cache: most read is a hole
    state = site_state(request)
    context = views.front_page_context(pins=pins, sections=state["sections"], now=timezone.now())
    return views.home_content(request, context), render_to_string("articles/_home_content.html", context, request)


def test_cut_front_page_is_the_template_render_for_each_arrangement(desk, editor):
    """Default, pinned, and with a section block missing (an empty section): the same bytes either way."""
    make_section("Văn hóa")  # no story: no block
    joined, whole = both_renders([])
    assert joined == whole and "Thời sự số 01" in joined
    publish_layout(editor, {"lead": (desk["sport"][9], None), "sub-2": (desk["news"][8], None)})
    pins = layouts.pins_from_state(site_state())
    joined, whole = both_renders(pins)
    assert joined == whole and joined.index("Thể thao số 10") < joined.index("Thời sự số 01")


def test_a_renamed_section_shows_at_once_in_the_cut_front_page(client, desk, editor):
    """The cut template belongs to a site state: a section renamed shows in its block heading on the next read."""
    client.get("/")
    section = desk["news_section"]
    section.name = "Thời sự - Chính trị"
    section.save()
    page = client.get("/").content.decode()
    assert "Thời sự - Chính trị</a></h2>" in page
