"""A reporter uploads photos in the admin with a real browser: a phone photo is accepted, a disguised file refused."""

import pytest
from django.urls import reverse

from photos.models import Photo
from articles.roles import REPORTER
from tests.photos.test_images import HTML_PAGE, phone_jpeg
from tests.factories import make_author, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-42"


@pytest.fixture
def signed_in(django_db_setup, live_server, page):  # the test database is made before the browser starts
    """A reporter signed in to the admin through its login form."""
    from django.contrib.auth.models import Group

    user = make_user("phongvien_anh", password=PASSWORD)
    user.groups.set(Group.objects.filter(name=REPORTER.group))
    make_author("Nông Vui", user=user)
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("input[name=username]", "phongvien_anh")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('admin:index')}")
    return user


def test_reporter_uploads_a_phone_photo_and_a_disguised_file_is_refused(django_db_setup, live_server, page, signed_in,
                                                                         screenshot):
    """The phone photo lands in the library with its thumbnail; an HTML page named .png gets a Vietnamese error."""
    add_url = live_server.url + reverse("admin:photos_photo_add")
    page.goto(add_url)
    assert page.get_attribute("input[name=upload]", "accept") == "image/jpeg,image/png,image/webp"
    page.set_input_files("input[name=upload]", files=[
        {"name": "Chợ phiên.jpg", "mimeType": "image/jpeg", "buffer": phone_jpeg()}])
    page.fill("input[name=alt_text]", "Người dân đi chợ phiên")
    page.fill("input[name=credit]", "Ảnh: Nông Vui")
    page.click("input[name=_save]")
    page.wait_for_url(live_server.url + reverse("admin:photos_photo_changelist"))
    screenshot("library")
    assert page.locator("#result_list img[src$='.webp']").count() == 1
    assert page.locator("#result_list").inner_text().count("Người dân đi chợ phiên") == 1
    assert Photo.objects.get().uploaded_by == signed_in

    page.goto(add_url)
    page.set_input_files("input[name=upload]", files=[
        {"name": "anh.png", "mimeType": "image/png", "buffer": HTML_PAGE}])
    page.fill("input[name=alt_text]", "Ảnh giả")
    page.fill("input[name=credit]", "Ảnh: không rõ")
    page.click("input[name=_save]")
    error = page.locator(".errorlist").first
    error.wait_for()
    screenshot("refused")
    assert "không phải ảnh JPEG, PNG hoặc WebP" in error.inner_text()
    assert Photo.objects.count() == 1
