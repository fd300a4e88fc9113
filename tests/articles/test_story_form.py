"""The story form as a reporter meets it: counts, labels, the last change request, revisions, presence."""
import re
from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles import presence, workflow
from articles.models import Status
from tests.articles.adminforms import admin_form_data
from tests.factories import make_article, make_caption, make_user

LONG_TITLE = "Hơn 120 hộ dân bản Nậm Cắt không còn phải lội suối mùa lũ nhờ cây cầu treo mới"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def story(owner, section, status=Status.DRAFT, title="Cầu treo mới cho bản Nậm Cắt", **fields):
    return make_article(title, section=section, authors=[owner.author], created_by=owner, status=status, **fields)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


class _Inputs(HTMLParser):
    """Every form control of a page with its attributes, the ids on the page and the labels' targets."""

    def __init__(self):
        super().__init__()
        self.controls, self.ids, self.labelled = [], set(), set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden", "submit"}:
            self.controls.append(attrs)


def controls_of(page):
    parser = _Inputs()
    parser.feed(page)
    return parser


def test_title_and_sapo_come_with_their_counts(client, reporter, section):
    """The form prints the title's word count (with the hint past 12 words) and the sapo's length."""
    article = story(reporter, section, title=LONG_TITLE, sapo="Bà con đã có cầu.")
    page = client_for(reporter).get(change_url(article)).content.decode()
    title_counter = re.search(r'<p class="nr-counter nr-counter--over" id="id_title_count".*?</p>', page).group(0)
    assert "19 chữ" in title_counter and "Tít nên gọn trong 12 chữ." in title_counter
    assert " hidden" not in title_counter
    assert re.search(r'id="id_sapo_count"[^>]*><span class="nr-counter__text">17 ký tự</span>', page)
    title_input = re.search(r'<input [^>]*name="title"[^>]*>', page).group(0)
    assert 'aria-describedby="id_title_count"' in title_input and 'maxlength="300"' in title_input


def test_a_short_title_keeps_its_hint_hidden(client, reporter, section):
    """Twelve words or fewer: the hint is there for the script, hidden."""
    page = client_for(reporter).get(change_url(story(reporter, section))).content.decode()
    assert re.search(r'<span class="nr-counter__hint" role="status" hidden>', page)
    assert '<span class="nr-counter__text">7 chữ</span>' in page


def test_every_input_of_the_story_form_has_a_name_and_no_dangling_description(client, editor, reporter, section):
    """Inline rows (bylines, photos), the split publish time and the rest: each control is labelled, and each
    aria-describedby names an element of the page."""
    article = story(reporter, section)
    make_caption(article, text="Cầu treo.")
    for url in [change_url(article), reverse("admin:articles_article_add")]:
        page = client_for(editor).get(url).content.decode()
        found = controls_of(page)
        for control in found.controls:
            if "__prefix__" in control.get("name", ""):
                continue  # the template row Django's script copies; its copies carry the same attributes
            named = control.get("aria-label") or control.get("id") in found.labelled
            assert named, control
            for reference in (control.get("aria-describedby") or "").split():
                assert reference in found.ids, (control, reference)
        assert 'aria-label="Giờ (Thời điểm xuất bản)"' in page


def test_the_last_change_request_stays_on_top_until_resubmitted(reporter, editor, section):
    """After 'Yêu cầu sửa', the reporter reads the editor's note at the top of the story; once they send it
    again, it is gone from there (it stays in the log)."""
    article = story(reporter, section, status=Status.REVIEW)
    workflow.article_request_changes(article=article, by=editor, comment="Thêm số hộ dân được hưởng lợi.")
    page = client_for(reporter).get(change_url(article)).content.decode()
    top = re.search(r'<section class="nr-change-request".*?</section>', page, re.S).group(0)
    assert f"{editor.get_full_name()} yêu cầu sửa bài" in top
    assert "Thêm số hộ dân được hưởng lợi." in top
    assert page.index("nr-change-request") < page.index('name="title"')

    workflow.article_submit(article=article, by=reporter)
    page = client_for(reporter).get(change_url(article)).content.decode()
    assert "nr-change-request" not in page and "Thêm số hộ dân được hưởng lợi." in page


