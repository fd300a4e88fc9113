"""Hostile inputs, one table: every field and endpoint a user can reach, each input with its expected outcome.

Outcomes:
  SAFE     stored, and every page that shows it (public page, admin form, preview) runs no script
  REFUSED  the form comes back with the Vietnamese message given, and nothing is stored
  STATUS   a normal page with one of the given status codes (never a 500), running no script

Pages are checked with the parser in htmlcheck.py (tags and decoded attributes), never by substring.
"""
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import text
from articles.models import Article, Author, Section, Status, Tag, Transition
from photos.models import Photo
from tests import factories
from tests.security.forms import as_post, form_fields
from tests.security.htmlcheck import response_script_problems, visible_text
from tests.security.vectors import XSS_BODY_VECTORS

SAFE, REFUSED, STATUS = "stored safely", "refused", "status"


@dataclass(frozen=True)
class Case:
    id: str
    target: str
    payload: object
    expect: str
    detail: object = None  # REFUSED: the message; STATUS: the allowed codes; SAFE: the value that must be stored

    def __str__(self):
        return self.id


XSS_TEXT = [
    ("script", "<script>alert(1)</script>"),
    ("attribute-break", '"><img src=x onerror=alert(1)>'),
    ("single-quote-break", "'><svg onload=alert(1)>"),
    ("js-url-text", "javascript:alert(document.cookie)"),
    ("template-syntax", "{{ request.user.password }}{% debug %}"),
]
NFD_TITLE = unicodedata.normalize("NFD", "Đại hội Đảng bộ tỉnh Bắc Kạn")
SQL = ["' OR '1'='1", "'; DROP TABLE articles_article; --", "1) UNION SELECT password FROM auth_user --",
       "%' AND 1=1 --", "\\'; SELECT pg_sleep(5); --"]
REGEX = [".*", "(a+)+$", "[", "\\", "*?+{}", "(?i)^.*$", "%_%"]
SEARCH_OTHER = [("nul", "a\x00b"), ("long", "Bắc Kạn " * 1250), ("fts-syntax", "!(&|:*<->)"),
                ("xss", '"><script>alert(1)</script>'), ("rtl", "tin\u202egnoz"), ("empty", ""), ("spaces", "   ")]

