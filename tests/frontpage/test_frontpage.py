"""The curated front page: pins in slots, fallbacks without duplicates, expiry, scheduled switch, undo, preview."""
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Status
from frontpage import layouts
from frontpage.models import Layout, Pin
from mostread import ranking
from tests.articles.pages import parse_html
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db

BOARD = "admin:frontpage_layout_arrange"


def published(title, section, minutes_ago, **fields):
    return make_article(title, section=section, status=Status.PUBLISHED,
                        published_at=timezone.now() - timedelta(minutes=minutes_ago), **fields)


@pytest.fixture
def desk(db):
    """Two sections with ten stories each, the newest first in `stories` (news 1..10 then sport 1..10)."""
    news, sport = make_section("Thời sự"), make_section("Thể thao")
    stories = {"news": [published(f"Thời sự số {n:02d}", news, n) for n in range(1, 11)],
               "sport": [published(f"Thể thao số {n:02d}", sport, 20 + n) for n in range(1, 11)]}
    return {"news_section": news, "sport_section": sport, **stories}


def blocks_of(response):
    """The page's front-page sections by name: 'lead', 'subleads' and each section block by its slug."""
    found = {}
    for element in parse_html(response.content).find_all("section"):
        classes = element.attrs.get("class", "")
        if "lead-story" in classes:
            found["lead"] = element
        elif "subleads" in classes:
            found["subleads"] = element
        elif "section-block" in classes:
            found[element.attrs["aria-labelledby"].removeprefix("khoi-")] = element
    return found


def titles_in(section_element, stories):
    return [s.title for s in stories if s.title in section_element.text]


def publish_layout(editor, pins, **kwargs):
    return layouts.layout_save(pins={slot: (story.pk, expires) for slot, (story, expires) in pins.items()},
                               by=editor, kind=kwargs.pop("kind", Layout.Kind.PUBLISH), **kwargs)


def everything(desk):
    return desk["news"] + desk["sport"]


def test_pinned_lead_and_subleads_show_and_other_slots_take_the_newest_without_duplicates(client, desk, editor):
    """An old sport story pinned as lead and one as sub-lead 2; the rest fill with the newest, none twice."""
    old_sport, other_sport = desk["sport"][9], desk["sport"][5]
    publish_layout(editor, {"lead": (old_sport, None), "sub-2": (other_sport, None),
                            f"section-{desk['news_section'].pk}-1": (desk["news"][0], None)})
    page = blocks_of(client.get("/"))
    assert titles_in(page["lead"], everything(desk)) == [old_sport.title]
    subleads = titles_in(page["subleads"], everything(desk))
    # sub-1, sub-3, sub-4 take the newest stories; the news pick 1 is pinned, so it is not a sub-lead.
    assert set(subleads) == {other_sport.title, "Thời sự số 02", "Thời sự số 03", "Thời sự số 04"}
    news_block = titles_in(page["thoi-su"], desk["news"])
    assert news_block == ["Thời sự số 01", "Thời sự số 05", "Thời sự số 06", "Thời sự số 07"]
    sport_block = titles_in(page["the-thao"], desk["sport"])
    assert old_sport.title not in sport_block and other_sport.title not in sport_block and len(sport_block) == 4
    shown = [t for key in ("lead", "subleads", "thoi-su", "the-thao") for t in titles_in(page[key], everything(desk))]
    assert len(shown) == len(set(shown)) == 13


def test_expired_pin_gives_its_slot_back_to_the_newest_story_by_itself(client, desk, editor):
    """A lead pinned for an hour leads until then; a cached home page is not served past the pin's end."""
    old = desk["sport"][9]
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        publish_layout(editor, {"lead": (old, timezone.now() + timedelta(hours=1))})
        assert titles_in(blocks_of(client.get("/"))["lead"], everything(desk)) == [old.title]
        traveller.shift(timedelta(minutes=58))
        assert titles_in(blocks_of(client.get("/"))["lead"], everything(desk)) == [old.title]
        traveller.shift(timedelta(minutes=1))
        response = client.get("/")
        assert response["X-Page-Cache"] == "hit"  # cached, but only until the pin ends
        traveller.shift(timedelta(minutes=1, seconds=1))
        response = client.get("/")
        assert response["X-Page-Cache"] == "miss"
        assert titles_in(blocks_of(response)["lead"], everything(desk)) == ["Thời sự số 01"]


