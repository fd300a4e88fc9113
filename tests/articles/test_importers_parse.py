"""The scraped-story parser reads text only; these tests need no database."""
import unicodedata
from pathlib import Path

import pytest

from articles.importers import StoryFormatError, parse_story, read_story_file

DEMO = Path(__file__).resolve().parents[2] / "articles" / "demo"

SCRAPED = """Tiêu đề bài viết thử

Sapo được lấy hai lần vì trang gốc in nó hai chỗ.

Sapo được lấy hai lần vì trang gốc in nó hai chỗ.

Chú thích ảnh thứ nhất.
Chú thích ảnh thứ nhất.

Đoạn thân bài thứ nhất, đủ dài để không giống một dòng ký tên.

Chú thích ảnh giữa bài.
Chú thích ảnh giữa bài.

Đoạn thân bài thứ hai kết thúc bằng dấu chấm.

Nông Vui

Xem thêm"""


def test_sapo_captured_twice_is_stored_once():
    """A paragraph repeated right after itself becomes the sapo, once, and not body."""
    story = parse_story(SCRAPED)
    assert story.title == "Tiêu đề bài viết thử"
    assert story.sapo == "Sapo được lấy hai lần vì trang gốc in nó hai chỗ."
    assert all(story.sapo not in p for p in story.paragraphs)


def test_repeated_short_lines_become_captions_at_their_position():
    """Each repeated short line is one caption, placed after the paragraphs that precede it."""
    story = parse_story(SCRAPED)
    assert [(c.text, c.position) for c in story.captions] == [
        ("Chú thích ảnh thứ nhất.", 0),
        ("Chú thích ảnh giữa bài.", 1),
    ]
    assert len(story.paragraphs) == 2


def test_byline_is_taken_from_the_end_and_xem_them_dropped():
    """The short name line near the end is the byline; 'Xem thêm' is navigation, not content."""
    story = parse_story(SCRAPED)
    assert story.bylines == ["Nông Vui"]
    assert not any("Xem thêm" in p for p in story.paragraphs)
    assert "Nông Vui" not in story.body_html


def test_several_bylines_split_on_dash_and_comma():
    """'Lý Quang - Bảo Ngọc' is two authors in order."""
    story = parse_story("Tiêu đề\n\nThân bài dài một chút.\n\nLý Quang - Bảo Ngọc, Hà Linh\n")
    assert story.bylines == ["Lý Quang", "Bảo Ngọc", "Hà Linh"]


def test_last_sentence_is_not_mistaken_for_a_byline():
    """A closing sentence ending in punctuation stays in the body."""
    story = parse_story("Tiêu đề\n\nĐoạn một.\n\nHết.\n")
    assert story.bylines == []
    assert story.paragraphs == ["Đoạn một.", "Hết."]


def test_body_html_escapes_markup_in_scraped_text():
    """Scraped text is plain text: angle brackets are escaped, never markup."""
    story = parse_story("Tiêu đề\n\nCâu có <script>alert(1)</script> bên trong.\n")
    assert "<script>" not in story.body_html
    assert "&lt;script&gt;" in story.body_html


def test_decomposed_text_is_normalised_to_nfc():
    """A story saved in NFD parses to NFC text."""
    story = parse_story(unicodedata.normalize("NFD", SCRAPED))
    assert story.title == "Tiêu đề bài viết thử"
    assert unicodedata.is_normalized("NFC", story.sapo)


def test_windows_line_endings_and_bom_are_accepted():
    """CRLF line endings and a UTF-8 byte-order mark read the same as Unix text."""
    story = parse_story("\ufeff" + SCRAPED.replace("\n", "\r\n"))
    assert story.title == "Tiêu đề bài viết thử"
    assert story.bylines == ["Nông Vui"]


@pytest.mark.parametrize("content,message", [
    ("", "tệp rỗng"),
    ("   \n\n  \n", "tệp rỗng"),
    ("...\n\nNội dung.", "không tìm thấy tiêu đề"),
    ("Chỉ có tiêu đề\n", "chỉ có tiêu đề"),
    ("x" * 400 + "\n\nNội dung.", "không giống tiêu đề"),
])
def test_unreadable_stories_are_refused_with_the_file_name(content, message):
    """Empty files, files with no title and title-only files are refused, naming the file."""
    with pytest.raises(StoryFormatError) as error:
        parse_story(content, name="bai-loi.txt")
    assert "bai-loi.txt" in str(error.value)
    assert message in str(error.value)


def test_non_utf8_file_is_refused_with_the_file_name(tmp_path):
    """A file in a legacy encoding gets a clear message naming it."""
    path = tmp_path / "windows-1258.txt"
    path.write_bytes("Tiêu đề\n\nNội dung".encode("utf-16"))
    with pytest.raises(StoryFormatError) as error:
        read_story_file(path)
    assert "windows-1258.txt" in str(error.value)
    assert "UTF-8" in str(error.value)


def test_missing_file_is_refused_with_the_file_name(tmp_path):
    """A path that does not exist is named in the error."""
    with pytest.raises(StoryFormatError) as error:
        read_story_file(tmp_path / "khong-co.txt")
    assert "khong-co.txt" in str(error.value)


@pytest.mark.parametrize("path", sorted(DEMO.glob("*.txt")), ids=lambda p: p.name)
def test_every_demo_story_parses_completely(path):
    """The project's own demo stories each have a title, a sapo, a caption, body and byline."""
    story = read_story_file(path)
    assert story.title and story.sapo and story.paragraphs and story.captions and story.bylines
    assert story.sapo not in story.paragraphs
    assert all(c.text not in story.paragraphs for c in story.captions)