CASES = (
    # Rich text: every vector, through the real admin form.
    [Case(f"body-{name}", "article.body", html, SAFE) if "\x00" not in html
     else Case(f"body-{name}", "article.body", html, REFUSED, "Không được phép có ký tự null")
     for name, html in XSS_BODY_VECTORS]
    # Plain-text story fields: markup stays text.
    + [Case(f"{field}-{name}", f"article.{field}", value, SAFE)
       for field in ["title", "kicker", "sapo"] for name, value in XSS_TEXT]
    + [
        Case("title-rtl-override", "article.title", "Tin nóng\u202egnoz.exe", SAFE, "Tin nónggnoz.exe"),
        Case("title-zero-width", "article.title", "Bắc\u200b Kạn\u200d\ufeff", SAFE, "Bắc Kạn"),
        Case("title-bidi-isolates", "article.title", "\u2066Tin\u2069 \u202aSáng\u202c", SAFE, "Tin Sáng"),
        Case("title-nfd", "article.title", NFD_TITLE, SAFE, unicodedata.normalize("NFC", NFD_TITLE)),
        Case("sapo-nfd", "article.sapo", NFD_TITLE, SAFE, unicodedata.normalize("NFC", NFD_TITLE)),
        Case("title-overlong", "article.title", "Đ" * 301, REFUSED, "tối đa 300 kí tự"),
        Case("kicker-overlong", "article.kicker", "k" * 201, REFUSED, "tối đa 200 kí tự"),
        Case("title-nul", "article.title", "Tin\x00 sáng", REFUSED, "Không được phép có ký tự null"),
        Case("sapo-nul", "article.sapo", "Sapo\x00", REFUSED, "Không được phép có ký tự null"),
        Case("title-empty", "article.title", "", REFUSED, "Trường này là bắt buộc"),
        Case("title-only-invisible", "article.title", "\u200b\u202e", SAFE, ""),
        Case("slug-path-traversal", "article.slug", "../../etc/passwd", REFUSED, "slug"),
        Case("slug-backslash-traversal", "article.slug", "..\\..\\windows", REFUSED, "slug"),
        Case("slug-encoded-traversal", "article.slug", "%2e%2e%2f", REFUSED, "slug"),
        Case("slug-overlong", "article.slug", "a" * 221, REFUSED, "tối đa 220 kí tự"),
        Case("slug-unicode", "article.slug", "đại-hội", REFUSED, "slug"),
        Case("slug-nul", "article.slug", "tin\x00", REFUSED, "null"),
        Case("slug-script", "article.slug", "<script>", REFUSED, "slug"),
        Case("published-at-garbage", "article.published_at_0", "9999-99-99", REFUSED, "ngày"),
        Case("section-not-a-number", "article.section", "1 OR 1=1", REFUSED, "Hãy chọn"),
        Case("section-missing-row", "article.section", "999999999", REFUSED, "Hãy chọn"),
    ]
    # Sections, authors, tags: plain text shown on the public site.
    + [Case(f"section-name-{name}", "section.name", value, SAFE) for name, value in XSS_TEXT[:3]]
    + [Case(f"author-name-{name}", "author.name", value, SAFE) for name, value in XSS_TEXT[:3]]
    + [Case(f"author-bio-{name}", "author.bio", value, SAFE) for name, value in XSS_TEXT[:3]]
    + [Case(f"tag-name-{name}", "tag.name", value, SAFE) for name, value in XSS_TEXT[:2]]
    + [
        Case("section-slug-reserved", "section.slug", "quan-tri", REFUSED, "đã được trang web dùng"),
        Case("section-slug-reserved-search", "section.slug", "tim-kiem", REFUSED, "đã được trang web dùng"),
        Case("section-slug-traversal", "section.slug", "../admin", REFUSED, "slug"),
        Case("caption-text-xss", "caption.text", '<img src=x onerror=alert(1)>"><script>alert(1)</script>', SAFE),
        Case("correction-text-xss", "correction.text", "<script>alert(1)</script><a href=javascript:x>x</a>", SAFE),
        Case("photo-credit-xss", "photo.credit", '"><svg onload=alert(1)>', SAFE),
        Case("photo-alt-xss", "photo.alt_text", "\" onerror=\"alert(1)", SAFE),
    ]
    # Search: SQL and regex syntax, NUL, huge, full-text operators.
    + [Case(f"search-sql-{n}", "search.q", q, STATUS, {200}) for n, q in enumerate(SQL)]
    + [Case(f"search-regex-{n}", "search.q", q, STATUS, {200}) for n, q in enumerate(REGEX)]
    + [Case(f"search-{name}", "search.q", q, STATUS, {200}) for name, q in SEARCH_OTHER]
    + [Case(f"search-page-{name}", "search.trang", v, STATUS, {200})
       for name, v in [("negative", "-1"), ("zero", "0"), ("huge", "99999999999999999999999"), ("text", "hai"),
                       ("float", "1e9"), ("nul", "1\x00")]]
    # Paginated lists: cursors and page numbers that are not what the site wrote.
    + [Case(f"section-cursor-{name}", "section.cursor", v, STATUS, {200, 301, 302, 404})
       for name, v in [("garbage", "xyz"), ("negative", "-1"), ("huge", "9" * 40), ("sql", "1' OR '1'='1"),
                       ("nul", "\x00"), ("date-overflow", "99999999-1"), ("before-garbage", "truoc:abc")]]
    + [Case(f"home-page-{name}", "home.trang", v, STATUS, {200})
       for name, v in [("negative", "-5"), ("huge", "9" * 30)]]
    # URLs: traversal, NUL, overlong and odd slugs.
    + [Case(f"path-{name}", "path", p, STATUS, codes) for name, p, codes in [
        ("traversal", "/../../etc/passwd", {404}),
        ("encoded-traversal", "/%2e%2e/%2e%2e/etc/passwd/", {404}),
        ("encoded-slash-traversal", "/thoi-su/..%2f..%2fsettings.py/", {404}),
        ("nul", "/thoi-su/%00/", {404}),
        ("overlong-slug", "/" + "a" * 5000 + "/", {404}),
        ("overlong-article", "/thoi-su/" + "b" * 5000 + "/", {404}),
        ("unicode-slug", "/thời-sự/", {404}),
        ("script-slug", "/%3Cscript%3Ealert(1)%3C/script%3E/", {404}),
        ("author-traversal", "/tac-gia/..%2f..%2f/", {404}),
        ("tag-sql", "/chu-de/1'%20OR%20'1'='1/", {404}),
        ("feed-unknown-section", "/rss/khong-co/", {404}),
        ("feed-traversal", "/rss/..%2f/", {404}),
        ("sitemap-bad-month", "/sitemap-2026-13.xml", {404}),
        ("sitemap-huge-year", "/sitemap-99999999999999999999-1.xml", {404}),
        ("media-traversal", "/media/../manage.py", {400, 404}),
        ("admin-traversal", "/quan-tri/articles/article/..%2f..%2f/change/", {302, 404}),
        ("invalid-utf8-path", "/%FF%FE/", {404}),
    ]]
    + [Case("query-invalid-utf8", "raw-query", "/tim-kiem/?q=%FF%FE%00", STATUS, {200})]
    # CSRF: missing and wrong tokens on every kind of POST.
    + [Case(f"csrf-{name}", "csrf", name, STATUS, {403}) for name in [
        "login-missing", "login-wrong", "add-article-missing", "add-article-wrong", "transition-missing",
        "logout-missing", "photo-upload-missing", "other-session-token"]]
    # Crafted workflow POSTs.
    + [Case(f"workflow-{name}", "workflow", name, STATUS, codes) for name, codes in [
        ("reporter-publishes-own", {302}),
        ("reporter-publishes-others", {302, 403, 404}),
        ("reporter-sets-status-field", {302}),
        ("unknown-action", {302}),
        ("request-changes-without-comment", {302}),
        ("publish-at-garbage", {302}),
        ("get-instead-of-post", {405}),
        ("anonymous", {302}),
        ("missing-story", {302, 404}),
        ("restore-others-version", {302, 403, 404}),
    ]]
    # Uploads: names and contents.
    + [Case(f"upload-{name}", "upload", name, expect, detail) for name, expect, detail in [
        ("traversal-name", SAFE, None),
        ("double-extension", SAFE, None),
        ("nul-in-name", SAFE, None),
        ("rtl-in-name", SAFE, None),
        ("svg-with-script", REFUSED, "ảnh"),
        ("html-named-jpg", REFUSED, "ảnh"),
        ("html-file", REFUSED, "ảnh"),
        ("empty-file", REFUSED, "trống"),
        ("pixel-bomb", REFUSED, "ảnh"),
    ]]
    + [Case("invalid-utf8-form", "raw-post", b"title=%FF%FE%FD&sapo=s&body=b", SAFE)]
    # Feeds, sitemaps and robots.txt with parameters nobody should send.
    + [Case(f"public-extra-{name}", "path", url, STATUS, codes) for name, url, codes in [
        ("rss-query", "/rss/?q=%3Cscript%3E&trang=-1", {200}),
        ("atom-section-sql", "/atom/1'%20OR%201=1/", {404}),
        ("sitemap-page-negative", "/sitemap.xml?p=-1", {200, 404}),
        ("sitemap-news-page-text", "/sitemap-news.xml?p=abc", {200, 404}),
        ("robots-query", "/robots.txt?%00=%FF", {200}),
    ]]
    # The staff lists: search boxes, filters, ordering and page numbers as a crafted URL sends them.
    + [Case(f"admin-list-{name}", "admin-list", (url_name, params), STATUS, {200, 302})
       for name, url_name, params in [
        ("article-search-xss", "admin:articles_article_changelist", {"q": "<script>alert(1)</script>"}),
        ("article-search-sql", "admin:articles_article_changelist", {"q": "' OR 1=1 --"}),
        ("article-filter-xss", "admin:articles_article_changelist", {"status__exact": '"><script>alert(1)</script>'}),
        ("article-filter-not-a-number", "admin:articles_article_changelist", {"section__id__exact": "abc"}),
        ("article-order-garbage", "admin:articles_article_changelist", {"o": "99.-5.x"}),
        ("article-page-negative", "admin:articles_article_changelist", {"p": "-1"}),
        ("article-page-huge", "admin:articles_article_changelist", {"p": "9" * 30}),
        ("photo-search-regex", "admin:photos_photo_changelist", {"q": "(a+)+$ [ %_"}),
        ("photo-filter-garbage", "admin:photos_photo_changelist", {"thieu": "<b>", "format": "' OR 1=1"}),
        ("audit-search-xss", "admin:articles_transition_changelist", {"q": "<svg onload=alert(1)>"}),
        ("audit-date-overflow", "admin:articles_transition_changelist", {"at__year": "99999999", "at__month": "13"}),
    ]] + [Case(f"admin-list-{name}", "admin-list", (url_name, params), STATUS, {400}) for name, url_name, params in [
        ("article-search-nul", "admin:articles_article_changelist", {"q": "a\x00b"}),
        ("photo-search-nul", "admin:photos_photo_changelist", {"q": "anh\x00"}),
    ]] + [Case("admin-list-to-field-injection", "admin-list",
                ("admin:articles_article_changelist", {"_popup": "1", "_to_field": "password"}), STATUS, {400})]
    # The open-story heartbeat (a JSON endpoint the form calls).
    + [Case(f"presence-{name}", "presence", name, STATUS, codes) for name, codes in [
        ("get", {405}), ("other-reporter", {403, 404}), ("missing-story", {404}), ("no-csrf", {403}),
    ]]
    + [Case("csrf-password-change-missing", "csrf", "password-change-missing", STATUS, {403})]
    # Other staff URLs, reached by someone who should not get what they ask for.
    + [Case(f"staff-{name}", "staff", name, STATUS, codes) for name, codes in [
        ("reporter-deletes-others-story", {403, 404}),
        ("reporter-fetches-original", {403}),
        ("forge-audit-entry", {403}),
        ("delete-audit-entry", {403}),
        ("autocomplete-garbage", {403, 404}),
        ("autocomplete-xss-term", {200}),
        ("view-on-site-garbage", {404}),
        ("view-on-site-draft", {302}),
        ("history-of-missing-story", {302, 404}),
    ]]
)


