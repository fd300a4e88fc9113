"""The whole editorial round trip in headless Chromium: write, submit, send back, fix, publish, read."""
import re

import pytest
from django.urls import reverse

from articles.models import Article, Status, Transition
from articles.roles import EDITOR
from photos.models import Photo
from tests.factories import jpeg_bytes, make_section, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-42"


@pytest.fixture
def newsroom(reporter_vui):
    from django.contrib.auth.models import Group

    reporter = reporter_vui
    editor = make_user("minh", password=PASSWORD, first_name="Lý", last_name="Minh")
    editor.groups.set(Group.objects.filter(name=EDITOR.group))
    section = make_section("Xã hội")
    return {"reporter": reporter, "editor": editor, "section": section}


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + reverse("admin:index"))


def type_body(page, paragraphs):
    """Type into CKEditor 4's editing iframe as a reporter would, one paragraph per Enter."""
    page.wait_for_function(
        "() => window.CKEDITOR && CKEDITOR.instances.id_body && CKEDITOR.instances.id_body.status === 'ready'")
    editable = page.frame_locator("#cke_id_body iframe").locator("body")
    editable.click()
    for index, paragraph in enumerate(paragraphs):
        if index:
            page.keyboard.press("Enter")
        page.keyboard.type(paragraph)


def pick_autocomplete(page, container, term, option_text):
    """Choose in a Django autocomplete (select2) field: open it, type, click the option."""
    container.locator(".select2-selection").click()
    page.fill(".select2-container--open .select2-search__field", term)
    page.locator(".select2-results__option", has_text=option_text).first.click()


def test_story_from_draft_to_public_page(django_db_setup, live_server, newsroom, page, screenshot):
    """Reporter writes with a photo, submits; editor sends it back; reporter fixes; editor publishes; a reader reads."""
    section = newsroom["section"]

    # 1. The reporter uploads a photo to the library, then writes the story with it and submits.
    sign_in(page, live_server, "vui")
    page.goto(live_server.url + reverse("admin:photos_photo_add"))
    page.set_input_files("input[name=upload]", files=[
        {"name": "cau-treo.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(1200, 800, (120, 140, 90))}])
    page.fill("input[name=alt_text]", "Cầu treo bắc qua suối Nậm Cắt")
    page.fill("input[name=credit]", "Ảnh: Nông Vui")
    page.click("input[name=_save]")
    page.wait_for_url(re.compile(r".*/photos/photo/.*"))
    assert Photo.objects.filter(alt_text="Cầu treo bắc qua suối Nậm Cắt").exists()

    page.goto(live_server.url + reverse("admin:articles_article_add"))
    page.fill("input[name=title]", "Cầu treo mới cho bản Nậm Cắt")
    page.fill("textarea[name=sapo]", "Bà con bản Nậm Cắt không còn phải lội suối mùa lũ.")
    type_body(page, ["Sáng 22/7, cây cầu treo dài 60 m được đưa vào sử dụng.", "Cầu do người dân góp công."])
    page.select_option("select[name=section]", str(section.pk))
    assert "Nông Vui" in page.locator("#bylines-group").inner_text()  # the reporter's own byline, prefilled
    page.locator("#captions-group .add-row a").click()
    row = page.locator("#captions-group tr.form-row:not(.empty-form)").last
    pick_autocomplete(page, row.locator(".field-photo"), "Cầu treo", "Cầu treo bắc qua suối")
    row.locator("textarea[name$=-text], input[name$=-text]").fill("Cây cầu treo mới bắc qua suối Nậm Cắt.")
    screenshot("1-reporter-writes")
    page.click("button[name=_transition][value=submit]")
    page.wait_for_selector(".messagelist")
    screenshot("2-reporter-submitted")
    article = Article.objects.get(title="Cầu treo mới cho bản Nậm Cắt")
    assert article.status == Status.REVIEW
    lead = article.captions.get()
    assert lead.photo.alt_text == "Cầu treo bắc qua suối Nậm Cắt" and lead.is_lead  # the form's one photo leads
    assert article.body.count("<p>") == 2 and "cây cầu treo dài 60 m" in article.body, article.body
    assert "cho biên tập viên" in page.locator(".messagelist").inner_text()

    # 2. The editor finds it on the desk and asks for changes, with a comment.
    sign_in(page, live_server, "minh")
    desk = page.locator("#nr-desk")
    assert "Cầu treo mới cho bản Nậm Cắt" in desk.inner_text()
    desk.get_by_role("link", name="Cầu treo mới cho bản Nậm Cắt").click()
    page.click("button[name=_transition][value=request_changes]")  # without a comment: stopped in the page
    assert page.locator(".nr-comment-needed").is_visible()
    page.fill("#nr-transition-comment", "Thêm số hộ dân được hưởng lợi vào sapo.")
    screenshot("3-editor-requests-changes")
    page.click("button[name=_transition][value=request_changes]")
    page.wait_for_selector(".messagelist")
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT

    # 3. The reporter reads the comment on the desk, fixes the sapo and sends it again.
    sign_in(page, live_server, "vui")
    assert "Thêm số hộ dân được hưởng lợi vào sapo." in page.locator("#nr-desk").inner_text()
    page.locator("#nr-desk").get_by_role("link", name="Cầu treo mới cho bản Nậm Cắt").click()
    page.fill("textarea[name=sapo]", "Hơn 120 hộ dân bản Nậm Cắt không còn phải lội suối mùa lũ.")
    page.click("button[name=_transition][value=submit]")
    page.wait_for_selector(".messagelist")
    screenshot("4-reporter-resubmits")
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW

    # 4. The editor approves and publishes.
    sign_in(page, live_server, "minh")
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    assert "Thêm số hộ dân" in page.locator(".nr-transitions").inner_text()
    page.click("button[name=_transition][value=publish]")
    page.wait_for_selector(".messagelist")
    screenshot("5-editor-publishes")
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.is_public
    assert list(Transition.objects.filter(article=article).order_by("at", "id").values_list("action", flat=True)) == [
        "submit", "request_changes", "submit", "publish"]

    # 5. A visitor reads it on the public site, photo and caption included.
    page.context.clear_cookies()
    page.goto(live_server.url + article.get_absolute_url())
    assert page.locator("h1").inner_text() == "Cầu treo mới cho bản Nậm Cắt"
    body = page.locator("body").inner_text()
    assert "Hơn 120 hộ dân" in body and "Cây cầu treo mới bắc qua suối Nậm Cắt." in body and "Nông Vui" in body
    image = page.locator("img[alt='Cầu treo bắc qua suối Nậm Cắt']").first
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot("6-reader")
