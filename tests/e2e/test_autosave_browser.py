"""Autosave in headless Chromium: type, wait, close the tab, reopen, restore, save; a flaky line; leaving asks."""
import re

from playwright.sync_api import expect

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from articles.models import Article, Correction, Status
from articles.roles import EDITOR
from autosave.models import Draft
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_workflow_browser import PASSWORD, sign_in, type_body
from tests.factories import ensure_roles, make_article, make_author, make_caption, make_section, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SAVED = re.compile(r"Đã tự lưu \d\d:\d\d")


@pytest.fixture
def reporter(reporter_vui):
    return reporter_vui


@pytest.fixture
def story(reporter):
    return make_article("Mùa măng ở Ba Bể", section=make_section("Kinh tế"), created_by=reporter,
                        sapo="Măng rừng được giá.", body="<p>Bà con vào rừng từ sáng sớm.</p>")


def change_url(live_server, article):
    return live_server.url + reverse("admin:articles_article_change", args=[article.pk])


def shot(page, request, step):
    """A screenshot under test-artifacts/ of whichever tab is open now (the screenshot fixture follows the first)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{step}.png"), full_page=True)


def wait_for_status(page, pattern, timeout=20000):
    page.wait_for_function(
        "pattern => new RegExp(pattern).test(document.getElementById('nr-autosave-status').textContent)",
        arg=pattern.pattern if hasattr(pattern, "pattern") else pattern, timeout=timeout)


def test_type_wait_close_reopen_restore_save(live_server, reporter, story, page, request):
    """Typed text survives a closed tab: the reopened form offers it with a diff, restores it, and Save stores it."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, "vui")
    page.goto(change_url(live_server, story))
    page.fill("input[name=title]", "Mùa măng ở Ba Bể: mỗi ngày ba tấn")
    with page.expect_response(lambda response: "/tu-luu/" in response.url
                              and "15.000" in (response.request.post_data or "")) as autosaved:
        type_body(page, [])
        page.keyboard.press("Control+End")
        page.keyboard.press("Enter")
        page.keyboard.type("Mỗi cân măng tươi bán được 15.000 đồng.")
    assert autosaved.value.ok
    wait_for_status(page, SAVED)
    shot(page, request, "1-autosaved")
    draft = Draft.objects.get(user=reporter, article=story)
    assert draft.fields["title"] == "Mùa măng ở Ba Bể: mỗi ngày ba tấn"
    assert "15.000 đồng" in draft.fields["body"]
    assert Article.objects.get(pk=story.pk).title == "Mùa măng ở Ba Bể"  # the story itself is untouched

    context = page.context
    page.close()  # the tab goes, unsaved
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(change_url(live_server, story))
    offer = page.locator("#nr-autosave-offer")
    assert re.search(r"Khôi phục bản tự lưu lúc \d\d:\d\d\?", offer.inner_text())
    assert "15.000 đồng" in offer.locator("ins").all_inner_texts()[-1] or "15.000 đồng" in offer.inner_text()
    assert page.input_value("input[name=title]") == "Mùa măng ở Ba Bể"
    page.wait_for_function("() => window.CKEDITOR && CKEDITOR.instances.id_body.status === 'ready'")
    shot(page, request, "2-offered")
    offer.get_by_role("button", name="Khôi phục").click()
    assert offer.is_hidden()
    assert page.input_value("input[name=title]") == "Mùa măng ở Ba Bể: mỗi ngày ba tấn"
    page.wait_for_function("() => CKEDITOR.instances.id_body.getData().includes('15.000 đồng')")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    shot(page, request, "3-saved")
    saved = Article.objects.get(pk=story.pk)
    assert saved.title == "Mùa măng ở Ba Bể: mỗi ngày ba tấn" and "15.000 đồng" in saved.body
    assert not Draft.objects.filter(user=reporter).exists()
    assert page.locator("#nr-autosave-offer").count() == 0
    assert errors == []