def test_suite_has_at_least_one_hundred_cases():
    """The table holds at least 100 hostile inputs, each with a unique id."""
    assert len(CASES) >= 100
    assert len({case.id for case in CASES}) == len(CASES)


# --- How each target is reached -----------------------------------------------------------------------

_ADD_FORM_CACHE = {}


def admin_add(client, model_url_name, form_id, **values):
    """POST the admin add form for a model, starting from the form as rendered."""
    url = reverse(model_url_name)
    if url not in _ADD_FORM_CACHE:
        _ADD_FORM_CACHE[url] = form_fields(client.get(url).content.decode(), form_id)
    return client.post(url, as_post(_ADD_FORM_CACHE[url], **values))


def assert_page_is_safe(response, where=""):
    assert response.status_code < 500, where
    assert response_script_problems(response) == [], where


def assert_refused(response, message, model, before):
    assert response.status_code == 200, f"expected the form back, got {response.status_code}"
    assert message.lower() in visible_text(response.content.decode()).lower()
    assert model.objects.count() == before, "a refused form stored something"


def publish(article):
    # Test set-up writes the status directly, as the factories do; the workflow is tested on its own.
    Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED,
                                                 published_at=timezone.now() - timedelta(minutes=1))
    article.refresh_from_db()
    return article


