"""Revisions: the word diff (correct on small texts, bounded in steps on any text) and what a restore puts back."""
import difflib
import random

import pytest
import reversion
from django.db import models
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles import revisions
from articles.models import Article, Status
from articles.roles import EDITOR
from tests.articles.adminforms import admin_form_data
from tests.factories import make_article, make_section, make_user

VOCABULARY = [f"từ{i}" for i in range(3000)] + ["và", "của", "là", "những", "được"] * 300


def words(count, seed):
    rng = random.Random(seed)
    return [(" " if i else "") + rng.choice(VOCABULARY) for i in range(count)]


def rebuilt(before, after, diff):
    """The new text put together from the opcodes, checking that each 'equal' run really is equal."""
    out, at_before, at_after = [], 0, 0
    for tag, i1, i2, j1, j2 in diff.opcodes:
        assert (i1, j1) == (at_before, at_after)
        if tag == "equal":
            assert before[i1:i2] == after[j1:j2]
        out += after[j1:j2]
        at_before, at_after = i2, j2
    assert (at_before, at_after) == (len(before), len(after))
    return out


def test_diff_marks_removed_and_added_words():
    """Removed words are struck out, added words inserted, and the text is escaped."""
    html = revisions.diff_html("Ba người <mất> tích ở Ba Bể", "Ba người được tìm thấy ở Ba Bể")
    assert html == "Ba người<del> &lt;mất&gt; tích</del><ins> được tìm thấy</ins> ở Ba Bể"


@pytest.mark.parametrize("seed", range(200))
def test_diff_is_a_shortest_edit_on_small_texts(seed):
    """On small random texts the diff rebuilds the new text and keeps as many words as difflib's longest match."""
    rng = random.Random(seed)
    alphabet = "abcde"[: rng.randint(1, 5)]
    before = [rng.choice(alphabet) for _ in range(rng.randint(0, 15))]
    after = [rng.choice(alphabet) for _ in range(rng.randint(0, 15))]
    diff = revisions.diff_words(before, after)
    assert diff.complete and rebuilt(before, after, diff) == after
    kept = sum(i2 - i1 for tag, i1, i2, _, _ in diff.opcodes if tag == "equal")
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    assert kept >= sum(block.size for block in matcher.get_matching_blocks())


def test_one_change_in_a_long_body_costs_about_one_pass():
    """A 12,000-word body with one word changed is compared in about one pass over it, in full."""
    before = words(12_000, seed=1)
    after = list(before)
    after[6_000] = " sửa"
    diff = revisions.diff_words(before, after)
    assert diff.complete and rebuilt(before, after, diff) == after
    assert diff.steps <= len(before) + 10
    assert [tag for tag, *_ in diff.opcodes] == ["equal", "replace", "equal"]


def test_scattered_edits_in_a_long_body_are_compared_word_by_word():
    """Two hundred words changed all over a 12,000-word body: a full word diff, well within the budget."""
    before = words(12_000, seed=2)
    after = list(before)
    for index in random.Random(3).sample(range(12_000), 200):
        after[index] = " sửa" + after[index].strip()
    diff = revisions.diff_words(before, after)
    assert diff.complete and rebuilt(before, after, diff) == after
    assert sum(i2 - i1 for tag, i1, i2, _, _ in diff.opcodes if tag != "equal") == 200
    assert diff.steps < revisions.DIFF_STEP_BUDGET / 4


@pytest.mark.parametrize("count", [12_000, 35_000])
def test_worst_case_stops_at_the_step_budget(count):
    """Bodies with no word in common (12,000 words, and ~200 KB) stop at the budget and show both texts whole."""
    before = words(count, seed=4)
    after = [" khác" + word.strip() for word in words(count, seed=5)]
    diff = revisions.diff_words(before, after)
    assert not diff.complete
    # The budget, plus the one pass that trims the common start and end and the last diagonal's walk.
    assert diff.steps <= revisions.DIFF_STEP_BUDGET + len(before) + len(after)
    assert rebuilt(before, after, diff) == after
    html = revisions.diff_html("".join(before), "".join(after), note=True)
    assert str(revisions.TOO_DIFFERENT_NOTE) in html
    assert html.count("<del>") == 1 and html.count("<ins>") == 1


