"""Photos placed in a story's text, in headless Chromium: an editor inserts one from the library and uploads
another on the spot at the cursor, moves one, removes one, saves, and the public page shows the photo where it
stands with its responsive <picture>, alt text, caption and credit."""
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status
from tests.e2e.test_workflow_browser import PASSWORD, newsroom, sign_in, type_body  # noqa: F401 (fixture)
from tests.factories import jpeg_bytes, make_photo
from tests.pagetext import figures

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def open_picker(page):
    page.locator("#cke_id_body .cke_button__newsroomphoto").click()
    dialog = page.locator("dialog.nr-photo-picker")
    dialog.wait_for(state="visible")
    return dialog


def cursor_after(page, text):
    """Put the caret at the end of the paragraph holding `text`."""
    page.frame_locator("#cke_id_body iframe").locator("p", has_text=text).click()
    page.keyboard.press("End")


def body_figures(page):
    return page.frame_locator("#cke_id_body iframe").locator("figure[data-photo]")


def test_reporter_places_moves_and_removes_photos_in_the_text(live_server, newsroom, page, screenshot):  # noqa: F811
    library_photo = make_photo(alt_text="Cầu treo bản Nậm Cắt", credit="Ảnh: Lý Minh", width=900, height=600)
    problems = []  # script errors, and every request that failed but the refused upload below
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda response: problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and not (response.status == 400 and "/tai-len/" in response.url) else None)
    sign_in(page, live_server, "minh")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    page.fill("input[name=title]", "Cầu treo mới cho bản Nậm Cắt")
    page.fill("textarea[name=sapo]", "Bà con không còn phải lội suối mùa lũ.")
    page.select_option("select[name=section]", str(newsroom["section"].pk))
    type_body(page, ["Đoạn một: cây cầu dài 60 m.", "Đoạn hai: người dân góp công.", "Đoạn ba: lễ khánh thành."])

    # From the library, after the first paragraph.
    cursor_after(page, "Đoạn một")
    dialog = open_picker(page)
    assert dialog.locator("h2").inner_text() == "Chèn ảnh vào bài"  # the plugin's text from the djangojs catalogue
    dialog.locator(f".nr-photo-results [data-photo='{library_photo.pk}']").click()
    dialog.locator("textarea[name=caption]").fill("Cầu treo nhìn từ bờ suối")
    dialog.locator(".nr-photo-insert").click()
    assert body_figures(page).count() == 1

    # Uploaded on the spot, after the third paragraph; a missing credit is refused first, in Vietnamese.
    cursor_after(page, "Đoạn ba")
    dialog = open_picker(page)
    dialog.locator("input[name=upload]").set_input_files(
        files=[{"name": "le-khanh-thanh.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(1200, 800, (150, 90, 60))}])
    dialog.locator("input[name=alt_text]").fill("Lễ cắt băng khánh thành cầu")
    dialog.locator(".nr-photo-upload-button").click()
    dialog.locator(".errorlist li").first.wait_for()
    assert "Tác giả ảnh" in dialog.locator(".errorlist").inner_text()
    dialog.locator("input[name=credit]").fill("Ảnh: Nông Vui")
    dialog.locator(".nr-photo-upload-button").click()
    dialog.locator(".nr-photo-results [aria-selected=true]").wait_for()
    dialog.locator("textarea[name=caption]").fill("Lễ khánh thành")
    dialog.locator(".nr-photo-insert").click()
    assert body_figures(page).count() == 2
    uploaded = body_figures(page).nth(1).get_attribute("data-photo")
    screenshot("two-photos")

    # Move: drag the uploaded photo by its handle up to the top of the text.
    frame = page.frame_locator("#cke_id_body iframe")
    body_figures(page).nth(1).hover()
    handle = frame.locator(".cke_widget_drag_handler_container").nth(1)
    handle.drag_to(frame.locator("p", has_text="Đoạn một"), target_position={"x": 5, "y": 2})
    page.wait_for_function(
        "() => CKEDITOR.instances.id_body.getData().indexOf('data-photo=\"%s\"') < "
        "CKEDITOR.instances.id_body.getData().indexOf('Đoạn một')" % uploaded, timeout=5000)

    # Remove: the library photo goes.
    body_figures(page).filter(has=frame.locator(f"img[alt='{library_photo.alt_text}']")).click()
    page.keyboard.press("Delete")
    assert body_figures(page).count() == 1
    screenshot("moved-and-removed")

    assert problems == []
    page.click("input[name=_continue]")
    page.wait_for_url(re.compile(r".*/change/.*"))
    article = Article.objects.get(title="Cầu treo mới cho bản Nậm Cắt")
    assert re.search(rf'<figure data-photo="{uploaded}"><figcaption>Lễ khánh thành</figcaption></figure>'
                     r"\s*<p>Đoạn một", article.body), article.body
    assert f'data-photo="{library_photo.pk}"' not in article.body

    # The figure reopens as a photo in the editor.
    page.reload()
    page.wait_for_function("() => CKEDITOR.instances.id_body && CKEDITOR.instances.id_body.status === 'ready'")
    frame.locator("figure[data-photo] img[src*='/renditions/']").wait_for()

    Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED, published_at=timezone.now())
    page.context.clear_cookies()
    page.goto(live_server.url + article.get_absolute_url())
    shown = figures(page.content())
    assert shown == [{"alt": "Lễ cắt băng khánh thành cầu", "caption": "Lễ khánh thành Ảnh: Nông Vui"}]
    picture = page.locator(".body figure picture")
    assert "1200w" in picture.locator("source").get_attribute("srcset")
    # A photo in the text loads lazily: it comes once the reader scrolls to it.
    page.locator(".body figure img").scroll_into_view_if_needed()
    page.wait_for_function("() => { const img = document.querySelector('.body figure img');"
                           " return img.complete && img.naturalWidth > 0; }", timeout=10000)
    text = page.locator(".body").inner_text()
    assert text.index("Lễ khánh thành") < text.index("Đoạn một")
    screenshot("public")