def test_a_new_story_is_autosaved_and_offered_on_the_add_form(live_server, reporter, page):
    """The add form has its slot too: typed, closed, and offered again on the next "Thêm bài viết"."""
    sign_in(page, live_server, "vui")
    add_url = live_server.url + reverse("admin:articles_article_add")
    page.goto(add_url)
    page.fill("input[name=title]", "Hội chợ nông sản Chợ Mới")
    page.fill("textarea[name=sapo]", "Hơn 80 gian hàng.")
    wait_for_status(page, SAVED)
    context = page.context
    page.close()
    page = context.new_page()
    page.goto(add_url)
    page.locator("#nr-autosave-offer").get_by_role("button", name="Khôi phục").click()
    expect(page.locator("input[name=title]")).to_have_value("Hội chợ nông sản Chợ Mới")  # filled once restored
    assert page.input_value("textarea[name=sapo]") == "Hơn 80 gian hàng."
    page.locator("#nr-autosave-offer").wait_for(state="hidden")
    page.goto(add_url)  # the draft stays until the story is saved or the draft discarded
    page.locator("#nr-autosave-offer").get_by_role("button", name="Bỏ bản tự lưu").click()
    wait_for_status(page, "Đã bỏ bản tự lưu")
    assert not Draft.objects.filter(user=reporter).exists()


def test_a_flaky_connection_retries_until_the_text_is_kept(live_server, reporter, story, page):
    """While the server cannot be reached the page says so and keeps trying; once it can, the text is kept."""
    sign_in(page, live_server, "vui")
    page.goto(change_url(live_server, story))
    page.route("**/tu-luu/**", lambda route: route.abort("internetdisconnected"))
    page.fill("textarea[name=sapo]", "Măng rừng được giá, thương lái vào tận bản.")
    wait_for_status(page, "Chưa lưu được, đang thử lại")
    assert not Draft.objects.exists()
    page.unroute("**/tu-luu/**")
    wait_for_status(page, SAVED)
    assert Draft.objects.get(user=reporter).fields["sapo"] == "Măng rừng được giá, thương lái vào tận bản."


def test_leaving_with_unsaved_changes_asks_first_but_saving_does_not(live_server, reporter, story, page):
    """A sidebar click after typing brings the browser's "leave this page?" question; pressing Save does not."""
    sign_in(page, live_server, "vui")
    page.goto(change_url(live_server, story))
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))  # dismiss: stay on the page
    page.fill("input[name=kicker]", "Kinh tế rừng")
    page.locator("#nav-sidebar a").first.click()
    assert asked == ["beforeunload"]
    assert page.url == change_url(live_server, story)
    assert page.input_value("input[name=kicker]") == "Kinh tế rừng"
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist")
    assert asked == ["beforeunload"]  # saving left the page without asking
    assert Article.objects.get(pk=story.pk).kicker == "Kinh tế rừng"


def test_captions_are_kept_and_restored_but_not_corrections(live_server, page):
    """An editor's caption edit is autosaved by the caption's id and restored into its row; a correction's text,
    another inline with its own ids, is not taken for a caption."""
    ensure_roles()
    editor = make_user("minh", password=PASSWORD, first_name="Lý", last_name="Minh")
    editor.groups.set(Group.objects.filter(name=EDITOR.group))
    article = make_article("Lễ hội Lồng tồng", section=make_section("Văn hóa"), status=Status.PUBLISHED,
                           authors=[make_author("Hà Linh")])
    Article.objects.filter(pk=article.pk).update(first_published_at=article.published_at)
    caption = make_caption(article, text="Người dân xuống đồng.")
    Correction.objects.create(article=article, text="Sửa tên xã.")
    sign_in(page, live_server, "minh")
    page.goto(change_url(live_server, article))
    caption_box = page.locator("#captions-group textarea[name$='-text']").first
    caption_box.fill("Người dân xuống đồng đầu năm.")
    page.locator("#corrections-group textarea[name$='-text']").first.fill("Sửa tên xã và tên thôn.")
    wait_for_status(page, SAVED)
    draft = Draft.objects.get(user=editor, article=article)
    assert draft.captions == {str(caption.pk): "Người dân xuống đồng đầu năm."}

    page.goto(change_url(live_server, article))
    page.locator("#nr-autosave-offer").get_by_role("button", name="Khôi phục").click()
    expect(page.locator("#captions-group textarea[name$='-text']").first).to_have_value("Người dân xuống đồng đầu năm.")
    assert page.locator("#corrections-group textarea[name$='-text']").first.input_value() == "Sửa tên xã."