def check_story_everywhere(client, admin_client, article):
    """The story's public page, admin change form and staff preview run no script."""
    publish(article)
    assert_page_is_safe(client.get(article.get_absolute_url()), "public page")
    assert_page_is_safe(admin_client.get(reverse("admin:articles_article_change", args=[article.pk])), "admin form")
    assert_page_is_safe(admin_client.get(reverse("admin:articles_article_preview", args=[article.pk])), "preview")


def shown_as_text(value):
    return " ".join(text.normalize(value).split())


def run_article(case, fx):
    field = case.target.split(".", 1)[1]
    values = {"title": "Bài thử nghiệm", "section": str(fx.section.pk), "sapo": "Sapo thử.", "body": "<p>Nội dung.</p>",
              field: case.payload}
    before = Article.objects.count()
    response = admin_add(fx.admin_client, "admin:articles_article_add", "article_form", **values)
    if case.expect == REFUSED:
        assert_refused(response, case.detail, Article, before)
        return
    assert response.status_code == 302, visible_text(response.content.decode())[:2000]
    article = Article.objects.order_by("-pk").first()
    if case.detail is not None:
        assert getattr(article, field) == case.detail
    check_story_everywhere(fx.client, fx.admin_client, article)
    if field in {"title", "kicker", "sapo"} and shown_as_text(case.payload):
        assert shown_as_text(case.payload) in visible_text(fx.client.get(article.get_absolute_url()).content.decode())


