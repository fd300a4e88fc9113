"""The body allow-list (articles/richtext.py) and every path that stores a body."""
import ast
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from articles.models import Article, Status
from articles.richtext import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitize_html
from tests import factories
from tests.security.htmlcheck import elements, response_script_problems, script_problems, visible_text
from tests.security.vectors import SAFE_BODIES, XSS_BODY_VECTORS

ROOT = Path(__file__).resolve().parents[2]
HOSTILE_BODY = (
    '<p>Tin <a href="jav&#x09;ascript:alert(1)">đọc</a></p><script>alert(1)</script>'
    '<img src=x onerror=alert(1)><svg onload=alert(1)></svg><p style="color:red" onclick="alert(1)">Kết</p>'
)


def assert_within_allow_list(html):
    for tag, attributes in elements(html):
        assert tag in ALLOWED_TAGS, f"<{tag}> is not on the allow-list"
        for name, value in attributes.items():
            if tag == "a" and name == "rel":
                continue
            allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]
            assert name in allowed, f"{name}= on <{tag}> is not on the allow-list"
            if name == "href":
                assert value.startswith(("http://", "https://", "mailto:", "/", "#", "?")), value


@pytest.mark.parametrize("html", [v for _, v in XSS_BODY_VECTORS], ids=[i for i, _ in XSS_BODY_VECTORS])
def test_hostile_html_cannot_run_script_after_sanitising(html):
    """Every hostile vector comes out with no script, handler, script URL or foreign element left."""
    clean = sanitize_html(html)
    assert script_problems(clean) == []
    assert_within_allow_list(clean)


@pytest.mark.parametrize("html", [v for _, v in XSS_BODY_VECTORS], ids=[i for i, _ in XSS_BODY_VECTORS])
def test_sanitising_twice_changes_nothing(html):
    """The sanitiser is idempotent, so a re-save or a revision restore does not drift the text."""
    once = sanitize_html(html)
    assert sanitize_html(once) == once


@pytest.mark.parametrize("html,expected", [(h, e) for _, h, e in SAFE_BODIES], ids=[i for i, _, _ in SAFE_BODIES])
def test_newsroom_markup_survives(html, expected):
    """Paragraphs, headings, emphasis, lists, quotes, tables and ordinary links are kept as written."""
    assert sanitize_html(html) == expected


def test_unpaired_surrogates_and_nul_do_not_break_saving():
    """A body with a lone surrogate or NUL byte is stored with a replacement character, not an error."""
    assert sanitize_html("<p>a\ud800b\x00c \ud83d\ude00</p>") == "<p>a\ufffdbc \U0001f600</p>"


def test_table_spans_are_bounded():
    """A rowspan of 65534 (browser hang) or a non-number is dropped; an ordinary span is kept."""
    clean = sanitize_html(
        '<table><tr><td rowspan="65534">a</td><td colspan="x">b</td><td colspan="2">c</td></tr></table>')
    assert '<td>a</td><td>b</td><td colspan="2">c</td>' in clean


# --- Every save path ------------------------------------------------------------------------------------

def assert_stored_body_is_safe(article):
    article.refresh_from_db()
    assert article.body == sanitize_html(article.body), "stored body is not sanitised"
    assert script_problems(article.body) == []
    assert "đọc" in visible_text(article.body) and "Kết" in visible_text(article.body)


def test_model_save_sanitises_the_body(section):
    """Article.save() stores the reduced HTML, whatever the caller passed."""
    article = factories.make_article("Bài có mã độc", section=section, body=HOSTILE_BODY)
    assert_stored_body_is_safe(article)
    assert "alert" not in article.search_body


def test_admin_add_form_sanitises_the_body(admin_client, section):
    """A crafted POST through the admin's add form stores a sanitised body."""
    from tests.security.forms import as_post, form_fields

    url = reverse("admin:articles_article_add")
    fields = form_fields(admin_client.get(url).content.decode(), "article_form")
    response = admin_client.post(url, as_post(fields, title="Bài gửi qua admin", section=str(section.pk),
                                              sapo="Sapo.", body=HOSTILE_BODY))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert_stored_body_is_safe(Article.objects.get(title="Bài gửi qua admin"))


def test_admin_change_form_sanitises_the_body(admin_client, section):
    """Editing a story in the admin with a hostile body stores it sanitised."""
    from tests.security.forms import as_post, form_fields

    article = factories.make_article("Bài sẽ bị sửa", section=section)
    url = reverse("admin:articles_article_change", args=[article.pk])
    fields = form_fields(admin_client.get(url).content.decode(), "article_form")
    response = admin_client.post(url, as_post(fields, body=HOSTILE_BODY))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert_stored_body_is_safe(article)


def test_importer_escapes_and_sanitises(section):
    """A scraped plain-text story carrying markup is imported as text: nothing in it becomes a tag."""
    importers = pytest.importorskip("articles.importers")
    story = importers.parse_story(
        "<script>alert(1)</script> Tiêu đề nhập\n\nSapo <img src=x onerror=alert(1)>\n\n"
        "Đoạn đọc <a href=javascript:alert(1)>Kết</a>\n", name="doc-hai.txt",
    )
    article, _ = importers.import_story(story, source_key="import:doc-hai.txt", section=section,
                                        status=Status.DRAFT)
    article.refresh_from_db()
    assert script_problems(article.body) == []
    assert {tag for tag, _ in elements(article.body)} <= {"p"}


