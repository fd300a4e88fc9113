"""Very long bodies (a province's exam results table) are stored whole and found by search, never a 500."""
import html
import importlib
import io
import re
import string
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse

from articles import revisions, search, text
from articles.models import Article, Status
from tests.articles.adminforms import admin_form_data
from tests.factories import make_article

# PostgreSQL refuses a tsvector whose distinct words take more than this many bytes.
TSVECTOR_MAX_BYTES = 1_048_575
TABLE_BYTES = 3_900_000


def distinct_word(n: int) -> str:
    """A made-up word of lower-case letters, different for every n ('qa', 'qb', ... 'qba'...)."""
    letters = []
    while True:
        n, digit = divmod(n, 26)
        letters.append(string.ascii_lowercase[digit])
        if n == 0:
            return "q" + "".join(reversed(letters))


def results_rows(size: int):
    """Rows of a results table with three distinct words each, until they fill `size` bytes of UTF-8."""
    rows, total, n = [], 0, 0
    while total < size:
        names = " ".join(distinct_word(3 * n + k) for k in range(3))
        row = f"Thí sinh {names} số báo danh {n:07d} đạt {n % 10},5 điểm"
        rows.append(row)
        total += len(row.encode()) + 1
        n += 1
    return rows


def distinct_bytes(folded: str) -> int:
    return sum(len(word) for word in set(folded.split()))


@pytest.fixture(scope="module")
def table_rows():
    rows = results_rows(TABLE_BYTES)
    # The premise: indexed whole, this text is past PostgreSQL's limit.
    assert distinct_bytes(text.fold(" ".join(rows))) > TSVECTOR_MAX_BYTES
    return rows


def found(words, **filters):
    return list(search.matching(Article.objects.filter(**filters), words).values_list("title", flat=True))


@pytest.mark.postgres
@pytest.mark.slow
def test_results_table_saves_through_the_admin_and_its_first_words_are_found(client, editor, section, table_rows):
    """A 3.9 MB body with over a megabyte of distinct words saves from the story form, whole, and is searchable."""
    body = "".join(f"<p>{row}</p>" for row in table_rows)
    client.force_login(editor)
    data = admin_form_data(client.get(reverse("admin:articles_article_add")))
    data.update({"title": "Kết quả thi tuyển sinh lớp 10", "sapo": "Điểm thi của các thí sinh.", "body": body,
                 "section": section.pk})
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="Kết quả thi tuyển sinh lớp 10")
    assert article.body == body
    first_word, last_word = table_rows[0].split()[2], table_rows[-1].split()[4]
    assert found([first_word]) == ["Kết quả thi tuyển sinh lớp 10"]
    assert found(["ket", "qua", "tuyen", "sinh"]) == ["Kết quả thi tuyển sinh lớp 10"]
    assert last_word in article.search_body  # stored whole; only the index is bounded


@pytest.mark.postgres
@pytest.mark.slow
def test_results_table_imports_and_its_first_words_are_found(db, tmp_path, table_rows):
    """The same table as a scraped file imports (with the size limit raised) and is searchable."""
    path = tmp_path / "ket-qua-thi.txt"
    path.write_text("Kết quả thi tuyển sinh lớp 10\n\n" + "\n".join(table_rows) + "\n", encoding="utf-8")
    assert path.stat().st_size > 3_800_000
    out = io.StringIO()
    call_command("import_article", str(path), "--max-bytes", "5000000", stdout=out)
    article = Article.objects.get()
    assert article.status == Status.DRAFT
    assert found([table_rows[0].split()[2]]) == [article.title]
    assert table_rows[-1].split()[4] in article.search_body


@pytest.mark.django_db
@pytest.mark.slow
def test_two_hundred_thousand_lines_are_refused_in_vietnamese_or_imported(tmp_path):
    """A 200,000-line file gets a one-line Vietnamese refusal by default, and imports with the limit raised."""
    path = tmp_path / "danh-sach.txt"
    lines = [f"Dòng {n:06d} {distinct_word(n)}" for n in range(200_000)]
    path.write_text("Danh sách dài\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_article", str(path), stdout=io.StringIO())
    message = str(error.value)
    assert "danh-sach.txt" in message and "--max-bytes" in message and "\n" not in message
    assert Article.objects.count() == 0

    call_command("import_article", str(path), "--max-bytes", "10000000", stdout=io.StringIO())
    article = Article.objects.get()
    assert article.body.count("<p>") == 200_000
    if connection.vendor == "postgresql":
        assert found([distinct_word(0)]) == ["Danh sách dài"]