def run_section(case, fx):
    field = case.target.split(".", 1)[1]
    values = {"name": "Chuyên mục thử", "slug": "", "order": "0", field: case.payload}
    before = Section.objects.count()
    response = admin_add(fx.admin_client, "admin:articles_section_add", "section_form", **values)
    if case.expect == REFUSED:
        assert_refused(response, case.detail, Section, before)
        return
    assert response.status_code == 302
    section = Section.objects.order_by("-pk").first()
    page = fx.client.get(section.get_absolute_url())
    assert page.status_code == 200
    assert_page_is_safe(page)
    assert shown_as_text(case.payload) in visible_text(page.content.decode())


def run_author(case, fx):
    field = case.target.split(".", 1)[1]
    values = {"name": "Tác giả thử", "bio": "", field: case.payload}
    response = admin_add(fx.admin_client, "admin:articles_author_add", "author_form", **values)
    assert response.status_code == 302, visible_text(response.content.decode())[:2000]
    author = Author.objects.order_by("-pk").first()
    factories.make_article("Bài của tác giả", section=fx.section, authors=[author], status=Status.PUBLISHED)
    page = fx.client.get(author.get_absolute_url())
    assert page.status_code == 200
    assert_page_is_safe(page)
    assert shown_as_text(case.payload) in visible_text(page.content.decode())


def run_tag(case, fx):
    response = admin_add(fx.admin_client, "admin:articles_tag_add", "tag_form", name=case.payload)
    assert response.status_code == 302
    tag = Tag.objects.order_by("-pk").first()
    article = factories.make_article("Bài có chủ đề", section=fx.section, status=Status.PUBLISHED)
    article.tags.add(tag)
    for url in [tag.get_absolute_url(), article.get_absolute_url()]:
        page = fx.client.get(url)
        assert page.status_code == 200
        assert_page_is_safe(page, url)


def run_story_part(case, fx):
    """Captions, corrections and photo metadata, as the admin inlines and photo library store them."""
    article = factories.make_article("Bài có ảnh và đính chính", section=fx.section, status=Status.PUBLISHED)
    kind, field = case.target.split(".")
    if kind == "caption":
        factories.make_caption(article, text=case.payload, is_lead=True)  # the lead photo's
        factories.place_photo(article, text=case.payload, after=1)  # a photo's in the text
    elif kind == "photo":
        factories.make_caption(article, factories.make_photo(**{field: case.payload}), is_lead=True)
    else:
        article.corrections.create(text=case.payload)
    check_story_everywhere(fx.client, fx.admin_client, article)


def run_search(case, fx):
    factories.make_article("Đại hội Đảng bộ tỉnh Bắc Kạn", section=fx.section, status=Status.PUBLISHED)
    param = case.target.split(".")[1]
    params = {"q": case.payload} if param == "q" else {"q": "Bắc Kạn", "trang": case.payload}
    response = fx.client.get(reverse("articles:search"), params)
    assert response.status_code in case.detail
    assert_page_is_safe(response)


def run_listing(case, fx):
    for n in range(3):
        factories.make_article(f"Tin số {n}", section=fx.section, status=Status.PUBLISHED)
    if case.target == "home.trang":
        response = fx.client.get(reverse("articles:home"), {"trang": case.payload})
    else:
        name, _, value = case.payload.partition(":") if case.payload.startswith("truoc:") else ("sau", "", case.payload)
        response = fx.client.get(fx.section.get_absolute_url(), {name: value})
    assert response.status_code in case.detail
    assert_page_is_safe(response)


def run_path(case, fx):
    factories.make_article("Tin thời sự", section=factories.make_section("Thời sự chính"), status=Status.PUBLISHED)
    client = fx.admin_client if case.id == "path-admin-traversal" else fx.client
    response = client.get(case.payload)
    assert response.status_code in case.detail, response.status_code
    assert_page_is_safe(response)


def run_raw_query(case, fx):
    response = fx.client.get(case.payload)
    assert response.status_code in case.detail
    assert_page_is_safe(response)