def test_a_workflow_button_on_an_unchanged_story_records_no_revision(editor, reporter, section,
                                                                     django_capture_on_commit_callbacks):
    """Publishing from the form without editing adds no revision, even when the editor lays the body out
    again (line breaks between paragraphs); an edit made with the move is recorded, named by what changed."""
    article = story(reporter, section, status=Status.REVIEW, body="<p>Đoạn một.</p><p>Đoạn hai.</p>")
    client = client_for(editor)
    before = Version.objects.get_for_object(article).count()
    data = admin_form_data(client.get(change_url(article)))
    data.update({"body": "<p>Đoạn một.</p>\n\n<p>Đoạn hai.</p>\n", "_transition": "request_changes",
                 "_transition_comment": "Thêm ảnh."})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert Version.objects.get_for_object(article).count() == before

    owner = client_for(reporter)
    data = admin_form_data(owner.get(change_url(article)))
    data.update({"title": "Cầu treo mới cho bản Nậm Cắt, Ba Bể", "_transition": "submit"})
    with django_capture_on_commit_callbacks(execute=True):
        assert owner.post(change_url(article), data).status_code == 302
    versions = Version.objects.get_for_object(article)
    assert versions.count() == before + 1
    assert versions.first().revision.comment == "Sửa: Tiêu đề"


def test_a_plain_save_still_records_its_revision(editor, reporter, section):
    """'Lưu' without changes is still kept (the writer asked to save), with a comment saying nothing changed."""
    article = story(reporter, section)
    client = client_for(editor)
    before = Version.objects.get_for_object(article).count()
    assert client.post(change_url(article), admin_form_data(client.get(change_url(article)))).status_code == 302
    versions = Version.objects.get_for_object(article)
    assert versions.count() == before + 1
    assert versions.first().revision.comment == "Lưu, không đổi nội dung"


def test_a_closed_form_stops_warning_the_others_at_once(editor, reporter, section):
    """When a page with the story open goes away, its last word (roi=1) removes its writer from the warning."""
    article = story(reporter, section, status=Status.REVIEW)
    other = make_user("bientap-b", first_name="Trần", last_name="Hoa", groups=[workflow.roles.EDITOR.group])
    client_for(other).get(change_url(article))
    assert [entry["name"] for entry in presence.others_editing(article.pk, editor)] == ["Trần Hoa"]
    url = reverse("admin:articles_article_presence", args=[article.pk])
    response = client_for(other).post(url, {"roi": "1"})
    assert response.status_code == 204
    assert presence.others_editing(article.pk, editor) == []


def test_the_story_form_chooses_only_the_lead_photo(client, reporter, section):
    """The photo rows of the form are the lead photo alone, with its caption, description and credit shown; a photo
    chosen there is saved as the lead; the form offers no paragraph number (other photos go in the text)."""
    from articles.models import Caption
    from tests.factories import make_photo, place_photo

    article = story(reporter, section, body="<p>Một.</p>")
    place_photo(article, make_photo(), text="Trong bài.", after=1)
    photo = make_photo(alt_text="Cầu treo Nậm Cắt", credit="Ảnh: Nông Vui", uploaded_by=reporter)
    reporter_client = client_for(reporter)
    response = reporter_client.get(change_url(article))
    page = response.content.decode()
    assert 'name="captions-MAX_NUM_FORMS" value="1"' in page
    assert "position" not in page and "captions-0-is_lead" not in page
    data = admin_form_data(response)
    data.update({"captions-TOTAL_FORMS": "1", "captions-0-photo": str(photo.pk), "captions-0-text": "Cầu mới.",
                 "captions-0-article": str(article.pk)})
    response = reporter_client.post(change_url(article), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    lead = Caption.objects.get(article=article)
    assert (lead.photo, lead.text, lead.is_lead) == (photo, "Cầu mới.", True)
    page = reporter_client.get(change_url(article)).content.decode()
    assert "Cầu treo Nậm Cắt" in page and "Ảnh: Nông Vui" in page
