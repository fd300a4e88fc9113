"""Importing scraped stories into the database, through the command and the importer module."""
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from articles import importers, richtext
from articles.models import Article, Author, Caption, Status, Transition
from photos.models import Photo
from tests.pagetext import visible_text

DEMO = Path(importers.__file__).resolve().parent / "demo"
STORY = DEMO / "01-mua-vang-cho-moi.txt"


def run_import(*args):
    out = io.StringIO()
    call_command("import_article", *[str(a) for a in args], stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_import_creates_a_published_story_with_sapo_caption_and_byline():
    """One file imported with --status published becomes a public Article with its sapo, lead photo and author."""
    output = run_import(STORY, "--section", "Kinh tế", "--status", "published")
    article = Article.objects.get()
    assert "Đã tạo" in output
    assert article.title == "Nông dân Chợ Mới vào vụ gặt lúa mùa sớm hơn mọi năm"
    assert article.sapo.startswith("Những ngày cuối tháng Chín")
    assert article.sapo not in article.body
    assert article.status == Status.PUBLISHED and article.is_public
    assert article.section.name == "Kinh tế"
    assert [b.author.name for b in article.bylines.all()] == ["Hà Linh"]
    caption = article.captions.get()
    assert caption.is_lead
    assert caption.text == "Máy gặt đập liên hợp làm việc trên cánh đồng xã Thanh Mai."
    assert caption.photo.alt_text == caption.text
    assert caption.photo.credit == "Ảnh minh họa" and caption.photo.is_placeholder  # not the byline's: nobody took it
    assert caption.photo.width and caption.photo.height
    assert "Xem thêm" not in article.body
    assert Transition.objects.filter(article=article, to_status=Status.PUBLISHED).count() == 1


@pytest.mark.django_db
def test_reimport_updates_the_story_instead_of_duplicating(tmp_path):
    """Importing the same file again updates the text and keeps one story, one caption, one photo."""
    copy = tmp_path / STORY.name
    shutil.copy(STORY, copy)
    run_import(copy)
    first = Article.objects.get()
    copy.write_text(copy.read_text(encoding="utf-8").replace("gần 55 tạ", "gần 57 tạ"), encoding="utf-8")
    output = run_import(copy)
    article = Article.objects.get()
    assert "Đã cập nhật" in output
    assert article.pk == first.pk and article.slug == first.slug
    assert "gần 57 tạ" in article.sapo
    assert Caption.objects.count() == 1 and Photo.objects.count() == 1
    assert Author.objects.count() == 1


@pytest.mark.django_db
def test_same_byline_in_two_stories_reuses_the_author():
    """Two stories signed 'Bảo Ngọc' share one Author."""
    run_import(DEMO / "02-khai-giang-diem-truong.txt", DEMO / "05-le-hoi-long-tong.txt")
    assert Author.objects.filter(name="Bảo Ngọc").count() == 1
    assert Author.objects.get(name="Bảo Ngọc").articles.count() == 2
    two_bylines = Article.objects.get(title__startswith="Điểm trường")
    assert [b.author.name for b in two_bylines.bylines.order_by("order")] == ["Lý Quang", "Bảo Ngọc"]


@pytest.mark.django_db
def test_same_title_twice_gets_distinct_slugs(tmp_path):
    """Two files with the same title become two stories with distinct slugs."""
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("Tin ngắn\n\nNội dung tin ngắn.\n", encoding="utf-8")
    run_import(tmp_path / "a.txt", tmp_path / "b.txt")
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["tin-ngan", "tin-ngan-2"]


@pytest.mark.django_db
def test_status_option_keeps_a_story_in_draft():
    """--status draft imports without publishing."""
    run_import(STORY, "--status", "draft")
    article = Article.objects.get()
    assert article.status == Status.DRAFT and not article.is_public


@pytest.mark.django_db
def test_import_without_status_is_a_draft_no_reader_sees(client):
    """Without --status the story waits as a draft: no public page, not in the RSS feed, no publish logged."""
    output = run_import(STORY)
    article = Article.objects.get()
    assert "bản nháp" in output
    assert article.status == Status.DRAFT and article.published_at is None
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.title not in client.get("/rss/").content.decode()
    assert not Transition.objects.filter(to_status=Status.PUBLISHED).exists()


@pytest.mark.django_db
def test_given_image_is_used_for_the_caption(tmp_path):
    """--image attaches a real photo (made with Pillow) instead of the placeholder."""
    image_path = tmp_path / "ảnh gặt lúa.jpg"
    Image.new("RGB", (1200, 800), (200, 160, 40)).save(image_path, "JPEG")
    run_import(STORY, "--image", image_path)
    photo = Article.objects.get().captions.get().photo
    assert (photo.width, photo.height) == (1200, 800)
    assert photo.original_filename == "ảnh gặt lúa.jpg"
    assert "gat" not in photo.image.name  # stored under a generated name


@pytest.mark.django_db
@pytest.mark.parametrize("content,expected", [
    (b"", "rỗng"),
    ("Tiêu đề\n\nNội dung".encode("cp1258", errors="replace") + b"\xff\xfe", "UTF-8"),
    (b"...\n\n!!!\n", "tiêu đề"),
])
def test_bad_file_stops_the_import_and_writes_nothing(tmp_path, content, expected):
    """A bad file next to a good one: a clear error naming it, and neither story is written."""
    bad = tmp_path / "bai-hong.txt"
    bad.write_bytes(content)
    with pytest.raises(CommandError) as error:
        run_import(STORY, bad)
    assert "bai-hong.txt" in str(error.value) and expected in str(error.value)
    assert Article.objects.count() == 0 and Photo.objects.count() == 0 and Author.objects.count() == 0


@pytest.mark.django_db
def test_fake_image_stops_the_import(tmp_path):
    """An --image that is not an image is refused in Vietnamese and nothing is written."""
    fake = tmp_path / "anh.jpg"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    with pytest.raises(CommandError) as error:
        run_import(STORY, "--image", fake)
    assert "Không bài nào được nhập" in str(error.value)
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_imported_story_renders_like_the_paper(client):
    """The imported story's page shows sapo once, the caption once beside its photo (in the text: it followed the
    first paragraph), the byline, no 'Xem thêm' as body."""
    run_import(DEMO / "03-duong-ba-be.txt", "--status", "published")
    article = Article.objects.get()
    text = visible_text(client.get(article.get_absolute_url()).content.decode())
    assert text.count(article.sapo) == 1
    assert not article.captions.exists()
    [(photo_id, caption)] = richtext.PHOTO_FIGURE.findall(article.body)
    assert Photo.objects.filter(pk=photo_id).exists()
    assert text.count(caption) == 1
    assert "Đức Toàn" in text
    assert text.index("Theo Ban quản lý dự án") < text.index(caption) < text.index("Khó khăn lớn nhất")


@pytest.mark.django_db
def test_photos_after_the_lead_stand_in_the_text_where_the_file_put_them(tmp_path):
    """The first caption before any paragraph is the lead photo, chosen apart; each other caption becomes its photo
    placed in the body after the paragraph it followed, as the editor's widget writes it; importing the file again
    places the same photos again (no new photo), and a caption dropped from the file leaves the text."""
    path = tmp_path / "cau-moi.txt"
    lines = ["Cầu mới ở bản Nà Phặc", "", "Ảnh cây cầu.", "Ảnh cây cầu.", "", "Đoạn một.", "", "Đoạn hai.", "",
             "Người dân qua cầu.", "Người dân qua cầu.", "", "Đoạn ba.", "", "Ảnh cuối & đẹp.", "Ảnh cuối & đẹp.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    run_import(path)
    article = Article.objects.get()
    lead = article.captions.get()
    assert lead.is_lead and lead.text == "Ảnh cây cầu."
    placed = richtext.PHOTO_FIGURE.findall(article.body)
    assert [text for _id, text in placed] == ["Người dân qua cầu.", "Ảnh cuối &amp; đẹp."]
    first, last = (int(photo_id) for photo_id, _text in placed)
    assert article.body == (f"<p>Đoạn một.</p><p>Đoạn hai.</p>{richtext.photo_figure(first, 'Người dân qua cầu.')}"
                            f"<p>Đoạn ba.</p>{richtext.photo_figure(last, 'Ảnh cuối & đẹp.')}")
    assert richtext.sanitize_html(article.body) == article.body
    photos = set(Photo.objects.values_list("pk", flat=True))
    assert photos == {lead.photo_id, first, last}

    path.write_text("\n".join(lines[:-4]).replace("Đoạn ba.", "Đoạn ba, sửa lại."), encoding="utf-8")
    run_import(path)
    article.refresh_from_db()
    assert article.captions.get().photo_id == lead.photo_id
    assert article.body == (f"<p>Đoạn một.</p><p>Đoạn hai.</p>{richtext.photo_figure(first, 'Người dân qua cầu.')}"
                            "<p>Đoạn ba, sửa lại.</p>")
    assert set(Photo.objects.values_list("pk", flat=True)) == photos  # the dropped photo stays in the library
