"""Security headers: the CSP on public and admin pages, media headers, the admin path, production's headers."""
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import clear_url_caches, path, reverse
from django.views.static import serve

from articles import revisions
from articles.models import Status
from photos.storage import generated_name
from tests import factories
from tests.articles.adminforms import admin_form_data
from tests.security.htmlcheck import csp_nonce, response_script_problems

ROOT = Path(__file__).resolve().parents[2]


def directives(response):
    policy = response.headers.get("Content-Security-Policy", "")
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = set(words[1:])
    return parsed


@pytest.fixture
def public_urls(published_article, author):
    return [
        reverse("articles:home"),
        published_article.get_absolute_url(),
        published_article.section.get_absolute_url(),
        author.get_absolute_url(),
        "/khong-co-trang-nay/",
    ]


def test_public_pages_forbid_inline_script(client, public_urls):
    """Every public page carries a CSP whose scripts come from the site itself or carry the page's nonce."""
    for url in public_urls:
        response = client.get(url)
        policy = directives(response)
        assert policy, f"no CSP on {url}"
        assert policy["script-src"] & {"'unsafe-inline'", "'unsafe-eval'"} == set(), url
        assert "'unsafe-inline'" not in policy["style-src"], url
        assert policy["object-src"] == {"'none'"} and policy["frame-ancestors"] == {"'none'"}, url
        assert policy["base-uri"] == {"'self'"} and policy["form-action"] == {"'self'"}, url
        assert "'self'" in policy["script-src"], url


def test_public_pages_scripts_all_carry_the_nonce(client, public_urls):
    """No public page has an inline script, and its JSON-LD (if any) carries this response's nonce."""
    for url in public_urls:
        response = client.get(url)
        assert response_script_problems(response) == [], url


def nonce_view(request):
    """A page with the one kind of inline script the public policy allows: one carrying this response's nonce."""
    from django.http import HttpResponse

    return HttpResponse(f'<!doctype html><script nonce="{request.csp_nonce}">document.title = "ok"</script>')


def test_nonce_changes_with_every_response(client, settings):
    """A page that asks for a nonce gets it in its policy, fresh for every response: a nonce seen once is worthless."""
    settings.ROOT_URLCONF = __name__
    first, second = client.get("/nonce/"), client.get("/nonce/")
    assert csp_nonce(first) and csp_nonce(first) != csp_nonce(second)
    assert response_script_problems(first) == [] and response_script_problems(second) == []
    clear_url_caches()


@pytest.mark.parametrize("name", ["admin:login", "admin:index", "admin:articles_article_changelist",
                                  "admin:photos_photo_add", "admin:articles_transition_changelist"])
def test_admin_has_its_own_policy(admin_client, name):
    """Admin pages allow inline styles (CKEditor 4 needs them) but still no inline or eval'd script."""
    response = admin_client.get(reverse(name))
    assert response.status_code in (200, 302)
    policy = directives(response)
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] & {"'unsafe-inline'", "'unsafe-eval'"} == set()
    assert policy["object-src"] == {"'none'"}
    assert "blob:" in policy["img-src"]
    assert response["X-Frame-Options"] == "DENY"


def test_only_editor_pages_allow_inline_script(admin_client, section):
    """The story form (CKEditor 4 inside) gets script 'unsafe-inline' and no nonce; nothing else in the admin does."""
    article = factories.make_article("Bài để mở trong admin", section=section)
    for url in [reverse("admin:articles_article_add"), reverse("admin:articles_article_change", args=[article.pk])]:
        policy = directives(admin_client.get(url))
        assert "'unsafe-inline'" in policy["script-src"], url
        assert not any(source.startswith("'nonce-") for source in policy["script-src"]), url
        assert policy["object-src"] == {"'none'"} and "'unsafe-eval'" not in policy["script-src"], url
    strict_pages = [reverse("admin:articles_article_changelist"),
                    reverse("admin:articles_article_history", args=[article.pk])]
    for url in strict_pages:
        assert "'unsafe-inline'" not in directives(admin_client.get(url))["script-src"], url


EDITOR_MARKUP = 'data-type="ckeditortype"'


