"""The workflow buttons' form (forms.MoveForm) and the refusals it and workflow.py word once for every page."""
import ast
import datetime
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.forms import STALE_MOVE_MESSAGE, MoveForm
from articles.models import Article, Status, Transition
from tests.articles.adminforms import admin_form_data
from tests.factories import make_article

ROOT = Path(settings.BASE_DIR)


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def move_url(article):
    return reverse("admin:articles_article_transition", args=[article.pk])


def story(owner, section, status=Status.DRAFT, **fields):
    return make_article("Lũ quét ở Ba Bể", section=section, authors=[owner.author], created_by=owner, status=status,
                        **fields)


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


def test_move_form_reads_a_datetime_local_value_in_the_newsrooms_time_zone():
    """'2026-07-22T08:30' from the panel's input is 08:30 in Hà Nội, whatever the server's clock says."""
    form = MoveForm({"_transition": "publish", "_publish_at": "2026-07-22T08:30"})
    assert form.is_valid(), form.errors
    chosen = form.cleaned_data["_publish_at"]
    assert timezone.is_aware(chosen)
    assert timezone.localtime(chosen).strftime("%d/%m/%Y %H:%M") == "22/07/2026 08:30"
    assert timezone.localtime(chosen).utcoffset() == datetime.timedelta(hours=7)


def test_move_form_accepts_the_vietnamese_way_of_writing_a_time():
    """A time typed as 22/07/2026 08:30 (a browser without a date picker) is read the same way."""
    form = MoveForm({"_transition": "publish", "_publish_at": "22/07/2026 08:30"})
    assert form.is_valid(), form.errors
    assert timezone.localtime(form.cleaned_data["_publish_at"]).strftime("%Y-%m-%d %H:%M") == "2026-07-22 08:30"


def test_move_form_refuses_what_the_request_alone_shows_is_wrong():
    """An unknown move, a missing comment and a garbled time are each refused with the workflow's wording."""
    unknown = MoveForm({"_transition": "xoa_het"})
    assert not unknown.is_valid()
    assert unknown.refusals() == [workflow.invalid_action_message("xoa_het")]

    silent = MoveForm({"_transition": "request_changes", "_transition_comment": "   "})
    assert not silent.is_valid()
    assert silent.refusals() == [workflow.MOVES["request_changes"].comment_refusal]

    garbled = MoveForm({"_transition": "publish", "_publish_at": "9999-99-99T99:99"})
    assert not garbled.is_valid()
    assert garbled.refusals() == ["Thời điểm đăng không hợp lệ; hãy chọn ngày và giờ, ví dụ 22/07/2026 08:30."]


def test_a_move_pressed_on_an_older_page_is_refused(client, reporter, editor, section):
    """A reporter presses 'Rút lại' on a page opened before an editor's edit: nothing moves, the page says why."""
    article = story(reporter, section, Status.REVIEW)
    client.force_login(reporter)
    page = client.get(change_url(article))
    seen = admin_form_data(page)["version"]
    assert 'name="version"' in page.content.decode()  # the read-only page posts the version it shows

    article.sapo = "Sapo biên tập viên vừa sửa."
    article.save()  # the editor's edit moves the version on

    response = client.post(move_url(article), {"_transition": "withdraw", "version": seen})
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW
    assert not Transition.objects.filter(article=article).exists()
    assert messages_of(response) == ["Bài đã thay đổi sau khi bạn mở trang. Hãy xem lại bài như hiện giờ rồi bấm lại nút."]
    assert messages_of(response) == [str(STALE_MOVE_MESSAGE)]

    current = admin_form_data(client.get(change_url(article)))["version"]
    response = client.post(move_url(article), {"_transition": "withdraw", "version": current})
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_a_garbled_publish_time_refuses_before_the_story_is_saved(client, editor, reporter, section):
    """From the story form, a publish time that cannot be read keeps the typed text in the form, unsaved."""
    article = story(reporter, section, Status.REVIEW)
    client.force_login(editor)
    data = admin_form_data(client.get(change_url(article)))
    data.update({"title": "Tiêu đề biên tập", "_transition": "publish", "_publish_at": "ngày mai"})
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Thời điểm đăng không hợp lệ" in page and 'value="Tiêu đề biên tập"' in page
    assert 'value="ngày mai"' in page  # what was typed in the panel is shown again
    row = Article.objects.get(pk=article.pk)
    assert (row.title, row.status) == ("Lũ quét ở Ba Bể", Status.REVIEW)


def test_the_comment_refusal_shown_by_the_script_is_the_servers(client, editor, reporter, section):
    """The page carries each button's refusal as written in workflow.py; workflow.js writes none of its own."""
    article = story(reporter, section, Status.REVIEW)
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    button = re.search(r'<button[^>]*value="request_changes"[^>]*>', page).group(0)
    assert 'data-refusal="Hãy ghi nhận xét gửi phóng viên trước khi bấm “Yêu cầu sửa”."' in button
    script = (ROOT / "static/admin/newsroom/workflow.js").read_text()
    assert "dataset.refusal" in script
    assert not re.search(r"[À-ỹ]", script.split("\n", 3)[-1]), "workflow.js writes Vietnamese of its own"


def test_the_missing_parts_refusal_starts_with_the_workflows_heading(client, reporter, section):
    """The admin's list of what is missing opens with the sentence workflow.py raises, not a copy of it."""
    article = story(reporter, section, sapo="")
    client.force_login(reporter)
    data = admin_form_data(client.get(change_url(article)))
    data["_transition"] = "submit"
    response = client.post(change_url(article), data, follow=True)
    heading = workflow.MOVES["submit"].missing_heading
    assert f"{heading}<ul><li>sapo</li>" in response.content.decode()


def _imports(folder):
    """The project modules each file under `folder` imports, as dotted names relative to `articles`."""
    found = {}
    for path in (ROOT / "articles" / folder).glob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level == 2:
                    names.update(f"{module}.{alias.name}".strip(".") for alias in node.names)
                elif node.level == 0 and module.startswith("articles."):
                    names.add(module.removeprefix("articles."))
        found[path.name] = names
    return found


def test_admin_and_template_tags_do_not_import_each_other():
    """The template tags stand on the domain modules, as the admin does; neither reaches into the other."""
    for name, imported in _imports("templatetags").items():
        assert not any(module.startswith("admin") for module in imported), name
    for name, imported in _imports("admin").items():
        assert not any(module.startswith("templatetags") for module in imported), name
