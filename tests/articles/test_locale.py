"""The project's fixes to Django's own Vietnamese (locale_django/vi) fill its gaps; every catalogue compiles."""
import gettext
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from tests.factories import make_section
from tests.i18n import catalogues

BASE_DIR = Path(settings.BASE_DIR)
VI_DIR = BASE_DIR / "locale_django" / "vi" / "LC_MESSAGES"
DJANGO_DIR = Path(django.__file__).parent
PO_FILES = catalogues.project_po_files()

# Django's catalogs that a reporter meets in the admin and in form errors, with their domain.
DJANGO_CATALOGS = [
    ("conf", "django"),
    ("contrib/admin", "django"),
    ("contrib/auth", "django"),
    ("contrib/contenttypes", "django"),
    ("contrib/sessions", "django"),
    ("contrib/humanize", "django"),
    ("contrib/admin", "djangojs"),
]

needs_msgfmt = pytest.mark.skipif(
    shutil.which("msgfmt") is None or shutil.which("msgen") is None,
    reason="GNU gettext (msgfmt, msgen) is not installed; `apt-get install gettext` (CI installs it)",
)


def _project_catalog(domain="django"):
    """The committed compiled catalog, read with the standard library."""
    with open(VI_DIR / f"{domain}.mo", "rb") as mo:
        return gettext.GNUTranslations(mo)


def _english_source_strings(domain="django"):
    """The msgids our catalog translates into something else, as they would show untranslated."""
    strings = set()
    for key, value in _project_catalog(domain)._catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid or "\x04" in msgid or value == msgid:
            continue
        if "%" in msgid or "{" in msgid:
            continue  # a placeholder never shows as written
        strings.add(msgid)
    return strings


