"""Revisions of a story (django-reversion): what each save keeps, comparing two, restoring one.

Every admin save stores the whole story with its bylines and captions. Restoring puts back the text,
section, tags, bylines and captions through the normal save (so the version counter moves on and a new
revision is written); it never touches the status, which belongs to workflow.py.
"""
import html
import json
import re
from array import array
from dataclasses import dataclass, field
from itertools import groupby

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from photos.models import Photo

from . import photouses, workflow
from .models import Article, Author, Byline, Caption, Section
from .rendering import place_after_blocks, split_blocks
from .richtext import photo_figure
from .signals import announce_article_changed
from .people import display_name
from .text import vietnamese_datetime


def register_models():
    """Tell django-reversion what a story's revision holds (called once, from ArticlesConfig.ready())."""
    if not reversion.is_registered(Article):
        # search_* are derived from the text on every save; storing them again would only double the size.
        reversion.register(Article, follow=["bylines", "captions"], exclude=["search_title", "search_body"])
    for model in (Byline, Caption):
        if not reversion.is_registered(model):
            reversion.register(model)


# What a restore leaves as it is: every other concrete field of Article is put back (restored_fields()), so a
# field added to the story is restored unless it is named here with its reason.
NOT_RESTORED = frozenset({
    "id",
    "slug",  # the public URL: readers, feeds and search engines already hold it
    *workflow.WORKFLOW_FIELDS,  # status, first_published_at, the trash flag: only the workflow and trash.py write them
    "published_at",  # the publication time is the workflow's too (publish, schedule, unschedule)
    "created_at", "created_by",  # who made the story, and when: no revision changes that
    "updated_at", "last_edited_by",  # the restore is a new edit: now, by whoever restores
    "version",  # the stale-save counter: the restore's own save moves it on
    "search_title", "search_body",  # derived from the text on every save (and not kept in revisions)
    "source_key",  # the importer's key for the file the story came from
})


def restored_fields(fields=None) -> list[str]:
    """The attribute names a restore puts back: the concrete content fields, less NOT_RESTORED."""
    fields = Article._meta.concrete_fields if fields is None else fields
    return [field.attname for field in fields if field.name not in NOT_RESTORED]


RESTORED_FIELDS = restored_fields()
COMPARED_FIELDS = [("title", gettext_lazy("Title")), ("kicker", gettext_lazy("Kicker")), ("sapo", gettext_lazy("Sapo")),
                   ("body", gettext_lazy("Body"))]

# Columns every save writes by itself: a save that changes only these changed nothing a reader or editor wrote.
BOOKKEEPING_FIELDS = frozenset({"updated_at", "last_edited_by", "version", "search_title", "search_body"})
_BETWEEN_TAGS = re.compile(r">\s+<")


def _same(name: str, old, new) -> bool:
    if name == "body":
        # The editor lays blocks out with line breaks between tags, an import does not: not a change of text.
        return _BETWEEN_TAGS.sub("><", old or "").strip() == _BETWEEN_TAGS.sub("><", new or "").strip()
    return old == new


def stored_content(article: Article, names) -> dict:
    """The story's columns `names` as the database holds them now, before a save overwrites them."""
    names = [name for name in names if name not in BOOKKEEPING_FIELDS]
    return Article.objects.filter(pk=article.pk).values(*names).first() or {}


def changed_fields(before: dict, article: Article) -> set[str]:
    """The fields of `before` (stored_content) whose value the saved `article` no longer has."""
    return {name for name, old in before.items()
            if not _same(name, old, getattr(article, Article._meta.get_field(name).attname))}


_WORDS = re.compile(r"\s*\S+|\s+$")


def article_versions(article: Article):
    """The story's saved revisions, newest first, with who saved each."""
    return Version.objects.get_for_object(article).select_related("revision__user__author")


def get_version(article: Article, version_id) -> Version | None:
    try:
        return article_versions(article).get(pk=int(version_id))
    except (Version.DoesNotExist, TypeError, ValueError):
        return None


def body_as_text(body: str) -> str:
    """A body as plain paragraphs separated by blank lines, for comparing."""
    blocks = (html.unescape(strip_tags(block)).strip() for block in split_blocks(body or ""))
    return "\n\n".join(block for block in blocks if block)


# A word diff runs on every stale save and in compare/restore, so its cost is capped: past this many
# steps (a step is one diagonal of the search or one pair of equal words walked) the part that differs
# is shown whole, old then new. Measured: about 0.3 s of one core at the cap.
DIFF_STEP_BUDGET = 1_000_000
TOO_DIFFERENT_NOTE = gettext_lazy("The two versions differ too much to compare word by word: the part that differs "
                                  "is shown as it is, the old version (struck out in red) then the new (green).")