def short_words(length: int) -> list[str]:
    """Every word of `length` letters and digits, in order: the costliest words for PostgreSQL per character."""
    symbols = string.ascii_lowercase + string.digits
    words = [""]
    for _ in range(length):
        words = [word + symbol for word in words for symbol in symbols]
    return words


@pytest.mark.postgres
def test_costliest_words_still_fit_and_the_cut_falls_between_words(db, section):
    """A body of all 2- and 3-letter words then distinct 4-letter ones, too big to index whole, saves; the
    document holds whole words up to the bound and nothing of the word it cuts through."""
    prefix_chars = importlib.import_module("articles.migrations.0005_search_bounded").SEARCH_PREFIX_CHARS
    words = short_words(2) + short_words(3) + [f"w{n:04x}" for n in range(100_000)]
    title = "Bảng mã"
    document = text.fold(title) + " " + " ".join(words)
    with connection.cursor() as cursor, pytest.raises(Exception, match="too long for tsvector"):
        with transaction.atomic():
            cursor.execute("SELECT to_tsvector('simple', %s)", [document])
    # Shift the bound into the middle of a word with the title's length.
    while document[prefix_chars] == " " or document[prefix_chars - 1] == " ":
        title += "a"
        document = text.fold(title) + " " + " ".join(words)
    cut_word = document[:prefix_chars + 1].split()[-1]
    last_whole_word = document[:prefix_chars].split()[-2]
    fragment = document[:prefix_chars].split()[-1]
    assert fragment != cut_word and len(fragment) >= 1

    story = make_article(title, section=section, body=f"<p>{' '.join(words)}</p>", sapo="")
    assert found([words[0]]) == found([last_whole_word]) == [story.title]
    assert found([cut_word]) == found([fragment]) == found([words[-1]]) == []


def without(markup: str, tag: str) -> str:
    """The diff's text with one kind of change left out: what one side of the comparison reads."""
    return html.unescape(re.sub(rf"<{tag}>.*?</{tag}>", "", markup, flags=re.S).replace("<del>", "").replace(
        "</del>", "").replace("<ins>", "").replace("</ins>", ""))


def test_one_row_changed_in_a_long_table_is_one_removal_and_one_addition():
    """Comparing a 60,000-row table with one row changed marks that row only; both texts read back whole."""
    rows = results_rows(TABLE_BYTES)
    old = "\n\n".join(rows)
    rows[len(rows) // 2] = "Thí sinh vắng thi <b>"
    new = "\n\n".join(rows)
    diff = str(revisions.diff_html(old, new))
    assert diff.count("<del>") == 1 and diff.count("<ins>") == 1
    assert "&lt;b&gt;</ins>" in diff
    assert without(diff, "ins") == old and without(diff, "del") == new


def test_a_rewrite_past_the_diff_budget_is_shown_removed_and_added_whole():
    """3,000 words rewritten, past what DIFF_STEP_BUDGET compares word by word: one removal and one addition."""
    old = "Mở đầu. " + " ".join(f"cũ{n}" for n in range(3000)) + " Kết thúc."
    new = "Mở đầu. " + " ".join(f"mới{n}" for n in range(3000)) + " Kết thúc."
    diff = str(revisions.diff_html(old, new))
    assert diff.startswith("Mở đầu.<del>") and diff.endswith("</ins> Kết thúc.")
    assert without(diff, "ins") == old and without(diff, "del") == new


@pytest.mark.slow
def test_stale_save_of_a_long_table_shows_both_texts(client, editor, section, table_rows):
    """Two editors on a 3.9 MB table: the later save is refused with the merge page, the typed text kept."""
    body = "".join(f"<p>{row}</p>" for row in table_rows)
    article = make_article("Kết quả thi", section=section, body=body)
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.force_login(editor)
    data = admin_form_data(client.get(url))
    article.body = body.replace(table_rows[10], "Thí sinh vắng thi", 1)
    article.save()
    data["body"] = body.replace(table_rows[-10], "Thí sinh được phúc khảo", 1)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.conflict is not None
    assert "Thí sinh được phúc khảo" in response.context["adminform"].form["body"].value()


def test_story_form_is_sent_as_multipart_so_a_body_travels_at_its_own_size(client, editor):
    """The story form asks the browser for multipart/form-data: Vietnamese text URL-encoded nearly doubles."""
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_add")).content.decode()
    assert re.search(r'<form enctype="multipart/form-data"[^>]*id="article_form"', page)
    sample = "Thí sinh Nguyễn Văn An đạt 8,5 điểm"
    assert len(urlencode({"body": sample})) > 1.5 * len(sample.encode())