def test_workflow_moves_keep_the_body_sanitised(section, author):
    """Publishing through the workflow writes status fields only; the stored body stays sanitised."""
    from articles import workflow

    article = factories.make_article("Bài qua quy trình", section=section, authors=[author], body=HOSTILE_BODY)
    workflow.article_set_status_by_system(article=article, status=Status.PUBLISHED)
    assert_stored_body_is_safe(article)


def test_revision_restore_sanitises_an_old_unsafe_revision(section):
    """Restoring a revision saved before today's allow-list (raw save, no Article.save) still sanitises."""
    import reversion
    from reversion.models import Version

    if not reversion.is_registered(Article):
        reversion.register(Article)
    article = factories.make_article("Bài có phiên bản", section=section)
    article.refresh_from_db()
    with reversion.create_revision():
        reversion.add_to_revision(article)
    version = Version.objects.get_for_object(article).first()
    data = json.loads(version.serialized_data)
    data[0]["fields"]["body"] = HOSTILE_BODY  # as an older, looser sanitiser might have stored it
    Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))
    Version.objects.get(pk=version.pk).revision.revert()
    assert_stored_body_is_safe(article)


def test_loaddata_sanitises_bodies(tmp_path, section):
    """A fixture file loaded with loaddata (a raw save) cannot plant a script in a body."""
    fixture = tmp_path / "bai.json"
    fixture.write_text(json.dumps([{
        "model": "articles.article", "pk": 99001,
        "fields": {"title": "Bài từ fixture", "slug": "bai-tu-fixture", "section": section.pk, "body": HOSTILE_BODY,
                   "status": "draft", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"},
    }]), encoding="utf-8")
    call_command("loaddata", str(fixture), verbosity=0)
    assert_stored_body_is_safe(Article.objects.get(pk=99001))


def _writes_body_around_save(node):
    """A QuerySet.update(body=...), bulk_update([...'body'...]) or bulk_create(...) call."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    name = node.func.attr
    if name == "update":
        return any(k.arg == "body" for k in node.keywords)
    if name == "bulk_update":
        return "'body'" in ast.unparse(node) or '"body"' in ast.unparse(node)
    if name == "bulk_create":
        return "Article" in ast.unparse(node)
    return False


def test_no_code_writes_bodies_around_save():
    """No module of the project writes Article.body with update(), bulk_update() or bulk_create()."""
    offenders = []
    for path in list((ROOT / "articles").rglob("*.py")) + list((ROOT / "newsroom").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [f"{path.relative_to(ROOT)}:{n.lineno}" for n in ast.walk(tree) if _writes_body_around_save(n)]
    assert offenders == []


# --- Rendering: body as sanitised HTML, everything else as text -----------------------------------------

PLAIN_TEXT_ATTACK = '"><script>alert(1)</script><img src=x onerror=alert(1)>'


def test_public_page_shows_plain_text_fields_as_text(client, section):
    """Title, kicker, sapo, caption, credit, author name and bio are escaped on the story page."""
    writer = factories.make_author("Tác giả " + PLAIN_TEXT_ATTACK, bio="Tiểu sử " + PLAIN_TEXT_ATTACK)
    article = factories.make_article(
        "Tít " + PLAIN_TEXT_ATTACK, section=section, authors=[writer], status=Status.PUBLISHED,
        kicker="Tít phụ " + PLAIN_TEXT_ATTACK, sapo="Sapo " + PLAIN_TEXT_ATTACK, body=HOSTILE_BODY,
    )
    photo = factories.make_photo(alt_text="Alt " + PLAIN_TEXT_ATTACK, credit="Ảnh: " + PLAIN_TEXT_ATTACK)
    factories.place_photo(article, photo, text="Chú thích " + PLAIN_TEXT_ATTACK, after=1)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response_script_problems(response) == []
    text = visible_text(response.content.decode())
    for label in ["Tít phụ", "Sapo", "Chú thích", "Ảnh:"]:
        assert f"{label} {PLAIN_TEXT_ATTACK}".replace("Ảnh: ", "Ảnh: ") in text, label
    author_page = client.get(writer.get_absolute_url())
    assert author_page.status_code == 200
    assert response_script_problems(author_page) == []


def test_editor_sees_hostile_story_safely_in_the_admin(admin_client, section):
    """The change form of a story with hostile content runs no script in the editor's browser."""
    article = factories.make_article("Tít " + PLAIN_TEXT_ATTACK, section=section, body=HOSTILE_BODY,
                                     sapo="Sapo " + PLAIN_TEXT_ATTACK)
    for url in [reverse("admin:articles_article_change", args=[article.pk]),
                reverse("admin:articles_article_changelist")]:
        response = admin_client.get(url)
        assert response.status_code == 200
        assert response_script_problems(response) == [], url


# --- The editor ---------------------------------------------------------------------------------------

def test_editor_is_one_setting_and_its_upload_view_is_absent():
    """The body widget is named in one setting; ckeditor_uploader is neither installed nor routed."""
    assert settings.NEWSROOM_BODY_WIDGET == "ckeditor.widgets.CKEditorWidget"
    assert "ckeditor_uploader" not in settings.INSTALLED_APPS
    for name in ["ckeditor_upload", "ckeditor_browse"]:
        with pytest.raises(NoReverseMatch):
            reverse(name)


def test_editor_toolbar_is_short_and_not_full_page():
    """CKEditor: no full-page mode, no image/flash/iframe/form buttons, content filter on."""
    config = settings.CKEDITOR_CONFIGS["default"]
    buttons = {button for group in config["toolbar_Custom"] for button in group}
    assert config["fullPage"] is False
    assert config.get("allowedContent") is not True
    assert not buttons & {"Image", "Flash", "Iframe", "Form", "HiddenField", "Templates", "Styles"}
    assert {"Bold", "Italic", "Link", "NumberedList", "BulletedList", "Blockquote", "Format"} <= buttons



def test_admin_body_field_uses_the_configured_editor(admin_client):
    """The article form renders the body with the widget named in NEWSROOM_BODY_WIDGET."""
    html = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    textareas = [a for tag, a in elements(html) if tag == "textarea" and a.get("name") == "body"]
    if not textareas:
        pytest.fail("the article form has no body textarea")
    if settings.NEWSROOM_BODY_WIDGET.startswith("ckeditor."):
        assert textareas[0].get("data-type") == "ckeditortype"


def test_admin_restore_sanitises_an_old_unsafe_revision(section, editor):
    """The admin's restore (revisions.article_restore) of a revision holding a script stores it sanitised."""
    import reversion
    from reversion.models import Version

    from articles import revisions

    article = factories.make_article("Bài khôi phục", section=section)
    article.refresh_from_db()
    with reversion.create_revision():
        reversion.add_to_revision(article)
    version = Version.objects.get_for_object(article).first()
    data = json.loads(version.serialized_data)
    data[0]["fields"]["body"] = HOSTILE_BODY
    Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(data))
    revisions.article_restore(article=article, version=Version.objects.get(pk=version.pk), by=editor)
    assert_stored_body_is_safe(article)


