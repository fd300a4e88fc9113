import unicodedata

import pytest

from articles import text

# Every Vietnamese vowel with every tone, and đ: (letter, ASCII base).
VOWEL_BASES = {
    "a": "aàáảãạ ăằắẳẵặ âầấẩẫậ",
    "e": "eèéẻẽẹ êềếểễệ",
    "i": "iìíỉĩị",
    "o": "oòóỏõọ ôồốổỗộ ơờớởỡợ",
    "u": "uùúủũụ ưừứửữự",
    "y": "yỳýỷỹỵ",
}
ALPHABET = [(ch, base) for base, letters in VOWEL_BASES.items() for ch in letters.replace(" ", "")]
ALPHABET.append(("đ", "d"))


@pytest.mark.parametrize("letter,base", ALPHABET)
def test_every_vietnamese_letter_keeps_its_base_in_slugs(letter, base):
    """Each lower- and upper-case letter, typed precomposed or decomposed, becomes its ASCII base."""
    for form in (letter, letter.upper()):
        for typed in (unicodedata.normalize("NFC", form), unicodedata.normalize("NFD", form)):
            assert text.slugify(f"x{typed}x") == f"x{base}x"


def test_alphabet_has_every_vowel_in_every_tone_and_d():
    """The table above covers the 12 vowels in 6 tones, plus đ."""
    assert len(ALPHABET) == 12 * 6 + 1


def test_slug_of_party_congress_headline():
    """The issue's example headline keeps every letter, including Đ."""
    assert text.slugify("Đại hội Đảng bộ tỉnh Bắc Kạn") == "dai-hoi-dang-bo-tinh-bac-kan"


def test_django_slugify_would_drop_d_with_stroke():
    """Django's own slugify loses đ; ours keeps it (why text.slugify exists)."""
    from django.utils.text import slugify as django_slugify

    assert django_slugify("Đảng") == "ang"
    assert text.slugify("Đảng") == "dang"


def test_slug_from_decomposed_input_matches_precomposed():
    """A title typed on a Mac (NFD) gets the same slug as one typed on Windows (NFC)."""
    title = "Nông dân Chợ Mới thu hoạch lúa"
    assert text.slugify(unicodedata.normalize("NFD", title)) == text.slugify(title) == "nong-dan-cho-moi-thu-hoach-lua"


@pytest.mark.parametrize("raw,slug", [
    ("  --Hội nghị!!  trực tuyến?? ", "hoi-nghi-truc-tuyen"),
    ("Covid- 19: 6 tháng đầu năm 2020", "covid-19-6-thang-dau-nam-2020"),
    ("ĐƯỜNG HỒ CHÍ MINH", "duong-ho-chi-minh"),
    ("../../etc/passwd", "etc-passwd"),
    ("学校", ""),
    ("", ""),
])
def test_slugify_edge_cases(raw, slug):
    """Punctuation collapses to single hyphens; nothing outside a-z0-9- survives."""
    assert text.slugify(raw) == slug


def test_slugify_truncates_on_a_word_boundary():
    """Long titles are cut at a hyphen, never in the middle of a word."""
    slug = text.slugify("Phát triển kinh tế xã hội " * 20, max_length=50)
    assert len(slug) <= 50 and not slug.endswith("-")
    assert "phat-trien-kinh-te-xa-hoi".startswith(slug[:10])


def test_unique_slug_counts_up():
    """A second story with the same title gets '-2', a third '-3'."""
    taken = {"bac-kan", "bac-kan-2"}
    assert text.unique_slug("Bắc Kạn", taken.__contains__) == "bac-kan-3"
    assert text.unique_slug("学校", set().__contains__) == "bai-viet"


def test_fold_ignores_case_and_diacritics_both_ways():
    """Search folding makes 'dai hoi dang' and 'Đại hội Đảng' the same text."""
    assert text.fold("Đại hội ĐẢNG") == text.fold("dai hoi dang") == "dai hoi dang"
    assert text.fold("Bắc Kạn") == "bac kan"


def test_normalize_makes_nfc_and_removes_invisible_characters():
    """Stored text is NFC, without zero-width or bidirectional control characters."""
    decomposed = unicodedata.normalize("NFD", "Bắc Kạn")
    assert text.normalize(decomposed) == "Bắc Kạn"
    assert text.normalize("Bắc\u200b Kạn\u202e\u2066") == "Bắc Kạn"
    assert text.normalize(None) is None


def test_vietnamese_datetime_in_local_time():
    """Datelines read 'Thứ Tư, 22/7/2020 - 08:30' in Asia/Ho_Chi_Minh whatever zone the value is in."""
    import datetime as dt

    utc = dt.datetime(2020, 7, 22, 1, 30, tzinfo=dt.timezone.utc)
    assert text.vietnamese_datetime(utc) == "Thứ Tư, 22/7/2020 - 08:30"
    assert text.vietnamese_datetime(dt.datetime(2020, 7, 26, 18, 5, tzinfo=dt.timezone.utc)) == "Thứ Hai, 27/7/2020 - 01:05"
    assert text.vietnamese_datetime(dt.datetime(2020, 7, 26, 2, 0, tzinfo=dt.timezone.utc)) == "Chủ Nhật, 26/7/2020 - 09:00"