def test_worst_case_of_repeated_words_stops_at_the_budget():
    """The same word repeated against another repeated word, the search's most expensive shape, is capped too."""
    diff = revisions.diff_words(["a"] * 12_000, ["b"] * 12_000)
    assert not diff.complete and diff.steps <= revisions.DIFF_STEP_BUDGET + 24_000


def test_stale_save_of_a_long_rewritten_body_shows_the_conflict(editor, reporter, section, monkeypatch):
    """A stale save of a 12,000-word body rewritten by both editors answers the conflict page within the budget."""
    long_body = "<p>" + "".join(words(12_000, seed=6)) + "</p>"
    article = make_article("Kết quả kỳ thi", section=section, authors=[reporter.author], status=Status.REVIEW,
                           body=long_body)
    second_editor = make_user("bientap2", groups=[EDITOR.group])
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(second_editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    first_data, second_data = admin_form_data(first.get(url)), admin_form_data(second.get(url))
    first_data["body"] = "<p>" + "".join(words(12_000, seed=7)) + "</p>"
    assert first.post(url, first_data).status_code == 302

    spent = []
    real_diff_words = revisions.diff_words
    monkeypatch.setattr(revisions, "diff_words", lambda *a, **k: spent.append(real_diff_words(*a, **k)) or spent[-1])
    second_data["body"] = "<p>" + "".join(words(12_000, seed=8)) + "</p>"
    response = second.post(url, second_data)

    assert response.status_code == 200
    assert "Chưa lưu:" in response.content.decode()
    assert str(revisions.TOO_DIFFERENT_NOTE) in response.content.decode()
    assert spent and all(diff.steps <= revisions.DIFF_STEP_BUDGET + 30_000 for diff in spent)


def test_compare_page_of_two_long_revisions_works(client, editor, reporter, section):
    """The history's compare page of two 12,000-word revisions differing in one paragraph shows that paragraph."""
    article = make_article("Kết quả kỳ thi", section=section, authors=[reporter.author], status=Status.PUBLISHED)
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    body = "".join(words(12_000, seed=9))
    for ending in ["Đoạn cuối bản đầu.", "Đoạn cuối đã sửa."]:
        data = admin_form_data(client.get(url))
        data["body"] = f"<p>{body}</p><p>{ending}</p>"
        assert client.post(url, data).status_code == 302
    new, old = list(revisions.article_versions(article)[:2])
    page = client.get(reverse("admin:articles_article_compare", args=[article.pk]), {"cu": old.pk, "moi": new.pk})
    assert page.status_code == 200
    assert "<del> bản đầu.</del><ins> đã sửa.</ins>" in page.content.decode()


def test_every_field_of_the_story_is_restored_or_excluded_by_name():
    """Each concrete field of Article is either put back by a restore or named in NOT_RESTORED, never both;
    an exclusion that names no field (a renamed or removed one) fails here."""
    names = {field.name for field in Article._meta.concrete_fields}
    restored = {field.name for field in Article._meta.concrete_fields if field.attname in revisions.RESTORED_FIELDS}
    assert revisions.NOT_RESTORED <= names
    assert restored | revisions.NOT_RESTORED == names and not restored & revisions.NOT_RESTORED
    assert {"status", "published_at", "slug", "version"} <= revisions.NOT_RESTORED


def test_a_field_added_to_the_story_is_restored_unless_excluded():
    """A new content field is restored without editing any list; naming it in NOT_RESTORED leaves it alone."""
    subtitle = models.CharField(max_length=200, blank=True)
    subtitle.set_attributes_from_name("subtitle")
    fields = [*Article._meta.concrete_fields, subtitle]
    assert revisions.restored_fields(fields) == [*revisions.RESTORED_FIELDS, "subtitle"]
    status = next(field for field in fields if field.name == "status")
    assert "status" not in revisions.restored_fields([status])


def test_restore_puts_back_every_restored_field_and_keeps_the_rest(editor, section):
    """A restore brings back each restored field's saved value; status, slug and publish time stay as they are."""
    other_section = make_section("Kinh tế")
    article = make_article("Lũ quét ở Ba Bể", section=section, kicker="Tin nóng", sapo="Ba người mất tích.",
                           body="<p>Bản đầu.</p>", is_featured=True, status=Status.PUBLISHED)
    with reversion.create_revision():
        reversion.add_to_revision(Article.objects.get(pk=article.pk))
    saved = Version.objects.get_for_object(article).get()
    article = Article.objects.get(pk=article.pk)
    before = {name: getattr(article, name) for name in revisions.RESTORED_FIELDS}
    kept = (article.status, article.slug, article.published_at)
    Article.objects.filter(pk=article.pk).update(title="Tiêu đề mới", kicker="", sapo="Sapo mới", body="<p>Mới.</p>",
                                                 section=other_section, is_featured=False)

    restored = revisions.article_restore(article=Article.objects.get(pk=article.pk), version=saved, by=editor)
    restored.refresh_from_db()
    assert {name: getattr(restored, name) for name in revisions.RESTORED_FIELDS} == before
    assert (restored.status, restored.slug, restored.published_at) == kept


def test_restored_bylines_and_captions_keep_every_stored_field(section):
    """A stored byline or caption comes back with every field it was saved with (not its old key or story), and a
    revision from before a field existed (a byline without a role) gets the field's default."""
    from articles.models import Byline, BylineRole, Caption

    article = make_article("Bài có ảnh", section=section)
    byline, old_byline = revisions._restored_rows(
        Byline, [{"id": 7, "article_id": 99, "author_id": 3, "order": 2, "role": BylineRole.PHOTOS},
                 {"id": 8, "article_id": 99, "author_id": 4, "order": 0}], article=article)
    assert (byline.pk, byline.article, byline.author_id, byline.order, byline.role) == (
        None, article, 3, 2, BylineRole.PHOTOS)
    assert old_byline.role == BylineRole.WRITER
    stored_caption = {"id": 5, "article_id": 99, "photo_id": 6, "text": "Hồ Ba Bể", "is_lead": True, "order": 1}
    caption = revisions._restored_rows(Caption, [stored_caption], article=article)[0]
    assert {name: getattr(caption, name) for name in stored_caption} == {**stored_caption, "id": None,
                                                                        "article_id": article.pk}


def test_a_revision_from_before_photos_stood_in_the_text_restores_them_there(editor, section):
    """A revision saved when captions carried a paragraph number (before migration 0012) restores its lead photo as
    the lead and its other photos as figures in the text after that paragraph, as the migration placed them."""
    import json

    from articles.models import Caption
    from articles.richtext import photo_figure
    from tests.factories import make_caption, make_photo

    article = make_article("Chợ phiên", section=section, body="<p>Một.</p><p>Hai.</p>", status=Status.PUBLISHED)
    lead, inside = make_photo(), make_photo()
    with reversion.create_revision():
        make_caption(article, lead, text="Ảnh đầu.")
        old = make_caption(article, inside, text="Giữa bài.", is_lead=False)
        reversion.add_to_revision(Article.objects.get(pk=article.pk))
    saved = Version.objects.get_for_object(article).get()
    stored = Version.objects.get_for_object(old).get()
    data = json.loads(stored.serialized_data)
    data[0]["fields"]["position"] = 1  # as the caption was stored then
    Version.objects.filter(pk=stored.pk).update(serialized_data=json.dumps(data))
    Caption.objects.filter(article=article).delete()
    Article.objects.filter(pk=article.pk).update(body="<p>Khác.</p>")

    restored = revisions.article_restore(article=Article.objects.get(pk=article.pk), version=saved, by=editor)
    restored.refresh_from_db()
    assert restored.body == "<p>Một.</p>" + photo_figure(inside.pk, "Giữa bài.") + "<p>Hai.</p>"
    assert list(restored.captions.values_list("photo_id", "text", "is_lead")) == [(lead.pk, "Ảnh đầu.", True)]