def test_scheduled_layout_switches_the_whole_front_page_at_its_time(client, desk, editor):
    """A layout scheduled for 6:00 shows nowhere before, and replaces the live one at 6:00 without a request to the admin."""
    first, morning = desk["sport"][8], desk["sport"][9]
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        publish_layout(editor, {"lead": (first, None)})
        six = timezone.now() + timedelta(hours=5)
        publish_layout(editor, {"lead": (morning, None)}, kind=Layout.Kind.SCHEDULE, goes_live_at=six)
        assert titles_in(blocks_of(client.get("/"))["lead"], everything(desk)) == [first.title]
        traveller.shift(timedelta(hours=4, minutes=59))
        assert titles_in(blocks_of(client.get("/"))["lead"], everything(desk)) == [first.title]
        traveller.shift(timedelta(minutes=2))
        assert titles_in(blocks_of(client.get("/"))["lead"], everything(desk)) == [morning.title]


def test_a_pinned_story_taken_down_leaves_the_front_page_at_once(client, desk, editor):
    """Only published stories ever show: a pinned story that is taken down gives its slot to the newest story."""
    from articles import workflow

    pinned = desk["sport"][9]
    publish_layout(editor, {"lead": (pinned, None)})
    assert pinned.title in client.get("/").content.decode()
    workflow.article_unpublish(article=pinned, by=editor, comment="Sai thông tin")
    page = client.get("/").content.decode()
    assert pinned.title not in page and "Thời sự số 01" in page


def test_home_query_count_is_the_same_with_pins(client, desk, editor, django_assert_max_num_queries):
    """Pins ride in the cached site state: a home page with every slot pinned reads no more than without."""
    pins = {"lead": (desk["sport"][9], None)}
    pins.update({f"sub-{n}": (desk["sport"][n], None) for n in range(1, 5)})
    pins.update({f"section-{desk['news_section'].pk}-{n}": (desk["news"][9 - n], None) for n in range(1, 5)})
    publish_layout(editor, pins)
    client.get("/robots.txt")  # the site state (menu, masthead, pins) is built once per change
    ranking.ranking_ids()  # the most-read list, recomputed once per NEWSROOM_MOST_READ_SECONDS
    client.get("/")  # renders and stores the teasers (made after each commit, and this test never commits)
    with django_assert_max_num_queries(1):
        assert client.get("/").status_code == 200


def test_editor_arranges_the_board_and_the_change_is_logged(client, desk, editor):
    """The board's POST puts the layout live now, with who and when in the log; the home page shows it."""
    client.force_login(editor)
    board = client.get(reverse(BOARD))
    assert board.status_code == 200 and "Thời sự số 01" in board.content.decode()
    response = client.post(reverse(BOARD), {"slot-lead": str(desk["sport"][9].pk), "action": "publish",
                                            "expires-lead": "", f"slot-section-{desk['news_section'].pk}-2": ""})
    assert response.status_code == 302
    layout = Layout.objects.get()
    assert layout.created_by == editor and layout.kind == Layout.Kind.PUBLISH and layout.goes_live_at
    log = client.get(reverse("admin:frontpage_layout_changelist")).content.decode()
    assert "bientap" in log and "đang hiện" in log
    client.logout()
    assert titles_in(blocks_of(client.get("/"))["lead"], everything(desk)) == [desk["sport"][9].title]


@pytest.mark.parametrize("post, message", [
    ({"slot-lead": "abc"}, "không phải số của một bài"),
    ({"slot-lead": "999999"}, "chưa xuất bản"),
    ({"slot-lead": "DRAFT"}, "chưa xuất bản"),
    ({"slot-lead": "SAME", "slot-sub-1": "SAME"}, "Mỗi bài chỉ được đặt ở một ô"),
    ({"slot-section-NEWS-1": "SPORT"}, "thuộc chuyên mục khác"),
    ({"slot-lead": "SAME", "expires-lead": "ngày mai"}, "không phải ngày giờ hợp lệ"),
    ({"slot-lead": "SAME", "expires-lead": "2001-01-01T06:00"}, "phải sau thời điểm bố cục lên trang"),
])
def test_board_refuses_bad_pins_in_vietnamese_and_keeps_what_was_placed(client, desk, editor, post, message):
    """A bad story number, a draft, a story twice, a pick from another section or a bad date: 400 with the reason,
    the board keeps the editor's entries, and nothing is saved."""
    draft = make_article("Bản nháp bí mật", section=desk["news_section"])
    values = {"DRAFT": str(draft.pk), "SAME": str(desk["news"][0].pk), "SPORT": str(desk["sport"][0].pk)}
    data = {key.replace("NEWS", str(desk["news_section"].pk)): values.get(value, value) for key, value in post.items()}
    client.force_login(editor)
    response = client.post(reverse(BOARD), {**data, "slot-sub-3": str(desk["news"][5].pk), "action": "publish"})
    assert response.status_code == 400
    text = " ".join(str(m) for m in response.context["messages"])
    assert message in text
    assert f'value="{desk["news"][5].pk}"' in response.content.decode()
    assert not Layout.objects.exists() and not Pin.objects.exists()


