"""People by their names: mails, the desk, the story log and revisions say "Nông Vui", not "nvui"; create_staff
links the author an import already made instead of making a second one."""
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from articles import revisions, workflow
from articles.models import Author, Byline, Status
from articles.people import display_name, name_parts
from tests.factories import make_article, make_author, make_section, make_user

pytestmark = pytest.mark.django_db


def test_display_name_prefers_the_byline_then_the_full_name_then_the_login():
    """The author profile's name first, then first and last name, then the login."""
    bare = make_user("bare")
    assert display_name(bare) == "bare"
    named = make_user("named", first_name="Lý", last_name="Minh")
    assert display_name(named) == "Lý Minh"
    signing = make_user("nvui", first_name="Vui", last_name="")
    make_author("Nông Thị Vui", user=signing)
    assert display_name(signing) == "Nông Thị Vui"
    assert display_name(None, "hệ thống") == "hệ thống"
    assert name_parts("Nông  Thị Vui") == ("Nông Thị", "Vui") and name_parts("Vui") == ("", "Vui")


def test_mails_and_the_desk_name_people(django_capture_on_commit_callbacks, reporter, editor):
    """A submission mails the editors "Nông Vui đã gửi bài", and the editors' desk shows "Nông Vui" as sender."""
    reporter.username = "pv-nvui-2026"
    reporter.save()
    article = make_article("Đường lên Phja Đén", section=make_section(), created_by=reporter, authors=[reporter.author])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_submit(article=article, by=reporter, comment="Ảnh gửi sau.")
    message = mail.outbox[-1]
    assert message.subject == "[Báo Tin Bắc Kạn] Bài chờ duyệt: Đường lên Phja Đén"
    assert message.body.startswith("Nông Vui đã gửi bài “Đường lên Phja Đén” để duyệt.\n\nLời nhắn: Ảnh gửi sau.\n\n")
    assert "pv-nvui-2026" not in message.body
    client = Client()
    client.force_login(editor)
    desk = client.get(reverse("admin:index")).content.decode()
    assert "Nông Vui" in desk and "pv-nvui-2026" not in desk


def test_mail_text_is_plain_text_not_html(django_capture_on_commit_callbacks, reporter, editor):
    """Titles and comments with & < " go out as typed (a text mail is not HTML-escaped)."""
    article = make_article("Giá gạo & phân bón <tăng>", section=make_section(), created_by=reporter,
                           authors=[reporter.author], status=Status.REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_request_changes(article=article, by=editor, comment='Sửa "giá" & nguồn.')
    message = mail.outbox[-1]
    assert message.subject == "[Báo Tin Bắc Kạn] Cần sửa bài: Giá gạo & phân bón <tăng>"
    assert message.body.startswith(
        "Biên tập viên Lý Minh trả lại bài “Giá gạo & phân bón <tăng>” và yêu cầu sửa:\n\nSửa \"giá\" & nguồn.\n\n"
        "Mở bài trong tòa soạn: http://127.0.0.1:8000/")


def test_publication_mails_read_as_before(django_capture_on_commit_callbacks, reporter, editor):
    """Publishing now mails the public address; taking down mails the reason."""
    article = make_article("Hội chợ OCOP", section=make_section(), created_by=reporter, authors=[reporter.author],
                           status=Status.REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_publish(article=article, by=editor)
    published = mail.outbox[-1]
    assert published.subject == "[Báo Tin Bắc Kạn] Bài đã xuất bản: Hội chợ OCOP"
    assert published.body.startswith("Bài “Hội chợ OCOP” đã được Lý Minh duyệt và xuất bản.\n"
                                     f"Đọc trên trang: http://127.0.0.1:8000{article.get_absolute_url()}\n\n")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_unpublish(article=article, by=editor, comment="Sai số liệu.")
    assert mail.outbox[-1].subject == "[Báo Tin Bắc Kạn] Bài đã bị gỡ: Hội chợ OCOP"
    assert "đã được Lý Minh gỡ khỏi trang.\n\nLý do: Sai số liệu." in mail.outbox[-1].body


def test_revisions_name_who_saved(reporter):
    """The history lists each revision with the saver's name."""
    import reversion

    article = make_article("Bài có lịch sử", section=make_section(), created_by=reporter)
    with reversion.create_revision():
        reversion.set_user(reporter)
        article.save()
    version = revisions.article_versions(article).first()
    assert revisions.describe(version).endswith(", Nông Vui")


def test_create_staff_links_the_author_an_import_made(monkeypatch):
    """`create_staff --name "Nông Vui"` claims the imported author of that name (and says so), not a second one."""
    monkeypatch.setenv("NEWSROOM_STAFF_PASSWORD", "mat-khau-rat-dai-2026")
    imported = make_author("Nông Vui")
    Byline.objects.create(article=make_article("Bài nhập từ báo cũ"), author=imported)
    out = io.StringIO()
    call_command("create_staff", "nvui", role="reporter", name="Nông Vui", stdout=out)
    assert Author.objects.filter(name="Nông Vui").count() == 1
    imported.refresh_from_db()
    assert imported.user.username == "nvui"
    assert "Đã gắn tài khoản với tác giả “Nông Vui” đã có" in out.getvalue() and "1 bài" in out.getvalue()
    assert display_name(imported.user) == "Nông Vui"


def test_create_staff_does_not_take_an_author_someone_has(monkeypatch):
    """An author already tied to another account stays theirs; the new account gets its own profile."""
    monkeypatch.setenv("NEWSROOM_STAFF_PASSWORD", "mat-khau-rat-dai-2026")
    make_author("Hà Linh", user=make_user("halinh1"))
    out = io.StringIO()
    call_command("create_staff", "halinh2", role="reporter", name="Hà Linh", stdout=out)
    assert Author.objects.filter(name="Hà Linh").count() == 2
    assert "Đã gắn" not in out.getvalue()


def test_create_staff_refuses_to_guess_between_two_unclaimed_authors(monkeypatch):
    """Two accountless authors of one name: the command stops and asks for them to be merged first."""
    monkeypatch.setenv("NEWSROOM_STAFF_PASSWORD", "mat-khau-rat-dai-2026")
    make_author("Lục Văn Bình")
    make_author("Lục Văn Bình")
    with pytest.raises(CommandError, match="2 tác giả tên “Lục Văn Bình”"):
        call_command("create_staff", "lvbinh", role="reporter", name="Lục Văn Bình", stdout=io.StringIO())