# Where the project may turn a string into markup: the sanitised body, the escaped JSON-LD and the revision
# diff (built from escaped pieces), nothing else. A new entry needs a test like the ones below.
MARK_SAFE_ALLOWED = {"articles/richtext.py", "articles/seo.py", "articles/revisions.py"}


def test_revision_compare_of_hostile_text_runs_no_script(admin_client, section):
    """Comparing revisions whose title and body carry markup shows the markup as text, in the diff too."""
    import reversion
    from reversion.models import Version

    article = factories.make_article("Tít " + PLAIN_TEXT_ATTACK, section=section, body="<p>Đoạn đọc.</p>")
    ids = []
    for body in [HOSTILE_BODY, "<p>Kết " + PLAIN_TEXT_ATTACK.replace("<", "&lt;") + "</p>"]:
        article.body = body
        article.title = article.title + " " + PLAIN_TEXT_ATTACK
        article.save()
        article.refresh_from_db()
        with reversion.create_revision():
            reversion.add_to_revision(article)
        ids.append(Version.objects.get_for_object(article).first().pk)
    url = reverse("admin:articles_article_compare", args=[article.pk]) + f"?cu={ids[0]}&moi={ids[1]}"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert response_script_problems(response) == []
    history = admin_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert response_script_problems(history) == []


def test_nothing_else_is_marked_safe():
    """No template uses |safe or autoescape off, and mark_safe appears only for the sanitised body and JSON-LD."""
    for template in (ROOT / "templates").rglob("*.html"):
        source = template.read_text(encoding="utf-8")
        for forbidden in ["|safe", "autoescape off", "|safeseq"]:
            assert forbidden not in source, f"{template.relative_to(ROOT)} uses {forbidden}"
    for module in (ROOT / "articles").rglob("*.py"):
        relative = str(module.relative_to(ROOT))
        if "mark_safe(" in module.read_text(encoding="utf-8") or "SafeString(" in module.read_text(encoding="utf-8"):
            assert relative in MARK_SAFE_ALLOWED, f"{relative} marks a string safe"


JS_HTML_SINKS = ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 ".html(", "setTimeout(\"", "setTimeout('", "javascript:"]


def test_project_javascript_never_builds_html_from_strings():
    """The site's and the admin's own scripts put text in the page with textContent, never through an HTML sink."""
    scripts = [path for path in (ROOT / "static").rglob("*.js") if "vendor" not in path.parts]
    assert scripts, "no project JavaScript found under static/"
    for script in scripts:
        source = script.read_text(encoding="utf-8")
        for sink in JS_HTML_SINKS:
            assert sink not in source, f"{script.relative_to(ROOT)} uses {sink}"
