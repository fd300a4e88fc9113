"""A 3.9 MB results table pasted into the story form in Chromium is saved whole (the form is multipart)."""
import pytest
from django.urls import reverse

from articles.models import Article
from tests.articles.test_long_bodies import TABLE_BYTES, results_rows
from tests.factories import ensure_roles, make_section, make_user

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PASSWORD = "mat-khau-thu-nghiem-42"


def test_results_table_pasted_in_chromium_is_saved_whole(django_db_setup, live_server, page):
    """The browser sends the body unencoded; URL-encoded it would be some 7 MB and refused by the upload limit."""
    ensure_roles()
    make_user("quantri", password=PASSWORD, superuser=True)
    section = make_section("Giáo dục")
    body = "".join(f"<p>{row}</p>" for row in results_rows(TABLE_BYTES))

    page.goto(live_server.url + reverse("admin:login"))
    page.fill("input[name=username]", "quantri")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    page.fill("input[name=title]", "Điểm thi tuyển sinh lớp 10")
    page.fill("textarea[name=sapo]", "Điểm của từng thí sinh.")
    page.select_option("select[name=section]", str(section.pk))
    page.wait_for_function(
        "() => window.CKEDITOR && CKEDITOR.instances.id_body && CKEDITOR.instances.id_body.status === 'ready'")
    # As a paste would: the editor's content replaced at once, then saved as the reporter saves.
    page.evaluate("(html) => CKEDITOR.instances.id_body.setData(html)", body)
    page.wait_for_function("(size) => CKEDITOR.instances.id_body.getData().length > size", arg=TABLE_BYTES // 2,
                           timeout=120_000)
    with page.expect_navigation(timeout=120_000):
        page.click("input[name=_save]")

    article = Article.objects.get(title="Điểm thi tuyển sinh lớp 10")
    assert article.body.count("<p>") == body.count("<p>")
    assert "qa qb qc" in article.search_body