@dataclass
class WordDiff:
    """Opcodes as difflib writes them, the steps spent, and whether the search finished within the budget."""

    opcodes: list = field(default_factory=list)
    steps: int = 0
    complete: bool = True


def _furthest_paths(a, b, budget):
    """Myers' greedy search: the furthest x on each diagonal after each round, or None past `budget` steps."""
    n, m = len(a), len(b)
    offset = n + m + 1
    furthest = array("q", [0]) * (2 * offset + 1)
    rounds = []
    steps = 0
    for d in range(n + m + 1):
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and furthest[offset + k - 1] < furthest[offset + k + 1]):
                x = furthest[offset + k + 1]  # down: a word of b inserted
            else:
                x = furthest[offset + k - 1] + 1  # right: a word of a deleted
            y = x - k
            start = x
            while x < n and y < m and a[x] == b[y]:
                x += 1
                y += 1
            steps += 1 + x - start
            furthest[offset + k] = x
            if x >= n and y >= m:
                rounds.append(furthest[offset - d:offset + d + 1])
                return rounds, steps
        rounds.append(furthest[offset - d:offset + d + 1])
        if steps > budget:
            return None, steps
    return rounds, steps


def _edits(a, b, rounds):
    """Walk the rounds back from the end: one ("equal" | "delete" | "insert", i, j) per word, in order."""
    edits = []
    x, y = len(a), len(b)
    for d in range(len(rounds) - 1, 0, -1):
        previous, base = rounds[d - 1], d - 1  # round d-1 holds diagonals -(d-1)..d-1
        k = x - y
        down = k == -d or (k != d and previous[base + k - 1] < previous[base + k + 1])
        prev_k = k + 1 if down else k - 1
        prev_x = previous[base + prev_k]
        prev_y = prev_x - prev_k
        start_x, start_y = (prev_x, prev_y + 1) if down else (prev_x + 1, prev_y)
        while x > start_x and y > start_y:
            x, y = x - 1, y - 1
            edits.append(("equal", x, y))
        edits.append(("insert", prev_x, prev_y) if down else ("delete", prev_x, prev_y))
        x, y = prev_x, prev_y
    while x > 0 and y > 0:
        x, y = x - 1, y - 1
        edits.append(("equal", x, y))
    edits.reverse()
    return edits


def _opcodes(edits, i_base, j_base):
    """Group per-word edits into difflib-style opcodes: runs of equal words, and the changes between them."""
    opcodes = []
    i, j = i_base, j_base
    for tag, group in groupby(edits, key=lambda edit: edit[0] == "equal"):
        run = list(group)
        deleted = sum(1 for edit in run if edit[0] == "delete")
        inserted = sum(1 for edit in run if edit[0] == "insert")
        if tag:
            opcodes.append(("equal", i, i + len(run), j, j + len(run)))
            i, j = i + len(run), j + len(run)
            continue
        kind = "replace" if deleted and inserted else ("delete" if deleted else "insert")
        opcodes.append((kind, i, i + deleted, j, j + inserted))
        i, j = i + deleted, j + inserted
    return opcodes


def diff_words(before: list, after: list, budget: int = DIFF_STEP_BUDGET) -> WordDiff:
    """Compare two lists of words: the common start and end first, then Myers' search within `budget` steps."""
    n, m = len(before), len(after)
    prefix = 0
    while prefix < n and prefix < m and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < n - prefix and suffix < m - prefix and before[n - 1 - suffix] == after[m - 1 - suffix]:
        suffix += 1
    result = WordDiff(steps=prefix + suffix)
    if prefix:
        result.opcodes.append(("equal", 0, prefix, 0, prefix))
    middle_a, middle_b = before[prefix:n - suffix], after[prefix:m - suffix]
    if middle_a or middle_b:
        rounds, steps = _furthest_paths(middle_a, middle_b, budget)
        result.steps += steps
        if rounds is None:
            result.complete = False
            kind = "replace" if middle_a and middle_b else ("delete" if middle_a else "insert")
            result.opcodes.append((kind, prefix, n - suffix, prefix, m - suffix))
        else:
            result.opcodes += _opcodes(_edits(middle_a, middle_b, rounds), prefix, prefix)
    if suffix:
        result.opcodes.append(("equal", n - suffix, n, m - suffix, m))
    return result