def run_raw_post(case, fx):
    """Bytes that are not UTF-8 in a form body are decoded with replacement characters, not a crash."""
    fields = form_fields(fx.admin_client.get(reverse("admin:articles_article_add")).content.decode(), "article_form")
    from urllib.parse import urlencode

    data = as_post(fields, section=str(fx.section.pk))
    data = {k: v for k, v in data.items() if k not in {"title", "sapo", "body"}}
    body = case.payload + b"&" + urlencode(data, doseq=True).encode()
    response = fx.admin_client.post(reverse("admin:articles_article_add"), body,
                                    content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 302)
    assert_page_is_safe(response)
    if response.status_code == 302:
        assert "\ufffd" in Article.objects.order_by("-pk").first().title


def run_admin_list(case, fx):
    factories.make_article("Bài trong danh sách", section=fx.section)
    factories.make_photo()
    url_name, params = case.payload
    response = fx.admin_client.get(reverse(url_name), params)
    assert response.status_code in case.detail, response.status_code
    if response.status_code == 302:
        response = fx.admin_client.get(response["Location"])
        assert response.status_code == 200
    assert_page_is_safe(response)


def run_presence(case, fx):
    reporter, other = fx.request.getfixturevalue("reporter"), fx.request.getfixturevalue("other_reporter")
    story = factories.make_article("Bài đang mở", section=fx.section, authors=[reporter.author], created_by=reporter)
    url = reverse("admin:articles_article_presence", args=[story.pk])
    client = Client(enforce_csrf_checks=case.payload == "no-csrf")
    client.force_login(other if case.payload == "other-reporter" else reporter)
    if case.payload == "get":
        response = client.get(url)
    elif case.payload == "missing-story":
        response = client.post(reverse("admin:articles_article_presence", args=[987654]))
    else:
        response = client.post(url)
    assert response.status_code in case.detail, response.status_code


def run_staff(case, fx):
    """Staff URLs beyond the story form: deletion, originals, the audit trail, autocomplete, view-on-site."""
    from django.contrib.contenttypes.models import ContentType

    reporter, other = fx.request.getfixturevalue("reporter"), fx.request.getfixturevalue("other_reporter")
    others = factories.make_article("Bài của người khác", section=fx.section, authors=[other.author],
                                     created_by=other)
    photo = factories.make_photo()
    entry = Transition.objects.create(article=others, article_title=others.title, action="submit",
                                      from_status=Status.DRAFT, to_status=Status.REVIEW, actor=other)
    reporter_client = Client()
    reporter_client.force_login(reporter)
    name = case.payload
    if name == "reporter-deletes-others-story":
        response = reporter_client.post(reverse("admin:articles_article_delete", args=[others.pk]), {"post": "yes"})
        assert Article.objects.filter(pk=others.pk).exists()
    elif name == "reporter-fetches-original":
        response = reporter_client.get(reverse("admin:photos_photo_original", args=[photo.pk]))
    elif name == "forge-audit-entry":
        response = fx.admin_client.post(reverse("admin:articles_transition_add"), {
            "article_title": "Giả", "action": "publish", "from_status": "draft", "to_status": "published"})
        assert Transition.objects.count() == 1
    elif name == "delete-audit-entry":
        response = fx.admin_client.post(reverse("admin:articles_transition_delete", args=[entry.pk]), {"post": "yes"})
        assert Transition.objects.filter(pk=entry.pk).exists()
    elif name == "autocomplete-garbage":
        response = reporter_client.get(reverse("admin:autocomplete"), {
            "app_label": "auth", "model_name": "user", "field_name": "password", "term": "a"})
    elif name == "autocomplete-xss-term":
        response = fx.admin_client.get(reverse("admin:autocomplete"), {
            "app_label": "articles", "model_name": "byline", "field_name": "author",
            "term": "<script>alert(1)</script>"})
        assert response["Content-Type"].startswith("application/json")
    elif name == "view-on-site-garbage":
        response = fx.admin_client.get("/quan-tri/r/abc/..%2f..%2f/")
    elif name == "view-on-site-draft":
        content_type = ContentType.objects.get_for_model(Article)
        response = fx.admin_client.get(reverse("admin:view_on_site", args=[content_type.pk, others.pk]))
        # It only redirects to the public address, which answers 404 for a draft.
        assert fx.client.get(urlsplit(response["Location"]).path).status_code == 404
    else:
        response = fx.admin_client.get(reverse("admin:articles_article_history", args=[987654]))
    assert response.status_code in case.detail, response.status_code
    if response["Content-Type"].startswith("text/html"):
        assert_page_is_safe(response)