class _VisibleStrings(HTMLParser):
    """Collects what a reader sees or hears: text nodes and the labelling attributes."""

    ATTRS = {"title", "aria-label", "placeholder", "alt", "value"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.strings = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.strings += [value.strip() for name, value in attrs if name in self.ATTRS and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.strings.append(" ".join(data.split()))


def _english_leaks(html):
    """Our catalog's English msgids that still appear on the page."""
    parser = _VisibleStrings()
    parser.feed(html)
    seen = parser.strings
    leaks = set()
    for msgid in _english_source_strings():
        flat = " ".join(msgid.split())
        if any(text == flat or (" " in flat and flat in text) for text in seen):
            leaks.add(msgid)
    return leaks


def test_catalog_declares_vietnamese_plural_forms():
    """Each compiled catalog says Vietnamese has one plural form, so counted messages never fall back to English."""
    for domain in ("django", "djangojs"):
        info = _project_catalog(domain).info()
        assert info["language"] == "vi"
        assert info["plural-forms"] == "nplurals=1; plural=0;"


@pytest.mark.parametrize(
    "english, vietnamese",
    [
        ("Skip to main content", "Chuyển đến nội dung chính"),
        ("Toggle theme (current theme: auto)", "Đổi giao diện (hiện tại: tự động)"),
        ("Show counts", "Hiện số lượng"),
        ("Hide counts", "Ẩn số lượng"),
        ("Error:", "Lỗi:"),
        ("Enter a valid UUID.", "Nhập một UUID hợp lệ."),
        ("Enter a valid JSON.", "Nhập JSON hợp lệ."),
        ("Null characters are not allowed.", "Không được phép có ký tự null."),
        ("Password-based authentication", "Xác thực bằng mật khẩu"),
        ("Sessions", "Phiên làm việc"),
        # Corrections: Django's vi calls a log entry "đăng nhập" (log in) and History a memo.
        ("log entry", "mục nhật ký"),
        ("History", "Lịch sử"),
    ],
)
def test_previously_english_strings_are_vietnamese(english, vietnamese):
    """Strings that Django 5.2 leaves in English (or mistranslates) read in Vietnamese."""
    with translation.override("vi"):
        assert translation.gettext(english) == vietnamese


def test_counted_and_contextual_strings_are_vietnamese():
    """Plural and context-bound strings (form errors, humanize) use the Vietnamese catalog for every count."""
    with translation.override("vi"):
        for n in (1, 2, 5):
            assert (
                translation.ngettext("Please correct the error below.", "Please correct the errors below.", n)
                == "Vui lòng sửa các lỗi bên dưới."
            )
            assert translation.npgettext("naturaltime-past", "%(num)d day", "%(num)d days", n) == "%(num)d ngày"
        assert translation.pgettext("ordinal 1", "{}st").format(1) == "thứ 1"


def test_form_validation_message_is_vietnamese():
    """A form field's validation error reaches a reporter in Vietnamese."""
    from django import forms

    class Form(forms.Form):
        ma = forms.UUIDField()
        du_lieu = forms.JSONField()

    with translation.override("vi"):
        form = Form(data={"ma": "khong-phai-uuid", "du_lieu": "{hỏng"})
        assert not form.is_valid()
        assert form.errors["ma"] == ["Nhập một UUID hợp lệ."]
        assert form.errors["du_lieu"] == ["Nhập JSON hợp lệ."]


def test_admin_login_page_is_vietnamese(client):
    """The admin login page shows the Vietnamese skip link and none of the English strings our catalog covers."""
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="vi"' in html
    assert "Chuyển đến nội dung chính" in html
    assert "Đăng nhập" in html
    assert _english_leaks(html) == set()


@pytest.mark.django_db
def test_admin_index_is_vietnamese_for_superuser(admin_client, admin_user):
    """A superuser's admin index, with recent actions, is in Vietnamese and leaks none of the covered English."""
    section = make_section("Kinh tế")
    content_type = ContentType.objects.get_for_model(section)
    for flag in (ADDITION, CHANGE, DELETION):
        LogEntry.objects.create(
            user=admin_user,
            content_type=content_type,
            object_id=str(section.pk),
            object_repr=str(section),
            action_flag=flag,
            change_message="[]",
        )
    assert reverse("admin:index") == f"/{settings.ADMIN_PATH}"

    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    for vietnamese in (
        "Chuyển đến nội dung chính",
        "Đổi giao diện (hiện tại: tự động)",
        "Tên mô hình",
        "Đã thêm:",
        "Đã thay đổi:",
        "Đã xóa:",
    ):
        assert vietnamese in html, vietnamese
    assert _english_leaks(html) == set()


@pytest.mark.django_db
def test_admin_user_list_and_add_form_are_vietnamese(admin_client):
    """The filtered user list and the add-user form show the strings Django 5.2 left in English."""
    changelist = admin_client.get(reverse("admin:auth_user_changelist"))
    assert changelist.status_code == 200
    html = changelist.content.decode()
    for vietnamese in ("Hiện số lượng", "Thanh bên", "Lọc các mục điều hướng", "Thực hiện"):
        assert vietnamese in html, vietnamese
    assert _english_leaks(html) == set()

    add_form = admin_client.get(reverse("admin:auth_user_add"))
    assert add_form.status_code == 200
    html = add_form.content.decode()
    assert "Sau khi tạo người dùng" in html
    assert "Xác thực bằng mật khẩu" in html
    assert _english_leaks(html) == set()


@pytest.mark.django_db
def test_admin_javascript_catalog_is_vietnamese(admin_client):
    """The admin's JavaScript catalog gives the calendar and the selector widget their Vietnamese labels."""
    response = admin_client.get(reverse("admin:jsi18n"))
    assert response.status_code == 200
    script = response.content.decode()
    for english, vietnamese in [
        ("Sunday", "Chủ nhật"),
        ("Monday", "Thứ 2"),
        ("Choose all %s", "Chọn tất cả %s"),
        ("Remove all %s", "Bỏ tất cả %s"),
        ("Today", "Hôm nay"),
        ("Now", "Bây giờ"),
    ]:
        assert f"{json.dumps(english)}: {json.dumps(vietnamese)}" in script, english


@needs_msgfmt
def test_every_django_string_has_a_vietnamese_translation(tmp_path):
    """Every msgid of the Django catalogs a reporter meets has a Vietnamese translation once ours is merged in."""
    missing = {}
    for folder, domain in DJANGO_CATALOGS:
        english_po = DJANGO_DIR / folder / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        english_mo = tmp_path / f"{folder.replace('/', '_')}-{domain}.mo"
        # msgen fills each msgstr with its msgid, so the compiled file lists every msgid (and plural).
        subprocess.run(
            f'msgen "{english_po}" | msgfmt -o "{english_mo}" -', shell=True, check=True, capture_output=True
        )
        with open(english_mo, "rb") as mo:
            english = gettext.GNUTranslations(mo)._catalog
        if domain == "django":
            vietnamese = trans_real.translation("vi")._catalog
        else:
            vietnamese = trans_real.DjangoTranslation(
                "vi", domain=domain, localedirs=[str(DJANGO_DIR / folder / "locale")]
            )._catalog
        for key in english:
            if key == "" or (isinstance(key, tuple) and key[1] != 0):
                continue
            if not vietnamese.get(key):
                missing.setdefault(f"{folder}:{domain}", []).append(key)
    assert missing == {}


@needs_msgfmt
@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(BASE_DIR)))
def test_po_compiles_cleanly_and_committed_mo_is_current(po, tmp_path):
    """Each .po passes `msgfmt --check` with nothing fuzzy or untranslated, and the committed .mo matches it."""
    fresh = tmp_path / "fresh.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(fresh), str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr

    committed = po.with_suffix(".mo")
    assert committed.exists(), f"{committed} is missing: run `make messages`"
    with open(fresh, "rb") as a, open(committed, "rb") as b:
        fresh_catalog, committed_catalog = gettext.GNUTranslations(a), gettext.GNUTranslations(b)
    assert committed_catalog._catalog == fresh_catalog._catalog, (
        f"{committed.name} is stale: run `make messages` and commit it"
    )