def diff_html(old: str, new: str, *, note: bool = False):
    """Word by word: removed words in <del>, added words in <ins>, all escaped; `note` says when a stretch is whole."""
    before, after = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    diff = diff_words(before, after)
    parts = [f'<p class="nr-diff-note">{escape(TOO_DIFFERENT_NOTE)}</p>'] if note and not diff.complete else []
    for tag, i1, i2, j1, j2 in diff.opcodes:
        if tag == "equal":
            parts.append(escape("".join(before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(before[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(after[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def _comparable(values: dict, name: str) -> str:
    value = values.get(name) or ""
    return body_as_text(value) if name == "body" else value


def compare(old: dict, new: dict) -> list[dict]:
    """Field by field differences between two states of a story (dicts of field values)."""
    rows = []
    for name, label in COMPARED_FIELDS:
        before, after = _comparable(old, name), _comparable(new, name)
        changed = before != after
        rows.append({"name": name, "label": label, "changed": changed,
                     "diff": diff_html(before, after, note=True) if changed else escape(after),
                     "old": before, "new": after})
    return rows


def compare_versions(old: Version, new: Version) -> list[dict]:
    return compare(old.field_dict, new.field_dict)


def describe(version: Version) -> str:
    """'Thứ Tư, 22/7/2020 - 08:30, Nông Vui' for lists and messages."""
    revision = version.revision
    who = display_name(revision.user) if revision.user else _("system")
    return f"{vietnamese_datetime(revision.date_created)}, {who}"


def _stored_fields(version: Version) -> dict:
    """The fields a version was stored with, including those the model no longer has (a caption's position)."""
    try:
        return json.loads(version.serialized_data)[0]["fields"] if version.format == "json" else {}
    except (ValueError, LookupError, TypeError):
        return {}


def _related_rows(version: Version, model, article: Article) -> list[dict]:
    content_type = ContentType.objects.get_for_model(model)
    rows = [{**_stored_fields(v), **v.field_dict} for v in version.revision.version_set.filter(content_type=content_type)]
    return [row for row in rows if row.get("article_id") == article.pk]


def _with_placed_captions(body: str, captions: list[dict]) -> str:
    """A revision from before migration 0012 placed photos by paragraph number: they stand in the text now."""
    placed = sorted((c for c in captions if not c.get("is_lead")),
                    key=lambda c: (c.get("position") or 0, c.get("order") or 0, c.get("id") or 0))
    return place_after_blocks(body, [(c.get("position") or 0, photo_figure(c["photo_id"], c.get("text") or ""))
                                     for c in placed])


def _restored_rows(model, rows, *, article):
    """New rows of a story's byline or caption model from a revision's stored ones: every concrete field the
    revision kept but the key, so a field added to the model is restored too (and one added since the revision
    was saved takes its default)."""
    names = [f.attname for f in model._meta.concrete_fields if not f.primary_key and f.name != "article"]
    return [model(article=article, **{name: row[name] for name in names if name in row}) for row in rows]


def article_restore(*, article: Article, version: Version, by) -> Article:
    """Put a saved revision's text, bylines and captions back as a new save; the status stays as it is."""
    if version.content_type.model_class() is not Article or version.object_id != str(article.pk):
        raise workflow.WorkflowError(_("This version does not belong to the open story."))
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if not workflow.can_edit(by, locked):
            raise workflow.WorkflowError(_("You may not edit this story, so you cannot restore it."))
        data = version.field_dict
        for name in RESTORED_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        if not Section.objects.filter(pk=locked.section_id).exists():
            raise workflow.WorkflowError(_("This version's section has been deleted; it cannot be restored."))
        captions = _related_rows(version, Caption, locked)
        known_photos = set(
            Photo.objects.filter(pk__in=[c["photo_id"] for c in captions]).values_list("pk", flat=True))
        captions = [c for c in captions if c["photo_id"] in known_photos]
        locked.body = _with_placed_captions(locked.body, captions)
        locked.last_edited_by = by
        with reversion.create_revision():
            locked.save(update_fields=workflow.content_fields())
            if "tags" in data:
                locked.tags.set(data["tags"])
            bylines = _related_rows(version, Byline, locked)
            known_authors = set(
                Author.objects.filter(pk__in=[b["author_id"] for b in bylines]).values_list("pk", flat=True))
            Byline.objects.filter(article=locked).delete()
            # A revision saved before bylines had roles holds writers (the field's default).
            Byline.objects.bulk_create(_restored_rows(Byline, [b for b in bylines if b["author_id"] in known_authors],
                                                      article=locked))
            Caption.objects.filter(article=locked).delete()
            Caption.objects.bulk_create(_restored_rows(Caption, [c for c in captions if c.get("is_lead")],
                                                       article=locked))
            photouses.lead_use_sync(article_id=locked.pk)  # bulk_create sends no post_save
            reversion.add_to_revision(locked)
            reversion.set_user(by)
            reversion.set_comment(_("Restored the version saved at %(version)s") % {"version": describe(version)})
        announce_article_changed(locked, action="restore")
    return locked