def test_story_text_cannot_choose_the_editor_policy(client, editor, reporter, section):
    """A story whose text holds the editor widget's markup keeps the strict policy everywhere but the story form."""
    article = factories.make_article(
        "Bài có chuỗi lạ", section=section, authors=[reporter.author],
        status=Status.PUBLISHED, body=f"<p>Thuộc tính {EDITOR_MARKUP} xuất hiện trong bài.</p>")
    client.force_login(editor)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    for sapo in ["Sapo một.", "Sapo hai."]:  # two saves: two revisions to compare and restore
        assert client.post(change_url, {**admin_form_data(client.get(change_url)), "sapo": sapo}).status_code == 302
    new, old = list(revisions.article_versions(article)[:2])
    strict_pages = {
        "public story": (client, article.get_absolute_url()),
        "preview": (client, reverse("admin:articles_article_preview", args=[article.pk])),
        "history": (client, reverse("admin:articles_article_history", args=[article.pk])),
        "compare": (client, reverse("admin:articles_article_compare", args=[article.pk])
                    + f"?cu={old.pk}&moi={new.pk}"),
        "restore": (client, reverse("admin:articles_article_restore", args=[article.pk, old.pk])),
        "delete": (client, reverse("admin:articles_article_delete", args=[article.pk])),
        "list": (client, reverse("admin:articles_article_changelist")),
    }
    reporter_client = type(client)()
    reporter_client.force_login(reporter)
    strict_pages["read-only form"] = (reporter_client, change_url)
    carrying_the_markup = []
    for name, (who, url) in strict_pages.items():
        response = who.get(url)
        assert response.status_code == 200, name
        if EDITOR_MARKUP in response.content.decode():
            carrying_the_markup.append(name)
        script_src = directives(response)["script-src"]
        assert "'unsafe-inline'" not in script_src, name
    # The test means something: the story's text reaches these pages as it is.
    assert {"public story", "preview", "read-only form"} <= set(carrying_the_markup)
    assert "'unsafe-inline'" in directives(client.get(change_url))["script-src"]


def test_admin_change_form_has_no_inline_script(admin_client, section):
    """The editor's form loads every script from a file, so the admin policy needs no 'unsafe-inline' for script."""
    article = factories.make_article("Bài để mở trong admin", section=section)
    response = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    assert response_script_problems(response) == []


def test_public_policy_never_allows_inline_style(client, published_article):
    """The admin's looser style rule does not leak onto a story page."""
    response = client.get(published_article.get_absolute_url())
    assert "'unsafe-inline'" not in directives(response)["style-src"]
    assert response.headers["Permissions-Policy"].startswith("camera=()")


# --- The admin path ------------------------------------------------------------------------------------

@pytest.fixture
def admin_at(settings):
    """Serve the admin under another path, as DJANGO_ADMIN_PATH would, for the length of one test."""
    import newsroom.urls

    def move(admin_path):
        settings.ADMIN_PATH = admin_path
        importlib.reload(newsroom.urls)
        clear_url_caches()

    yield move
    settings.ADMIN_PATH = "quan-tri/"
    importlib.reload(newsroom.urls)
    clear_url_caches()


def test_admin_path_comes_from_settings(client, admin_at, db):
    """With ADMIN_PATH=toa-soan-bi-mat/ the admin answers there, the default path is gone, and the admin CSP follows."""
    admin_at("toa-soan-bi-mat/")
    assert reverse("admin:login").startswith("/toa-soan-bi-mat/")
    response = client.get("/toa-soan-bi-mat/login/")
    assert response.status_code == 200
    assert "'unsafe-inline'" in directives(response)["style-src"]
    assert client.get("/quan-tri/login/").status_code == 404


def test_admin_path_environment_variable():
    """DJANGO_ADMIN_PATH sets the admin's URL prefix, with or without slashes."""
    code = "from django.conf import settings; print(settings.ADMIN_PATH)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings.test", "DJANGO_ADMIN_PATH": "/ban-bien-tap"}
    out = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ban-bien-tap/"


# --- Media --------------------------------------------------------------------------------------------

urlpatterns = [path("media/<path:path>", serve, {"document_root": None}), path("nonce/", nonce_view)]
# As in newsroom/urls.py: the 400 page renders without the database (Django's own would run the context
# processors, and the paper's name there comes from the masthead in the database).
handler400 = "newsroom.errors.bad_request"


@pytest.fixture
def media_server(settings):
    """The dev server's media route (urls.py adds it when DEBUG is on)."""
    urlpatterns[0].default_args["document_root"] = settings.MEDIA_ROOT
    settings.ROOT_URLCONF = __name__
    yield
    clear_url_caches()


@pytest.mark.parametrize("upload_name", ["bai.html", "../../../etc/passwd", "anh.svg", "x.jpg.html", "..\\..\\a.php"])
def test_uploaded_names_never_become_html(upload_name):
    """An upload's stored name is random, in its own folder, with one of a few image extensions or .bin."""
    name = generated_name("photos", upload_name)
    assert name.startswith("photos/") and ".." not in name and "\\" not in name
    assert name.rsplit(".", 1)[1] in {"jpg", "png", "webp", "bin"}