def run_csrf(case, fx):
    strict = Client(enforce_csrf_checks=True)
    user = factories.make_user("bientap-csrf", superuser=True)
    article = factories.make_article("Bài chờ duyệt", section=fx.section, status=Status.REVIEW)
    name = case.payload
    if name.startswith("login"):
        strict.get(reverse("admin:login"))
        data = {"username": user.username, "password": "mat-khau-thu-nghiem-42"}
        if name == "login-wrong":
            data["csrfmiddlewaretoken"] = "x" * 64
        response = strict.post(reverse("admin:login"), data)
        assert "_auth_user_id" not in strict.session
    else:
        strict.force_login(user)
        token = {}
        if name.endswith("wrong"):
            token = {"csrfmiddlewaretoken": "A" * 64}
        if name == "other-session-token":
            other = Client(enforce_csrf_checks=True)
            other.get(reverse("admin:login"))
            token = {"csrfmiddlewaretoken": other.cookies["csrftoken"].value}
        before = Article.objects.count()
        if name.startswith("add-article") or name == "other-session-token":
            response = strict.post(reverse("admin:articles_article_add"),
                                   {"title": "Giả mạo", "section": fx.section.pk, "sapo": "s", **token})
            assert Article.objects.count() == before
        elif name == "transition-missing":
            response = strict.post(reverse("admin:articles_article_transition", args=[article.pk]),
                                   {"_transition": "publish"})
            article.refresh_from_db()
            assert article.status == Status.REVIEW
        elif name == "password-change-missing":
            response = strict.post(reverse("admin:password_change"), {
                "old_password": "mat-khau-thu-nghiem-42",
                "new_password1": "Mk-moi-rat-dai-2026", "new_password2": "Mk-moi-rat-dai-2026"})
            user.refresh_from_db()
            assert user.check_password("mat-khau-thu-nghiem-42")
        elif name == "logout-missing":
            response = strict.post(reverse("admin:logout"))
            assert "_auth_user_id" in strict.session
        else:
            response = strict.post(reverse("admin:photos_photo_add"), {
                "alt_text": "a", "credit": "b", "upload": SimpleUploadedFile("a.jpg", factories.jpeg_bytes(40, 30))})
            assert Photo.objects.count() == 0
    assert response.status_code in case.detail
    assert "Không gửi được biểu mẫu" in visible_text(response.content.decode())
    assert_page_is_safe(response)


def run_workflow(case, fx):
    """Transition POSTs a browser would never send; the story's status only moves when the table allows it."""
    reporter, other = fx.request.getfixturevalue("reporter"), fx.request.getfixturevalue("other_reporter")
    editor = fx.request.getfixturevalue("editor")
    own = factories.make_article("Bài của phóng viên", section=fx.section, status=Status.REVIEW,
                                 authors=[reporter.author], created_by=reporter)
    others = factories.make_article("Bài của người khác", section=fx.section, status=Status.DRAFT,
                                    authors=[other.author], created_by=other)
    client = Client()
    name = case.payload
    target, data, expected_status = own, {"_transition": "publish"}, Status.REVIEW

    def transition_url(article):
        return reverse("admin:articles_article_transition", args=[article.pk])

    if name == "anonymous":
        response = client.post(transition_url(own), data)
    elif name in {"reporter-publishes-own", "reporter-publishes-others"}:
        client.force_login(reporter)
        if name.endswith("others"):
            target, expected_status = others, Status.DRAFT
        response = client.post(transition_url(target), data)
    elif name == "reporter-sets-status-field":
        client.force_login(reporter)
        target, expected_status = factories.make_article(
            "Bản nháp của tôi", section=fx.section, authors=[reporter.author], created_by=reporter), Status.DRAFT
        url = reverse("admin:articles_article_change", args=[target.pk])
        fields = form_fields(client.get(url).content.decode(), "article_form")
        response = client.post(url, as_post(fields, status="published", first_published_at="2020-01-01",
                                            published_at_0="2020-01-01", published_at_1="00:00"))
    elif name == "get-instead-of-post":
        client.force_login(editor)
        response = client.get(transition_url(own), data)
    elif name == "missing-story":
        client.force_login(editor)
        response = client.post(reverse("admin:articles_article_transition", args=[987654]), data)
    elif name == "restore-others-version":
        client.force_login(reporter)
        target, expected_status = others, Status.DRAFT
        response = client.post(reverse("admin:articles_article_restore", args=[others.pk, 1]))
    else:
        client.force_login(editor)
        data = {"unknown-action": {"_transition": "xoa_het"},
                "request-changes-without-comment": {"_transition": "request_changes", "_transition_comment": "  "},
                "publish-at-garbage": {"_transition": "publish", "_publish_at": "9999-99-99T99:99"}}[name]
        response = client.post(transition_url(own), data)
    assert response.status_code in case.detail, response.status_code
    target.refresh_from_db()
    assert target.status == expected_status
    if response.status_code == 302 and name != "anonymous":
        follow = client.get(response["Location"])
        assert follow.status_code < 500
        assert_page_is_safe(follow)


