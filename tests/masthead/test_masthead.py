"""The paper's identity and legal masthead: one record editors keep in the admin, shown on every page."""
import datetime

import pytest
from django.urls import reverse

from articles.models import Status
from masthead.models import Masthead
from mostread import ranking
from tests.articles.pages import parse_html
from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db

FILLED = {
    "name": "Báo Bắc Kạn điện tử", "governing_body": "Tỉnh ủy Bắc Kạn", "licence_number": "12/GP-BTTTT",
    "licence_date": "2024-01-03", "licence_issuer": "Bộ Thông tin và Truyền thông",
    "editor_in_chief": "Hoàng Văn Thái", "address": "Số 1 Trường Chinh, phường Đức Xuân, Bắc Kạn",
    "phone": "0209 3870 123", "email": "toasoan@baobackan.vn",
    "facebook_url": "https://www.facebook.com/baobackan", "youtube_url": "", "zalo_url": "", "tiktok_url": "",
}


def footer_text(response):
    page = parse_html(response.content)
    return " ".join(page.find_all("footer")[0].text.split())


def organization(response):
    page = parse_html(response.content)
    for block in page.json_ld:
        for node in block["@graph"]:
            if node["@type"] == "NewsMediaOrganization":
                return node
            if isinstance(node.get("publisher"), dict):
                return node["publisher"]
    raise AssertionError("no publisher in the structured data")


def test_fresh_install_marks_every_missing_legal_detail(client):
    """Before editors fill the masthead, the footer names each legal detail with a visible placeholder."""
    text = footer_text(client.get("/"))
    for label in ("Cơ quan chủ quản", "Giấy phép hoạt động báo chí", "Tổng biên tập", "Địa chỉ", "Điện thoại",
                  "Thư điện tử"):
        assert f"{label}: [chưa khai báo]" in text
    assert "Báo Tin Bắc Kạn" in text  # the name set at installation until the editors give one
    assert organization(client.get("/")) == {"@type": "NewsMediaOrganization", "name": "Báo Tin Bắc Kạn",
                                             "url": "http://127.0.0.1:8000/"}


def test_editor_fills_the_masthead_and_every_page_shows_it_at_once(client, editor, section):
    """Saved in the admin, the masthead replaces the cached footer, title and publisher on every public page."""
    story = make_article("Mùa hồng chín", section=section, status=Status.PUBLISHED)
    for url in ("/", story.get_absolute_url()):
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
    logo = make_photo(alt_text="Logo báo", width=400, height=120)

    staff = type(client)()
    staff.force_login(editor)
    form_url = staff.get(reverse("admin:masthead_masthead_changelist")).url
    assert form_url == reverse("admin:masthead_masthead_change", args=[1])
    response = staff.post(form_url, {**FILLED, "logo": logo.pk})
    assert response.status_code == 302

    for url in ("/", story.get_absolute_url()):
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss"
        text = footer_text(response)
        assert "Cơ quan chủ quản: Tỉnh ủy Bắc Kạn" in text
        assert ("Giấy phép hoạt động báo chí: số 12/GP-BTTTT ngày 03/01/2024 do Bộ Thông tin và Truyền thông cấp"
                in text)
        assert "Tổng biên tập: Hoàng Văn Thái" in text and "[chưa khai báo]" not in text
        assert "Báo Bắc Kạn điện tử" in parse_html(response.content).find_all("title")[0].text
        publisher = organization(response)
        assert publisher["name"] == "Báo Bắc Kạn điện tử"
        assert publisher["parentOrganization"]["name"] == "Tỉnh ủy Bắc Kạn"
        assert publisher["logo"]["url"].startswith("http://127.0.0.1:8000/media/")
        assert publisher["logo"]["width"] == 400
        assert publisher["sameAs"] == ["https://www.facebook.com/baobackan"]
        assert publisher["email"] == "toasoan@baobackan.vn"
    links = parse_html(client.get("/").content).find_all("a")
    assert any(a.attrs.get("href") == "mailto:toasoan@baobackan.vn" for a in links)
    record = Masthead.objects.get()
    assert record.updated_by == editor and record.licence_date == datetime.date(2024, 1, 3)


def test_bad_email_is_refused_in_vietnamese_and_nothing_changes(client, editor):
    """A malformed e-mail or link keeps the form open with a Vietnamese error; the record is unchanged."""
    client.force_login(editor)
    url = reverse("admin:masthead_masthead_change", args=[Masthead.load().pk])
    response = client.post(url, {**FILLED, "email": "khong-phai-email", "facebook_url": "javascript:alert(1)"})
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["adminform"].form.errors.values())
    assert "Nhập một địa chỉ email hợp lệ" in errors or "email hợp lệ" in errors
    assert Masthead.objects.get().governing_body == ""


def test_reporters_cannot_see_or_change_the_masthead(client, reporter):
    """The masthead is the editors': a reporter gets 403 on its form, and a crafted POST changes nothing."""
    client.force_login(reporter)
    url = reverse("admin:masthead_masthead_change", args=[Masthead.load().pk])
    assert client.get(url).status_code == 403
    assert client.post(url, FILLED).status_code == 403
    assert client.get(reverse("admin:masthead_masthead_changelist")).status_code == 403
    assert Masthead.objects.get().name == ""
    assert "masthead" not in client.get(reverse("admin:index")).content.decode()


def test_masthead_is_one_record_that_cannot_be_added_twice_or_deleted(client, editor):
    """There is no 'add' or 'delete' for the masthead; saving another instance edits the one record."""
    client.force_login(editor)
    assert client.get(reverse("admin:masthead_masthead_add")).status_code == 403
    record = Masthead.load()
    assert client.post(reverse("admin:masthead_masthead_delete", args=[record.pk]), {"post": "yes"}).status_code == 403
    Masthead(name="Tên khác").save()
    assert Masthead.objects.count() == 1 and Masthead.objects.get().name == "Tên khác"


def test_masthead_costs_no_query_on_a_page_once_the_site_state_is_read(client, section, django_assert_max_num_queries):
    """The masthead travels with the cached site state: a page reads no extra row for it."""
    Masthead.objects.create(**{**FILLED, "licence_date": datetime.date(2024, 1, 3)})
    make_article(section=section, status=Status.PUBLISHED)
    client.get("/robots.txt")
    ranking.ranking_ids()  # the most-read list, recomputed once per NEWSROOM_MOST_READ_SECONDS
    with django_assert_max_num_queries(4):
        assert "Tỉnh ủy Bắc Kạn" in client.get("/").content.decode()