def test_media_responses_are_never_sniffed_or_scripted(client, media_server):
    """A media file, even one whose bytes are HTML, is served with nosniff and a sandboxed, script-less CSP."""
    stored = default_storage.save(generated_name("photos", "trang.html"), ContentFile(b"<script>alert(1)</script>"))
    response = client.get(f"/media/{stored}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = directives(response)
    assert "sandbox" in policy and policy["default-src"] == {"'none'"}


def test_media_path_traversal_is_refused(client, media_server):
    """../ in a media URL does not reach files outside MEDIA_ROOT (a 400 or 404, never the file)."""
    for url in ["/media/../settings.py", "/media/..%2f..%2fmanage.py", "/media/%2e%2e/%2e%2e/manage.py"]:
        assert client.get(url).status_code in (400, 404), url


# --- Production settings, as a production process sees them ------------------------------------------

PROBE = r"""
import json, django
django.setup()
from django.test import Client
from django.test.utils import override_settings
from django.conf import settings
# No collectstatic here: plain static storage, so that the admin's {% static %} tags resolve.
override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
c = Client()
plain = c.get("/" + settings.ADMIN_PATH + "login/", HTTP_HOST="example.com")
secure = c.get("/" + settings.ADMIN_PATH + "login/", HTTP_HOST="example.com", secure=True)
proxied = c.get("/" + settings.ADMIN_PATH + "login/", HTTP_HOST="example.com", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "proxied": proxied.status_code,
    "headers": dict(secure.headers),
    "cookie": {k: dict(v) for k, v in secure.cookies.items()},
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "debug": settings.DEBUG,
}))
"""


def run_production(tmp_path, **env):
    environment = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings.production",
        "DJANGO_SECRET_KEY": "k" * 20 + "-production-probe-not-a-real-secret-0123456789",
        "DJANGO_ALLOWED_HOSTS": "example.com", "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        "CACHE_URL": "locmem://", **env,
    }
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_headers(tmp_path):
    """Production sends HSTS (preload only on request), DENY, nosniff, Referrer-Policy, COOP, a CSP; Secure cookies."""
    probe = run_production(tmp_path)
    headers = probe["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "upgrade-insecure-requests" in headers["Content-Security-Policy"]
    assert probe["cookie"]["csrftoken"]["secure"] is True
    assert probe["session_cookie_secure"] and probe["session_cookie_httponly"] and probe["csrf_cookie_secure"]
    assert probe["debug"] is False


def test_hsts_preload_is_opt_in(tmp_path):
    """DJANGO_SECURE_HSTS_PRELOAD=1 adds preload, for a paper that has decided to join the browsers' list."""
    probe = run_production(tmp_path, DJANGO_SECURE_HSTS_PRELOAD="1")
    assert probe["headers"]["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_production_redirects_plain_http(tmp_path):
    """A plain-HTTP request is sent to HTTPS with a permanent redirect."""
    probe = run_production(tmp_path)
    assert probe["plain"] == [301, "https://example.com/quan-tri/login/"]


def test_production_behind_a_tls_proxy(tmp_path):
    """Behind a TLS-terminating proxy, X-Forwarded-Proto: https is trusted once the setting says so."""
    assert run_production(tmp_path)["proxied"] == 301
    assert run_production(tmp_path, DJANGO_SECURE_PROXY_SSL_HEADER="1")["proxied"] == 200


def test_production_redirect_can_be_left_to_the_proxy(tmp_path):
    """DJANGO_SECURE_SSL_REDIRECT=0 leaves the HTTP->HTTPS redirect to the web server in front."""
    assert run_production(tmp_path, DJANGO_SECURE_SSL_REDIRECT="0")["plain"][0] == 200


@override_settings(DEBUG=False)
def test_story_page_json_ld_cannot_break_out(client, section):
    """A title that closes the JSON-LD block cannot start a script: the JSON is escaped, nothing runs inline."""
    article = factories.make_article("Bài có dữ liệu cấu trúc </script><script>alert(1)</script>",
                                     section=section, status=Status.PUBLISHED)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response_script_problems(response) == []


@pytest.mark.parametrize("storage_env,host", [
    ({"AWS_S3_CUSTOM_DOMAIN": "anh.baobackan.vn"}, "https://anh.baobackan.vn"),
    ({"AWS_S3_ENDPOINT_URL": "https://s3.toasoan.vn"}, "https://s3.toasoan.vn"),
    ({}, "https://anh-bao.s3.amazonaws.com"),
])
def test_photos_on_object_storage_are_allowed_by_every_policy(storage_env, host):
    """With DJANGO_STORAGE=s3 the bucket's (or CDN's) host is an image source of all three policies."""
    code = ("from django.conf import settings as s; import json; print(json.dumps([p['DIRECTIVES']['img-src'] for p in "
            "(s.CONTENT_SECURITY_POLICY, s.NEWSROOM_ADMIN_CONTENT_SECURITY_POLICY, "
            "s.NEWSROOM_EDITOR_CONTENT_SECURITY_POLICY)]))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings.dev", "DJANGO_STORAGE": "s3",
           "AWS_STORAGE_BUCKET_NAME": "anh-bao", **storage_env}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    for sources in json.loads(out.stdout):
        assert host in sources and "'self'" in sources


def test_no_page_can_be_framed(client, admin_client, published_article):
    """Public and admin pages refuse to be framed (CSP frame-ancestors 'none' and X-Frame-Options DENY)."""
    for response in [client.get(published_article.get_absolute_url()),
                     admin_client.get(reverse("admin:articles_article_add")),
                     admin_client.get(reverse("admin:index"))]:
        assert directives(response)["frame-ancestors"] == {"'none'"}
        assert response["X-Frame-Options"] == "DENY"
