"""Importing scraped stories into the database, through the command and the importer module."""
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from articles import importers
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
    assert caption.is_lead and caption.position == 0
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
    """The imported story's page shows sapo once, the caption once beside its photo, the byline, no 'Xem thêm' as body."""
    run_import(DEMO / "03-duong-ba-be.txt", "--status", "published")
    article = Article.objects.get()
    text = visible_text(client.get(article.get_absolute_url()).content.decode())
    assert text.count(article.sapo) == 1
    caption = article.captions.get()
    assert text.count(caption.text) == 1
    assert "Đức Toàn" in text
    assert text.index(caption.text) > text.index("Theo Ban quản lý dự án")  # placed after paragraph 1