def test_schedule_needs_a_time_ahead(client, desk, editor):
    """'Hẹn giờ chuyển' without a time, or with one in the past, is refused."""
    client.force_login(editor)
    for when in ("", "2001-01-01T06:00"):
        response = client.post(reverse(BOARD), {"slot-lead": str(desk["news"][3].pk), "goes_live_at": when,
                                                "action": "schedule"})
        assert response.status_code == 400
        assert "thời điểm trong tương lai" in " ".join(str(m) for m in response.context["messages"])
    assert not Layout.objects.exists()


def test_reporters_cannot_arrange_undo_restore_or_preview(client, desk, editor, reporter):
    """The front page is the editors': every board URL answers 403 to a reporter and a crafted POST saves nothing."""
    layout = publish_layout(editor, {"lead": (desk["news"][4], None)})
    client.force_login(reporter)
    urls = [reverse(BOARD), reverse("admin:frontpage_layout_undo"), reverse("admin:frontpage_layout_changelist"),
            reverse("admin:frontpage_layout_preview", args=[layout.pk]),
            reverse("admin:frontpage_layout_restore", args=[layout.pk]),
            reverse("admin:frontpage_layout_cancel", args=[layout.pk])]
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"slot-lead": str(desk["news"][0].pk), "action": "publish"}).status_code == 403, url
    assert Layout.objects.count() == 1
    with pytest.raises(layouts.PermissionDenied):
        layouts.layout_undo(by=reporter)


def test_undo_brings_back_the_previous_front_page_and_is_itself_undoable(client, desk, editor):
    """Undo restores the layout live before the last change, as a new logged change; undoing again goes forward."""
    a, b = desk["sport"][8], desk["sport"][9]
    publish_layout(editor, {"lead": (a, None)})
    publish_layout(editor, {"lead": (b, None)})
    client.force_login(editor)
    assert client.post(reverse("admin:frontpage_layout_undo")).status_code == 302
    client.logout()
    assert titles_in(blocks_of(client.get("/"))["lead"], everything(desk)) == [a.title]
    restored = Layout.objects.live().first()
    assert restored.kind == Layout.Kind.RESTORE and restored.created_by == editor
    layouts.layout_undo(by=editor)
    assert titles_in(blocks_of(client.get("/"))["lead"], everything(desk)) == [b.title]
    assert Layout.objects.count() == 4


def test_nothing_to_undo_says_so(client, editor):
    """Undo with no earlier front page is refused with a message, not an error page."""
    client.force_login(editor)
    response = client.post(reverse("admin:frontpage_layout_undo"), follow=True)
    assert "Không có trang chủ nào trước đó" in response.content.decode()


def test_preview_shows_a_draft_that_readers_do_not_see(client, desk, editor):
    """'Lưu nháp và xem trước' changes nothing public; the preview shows the draft, never cached or indexed."""
    assert client.get("/")["X-Page-Cache"] == "miss"
    staff = type(client)()
    staff.force_login(editor)
    response = staff.post(reverse(BOARD), {"slot-lead": str(desk["sport"][9].pk), "action": "preview"})
    draft = Layout.objects.get()
    assert response.status_code == 302 and response.url == reverse("admin:frontpage_layout_preview", args=[draft.pk])
    preview = staff.get(response.url)
    assert titles_in(blocks_of(preview)["lead"], everything(desk)) == [desk["sport"][9].title]
    assert "no-store" in preview["Cache-Control"] and preview["X-Robots-Tag"] == "noindex, nofollow"
    assert "Bản xem trước bố cục trang chủ" in preview.content.decode()
    public = client.get("/")
    assert public["X-Page-Cache"] == "hit"
    assert titles_in(blocks_of(public)["lead"], everything(desk)) == ["Thời sự số 01"]


def test_cancelled_switch_never_happens(client, desk, editor):
    """A scheduled switch called off stays in the log and the front page keeps its layout past that time."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        scheduled = publish_layout(editor, {"lead": (desk["sport"][9], None)}, kind=Layout.Kind.SCHEDULE,
                                   goes_live_at=timezone.now() + timedelta(hours=1))
        client.force_login(editor)
        assert "Hủy lần chuyển" in client.get(reverse("admin:frontpage_layout_cancel", args=[scheduled.pk])).content.decode()
        client.post(reverse("admin:frontpage_layout_cancel", args=[scheduled.pk]))
        client.logout()
        traveller.shift(timedelta(hours=2))
        assert titles_in(blocks_of(client.get("/"))["lead"], everything(desk)) == ["Thời sự số 01"]
        scheduled.refresh_from_db()
        assert scheduled.cancelled_by == editor and scheduled.goes_live_at is None
