"""What the importer agrees to read: regular files only, within a size and a caption count, one-line errors."""
import io
import os
import socket
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from articles import importers, richtext
from articles.models import Article, Author, Caption, Section
from photos.models import Photo

DEMO = Path(importers.__file__).resolve().parent / "demo"
STORY = DEMO / "01-mua-vang-cho-moi.txt"

pytestmark = pytest.mark.django_db


def run_import(*args):
    out = io.StringIO()
    call_command("import_article", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def refusal(*args) -> str:
    """The one-line message of an import that must fail and write nothing (not even a new section)."""
    with pytest.raises(CommandError) as error:
        run_import(*args, "--section", "Chuyên mục mới")
    message = str(error.value)
    assert "\n" not in message and "Traceback" not in message
    assert "Không bài nào được nhập" in message
    assert Article.objects.count() == 0 and Caption.objects.count() == 0 and Photo.objects.count() == 0
    assert Author.objects.count() == 0 and not Section.objects.filter(name="Chuyên mục mới").exists()
    return message


def story_text(paragraphs=3, captions=0):
    lines = ["Tin về ảnh\n"]
    for n in range(captions):
        caption = f"Ảnh số {n + 1} của phóng sự."
        lines.append(f"{caption}\n{caption}\n")
    lines += [f"Đoạn văn thứ {n + 1} của bài." for n in range(paragraphs)]
    return "\n".join(lines) + "\n"


# --- Only regular files -----------------------------------------------------------------------------------

def test_symbolic_link_to_a_real_story_is_refused(tmp_path):
    """A link to a readable story elsewhere is not followed: the message names the link, nothing is imported."""
    link = tmp_path / "lien-ket.txt"
    link.symlink_to(STORY)
    message = refusal(STORY, link)
    assert "lien-ket.txt" in message and "liên kết tượng trưng" in message


def test_link_to_a_secret_file_is_refused(tmp_path):
    """A link to a system file (the /etc/shadow report) is refused before it is read."""
    link = tmp_path / "bai.txt"
    link.symlink_to("/etc/passwd")
    assert "liên kết tượng trưng" in refusal(link)


def test_dangling_link_is_refused_as_a_link(tmp_path):
    """A link to nowhere is reported as a link, not as a missing file."""
    link = tmp_path / "mat.txt"
    link.symlink_to(tmp_path / "khong-co.txt")
    assert "liên kết tượng trưng" in refusal(link)


def test_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    """A named pipe is refused at once (no writer ever comes; the import must not hang)."""
    fifo = tmp_path / "ong.txt"
    os.mkfifo(fifo)
    message = refusal(fifo)
    assert "ong.txt" in message and "FIFO" in message and "không phải tệp thường" in message


def test_device_is_refused():
    """/dev/null (a character device that reads as empty) and /dev/zero (endless) are not stories."""
    for device in ("/dev/null", "/dev/zero"):
        message = refusal(device)
        assert device in message and "thiết bị" in message


def test_directory_is_refused(tmp_path):
    """A folder given as a story names itself as a folder."""
    folder = tmp_path / "thu-muc.txt"
    folder.mkdir()
    message = refusal(folder)
    assert "thu-muc.txt" in message and "thư mục" in message


def test_socket_is_refused(tmp_path):
    """A Unix socket left in the folder is refused too."""
    path = tmp_path / "s.txt"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        assert "socket" in refusal(path)
    finally:
        server.close()


def test_missing_file_is_named_in_vietnamese(tmp_path):
    """A path that does not exist is named, with the reason in Vietnamese."""
    message = refusal(tmp_path / "khong-co.txt")
    assert "khong-co.txt" in message and "không có tệp này" in message


def test_image_given_through_a_link_is_refused(tmp_path):
    """--image follows the same rule: a link to a real photo elsewhere is refused and names the link."""
    elsewhere = tmp_path / "kho"
    elsewhere.mkdir()
    Image.new("RGB", (800, 600), (20, 120, 60)).save(elsewhere / "that.jpg", "JPEG")
    link = tmp_path / "anh.jpg"
    link.symlink_to(elsewhere / "that.jpg")
    message = refusal(STORY, "--image", link)
    assert "anh.jpg" in message and "liên kết tượng trưng" in message


# --- Size and caption limits ------------------------------------------------------------------------------

def test_file_over_the_size_limit_is_refused_and_the_flag_raises_it(tmp_path):
    """A file past --max-bytes is refused without being read; raising the limit imports it."""
    path = tmp_path / "dai.txt"
    path.write_text(story_text(paragraphs=200), encoding="utf-8")
    size = path.stat().st_size
    message = refusal(path, "--max-bytes", size - 1)
    assert "dai.txt" in message and f"--max-bytes {size}" in message
    run_import(path, "--max-bytes", size)
    assert Article.objects.get().body.count("<p>") == 200


def test_default_size_limit_is_two_megabytes(tmp_path):
    """Just over 2 MB is refused by default, naming the limit in megabytes."""
    path = tmp_path / "bang-diem.txt"
    row = "Thí sinh Nguyễn Văn An đạt 8,5 điểm môn Toán."
    rows = [row] * (importers.DEFAULT_MAX_BYTES // len(row.encode()) + 1)
    path.write_text("Bảng điểm\n\n" + "\n".join(rows), encoding="utf-8")
    assert "quá giới hạn 2,0 MB" in refusal(path)


def test_too_many_captions_are_refused_and_the_flag_raises_it(tmp_path):
    """51 captions are refused by default (each would be a photo on disk); --max-captions 51 imports them."""
    path = tmp_path / "phong-su-anh.txt"
    path.write_text(story_text(captions=importers.DEFAULT_MAX_CAPTIONS + 1), encoding="utf-8")
    message = refusal(path)
    assert "phong-su-anh.txt" in message and "51 chú thích ảnh" in message and "--max-captions 51" in message
    small = tmp_path / "it-anh.txt"
    small.write_text(story_text(captions=3), encoding="utf-8")
    refusal(small, "--max-captions", "2")
    run_import(small, "--max-captions", "3")
    article = Article.objects.get()  # the lead photo chosen apart, the others in the text
    assert article.captions.count() + len(richtext.PHOTO_FIGURE.findall(article.body)) == 3


@pytest.mark.parametrize("value", ["0", "-5", "abc"])
def test_limit_flags_take_positive_numbers_only(value):
    """--max-bytes 0 or a word is refused by the command line, in Vietnamese."""
    with pytest.raises(CommandError) as error:
        run_import(STORY, "--max-bytes", value)
    assert "số nguyên dương" in str(error.value)


# --- Failures while saving --------------------------------------------------------------------------------

def test_storage_failure_is_one_line_naming_the_file(tmp_path, settings):
    """When photos cannot be written (the media folder is a file), the import stops with one line naming the story."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = str(blocker)
    settings.STORAGES = {
        **settings.STORAGES, "originals": {**settings.STORAGES["originals"], "OPTIONS": {"location": str(blocker)}},
    }
    message = refusal(STORY)
    assert STORY.name in message


@pytest.mark.postgres
def test_database_failure_is_one_line_naming_the_files(tmp_path):
    """A section name PostgreSQL cannot hold (over 100 characters) stops the run with one line naming the files."""
    path = tmp_path / "bai.txt"
    path.write_text(story_text(), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run_import(path, "--section", "Chuyên mục " * 30)
    message = str(error.value)
    assert "\n" not in message and "bai.txt" in message and "Không bài nào được nhập" in message
    assert Article.objects.count() == 0 and Section.objects.count() == 0