def _png_claiming(width, height):
    """A few hundred bytes of PNG whose header claims width x height pixels (a decompression bomb)."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
            + chunk(b"IEND", b""))


def _upload(name):
    jpeg = factories.jpeg_bytes(64, 48)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
    html = b"<!doctype html><script>alert(1)</script>"
    return {
        "traversal-name": ("../../../../etc/passwd.jpg", jpeg),
        "double-extension": ("anh.php.jpg.html", jpeg),
        "nul-in-name": ("anh\x00.html.jpg", jpeg),
        "rtl-in-name": ("anh\u202egpj.exe", jpeg),
        "svg-with-script": ("anh.svg", svg),
        "html-named-jpg": ("anh.jpg", html),
        "html-file": ("trang.html", html),
        "empty-file": ("rong.jpg", b""),
        "pixel-bomb": ("bom.png", _png_claiming(40000, 40000)),
    }[name]


def run_upload(case, fx):
    filename, content = _upload(case.payload)
    before = Photo.objects.count()
    upload = SimpleUploadedFile(filename, content, content_type="image/jpeg")
    response = fx.admin_client.post(reverse("admin:photos_photo_add"),
                                    {"alt_text": "Ảnh thử", "credit": "Ảnh: Thử", "upload": upload})
    assert_page_is_safe(response)
    if case.expect == REFUSED:
        assert response.status_code == 200
        assert Photo.objects.count() == before
        assert "errorlist" in {a.get("class", "") for _, a in _elements(response)} or case.detail in visible_text(
            response.content.decode())
        return
    assert response.status_code == 302, visible_text(response.content.decode())[:1500]
    photo = Photo.objects.order_by("-pk").first()
    for stored in [photo.image.name, photo.original.name]:
        assert ".." not in stored and "\x00" not in stored and "\u202e" not in stored
        assert stored.rsplit(".", 1)[-1] in {"jpg", "png", "webp", "bin"}
    change = fx.admin_client.get(reverse("admin:photos_photo_change", args=[photo.pk]))
    assert_page_is_safe(change)
    original = fx.admin_client.get(reverse("admin:photos_photo_original", args=[photo.pk]))
    assert original.status_code == 200
    assert original["Content-Disposition"].startswith("attachment")
    assert original["Content-Type"] == "image/jpeg" and original["X-Content-Type-Options"] == "nosniff"


def _elements(response):
    from tests.security.htmlcheck import elements

    return elements(response.content.decode())


RUNNERS = {
    "article": run_article, "section": run_section, "author": run_author, "tag": run_tag,
    "caption": run_story_part, "correction": run_story_part, "photo": run_story_part,
    "search": run_search, "home": run_listing, "path": run_path, "raw-query": run_raw_query,
    "raw-post": run_raw_post, "csrf": run_csrf, "workflow": run_workflow, "upload": run_upload,
    "admin-list": run_admin_list, "presence": run_presence, "staff": run_staff,
}


@dataclass
class Fixtures:
    request: object
    client: Client
    admin_client: Client
    section: Section


def _runner(case):
    if case.target == "section.cursor":
        return run_listing
    return RUNNERS[case.target.split(".")[0]]


def _param(case):
    # The rich-text vectors are also checked, fast, against the sanitiser itself in test_richtext.py; here they
    # go through the real admin form and three pages each, which takes a while.
    marks = [pytest.mark.slow] if case.target == "article.body" else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_hostile_input(case, request, client, admin_client, section):
    """Each hostile input ends as its table row says: stored safely, refused with a message, or a normal 4xx page."""
    _runner(case)(case, Fixtures(request, client, admin_client, section))
