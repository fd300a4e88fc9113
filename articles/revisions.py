"""Revisions of a story (django-reversion): what each save keeps, comparing two, restoring one.

Every admin save stores the whole story with its bylines and captions. Restoring puts back the text,
section, tags, bylines and captions through the normal save (so the version counter moves on and a new
revision is written); it never touches the status, which belongs to workflow.py.
"""
import difflib
import html
import re

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from reversion.models import Version

from . import workflow
from .models import Article, Author, Byline, Caption, Photo, Section
from .rendering import split_blocks
from .signals import announce_article_changed
from .text import vietnamese_datetime

if not reversion.is_registered(Article):
    # search_* are derived from the text on every save; storing them again would only double the size.
    reversion.register(Article, follow=["bylines", "captions"], exclude=["search_title", "search_body"])
if not reversion.is_registered(Byline):
    reversion.register(Byline)
if not reversion.is_registered(Caption):
    reversion.register(Caption)

# What a restore puts back. Status and publication times are the workflow's; the slug is the public URL.
RESTORED_FIELDS = ["title", "kicker", "sapo", "body", "section_id", "is_featured"]
COMPARED_FIELDS = [("title", "Tiêu đề"), ("kicker", "Tít phụ"), ("sapo", "Sapo"), ("body", "Nội dung")]

_WORDS = re.compile(r"\s*\S+|\s+$")
DIFF_MAX_WORDS = 3000


def article_versions(article: Article):
    """The story's saved revisions, newest first, with who saved each."""
    return Version.objects.get_for_object(article).select_related("revision__user")


def get_version(article: Article, version_id) -> Version | None:
    try:
        return article_versions(article).get(pk=int(version_id))
    except (Version.DoesNotExist, TypeError, ValueError):
        return None


def body_as_text(body: str) -> str:
    """A body as plain paragraphs separated by blank lines, for comparing."""
    blocks = (html.unescape(strip_tags(block)).strip() for block in split_blocks(body or ""))
    return "\n\n".join(block for block in blocks if block)


def diff_html(old: str, new: str):
    """Word by word: removed words in <del>, added words in <ins>; all text escaped."""
    before, after = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    # Matching words is quadratic when words repeat (a results table repeats "điểm" 60,000 times): only the
    # stretch between the common beginning and end is compared, and a stretch past DIFF_MAX_WORDS is shown
    # removed and added whole, so a stale save of a 4 MB story answers in seconds, not minutes.
    start, shortest = 0, min(len(before), len(after))
    while start < shortest and before[start] == after[start]:
        start += 1
    end = 0
    while end < shortest - start and before[-1 - end] == after[-1 - end]:
        end += 1
    changed_before, changed_after = before[start:len(before) - end], after[start:len(after) - end]
    if max(len(changed_before), len(changed_after)) > DIFF_MAX_WORDS:
        opcodes = [("replace", 0, len(changed_before), 0, len(changed_after))]
    else:
        opcodes = difflib.SequenceMatcher(None, changed_before, changed_after, autojunk=False).get_opcodes()
    parts = [escape("".join(before[:start]))]
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            parts.append(escape("".join(changed_before[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(changed_before[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(changed_after[j1:j2]))}</ins>")
    parts.append(escape("".join(before[len(before) - end:])))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def _comparable(values: dict, name: str) -> str:
    value = values.get(name) or ""
    return body_as_text(value) if name == "body" else value


def compare(old: dict, new: dict) -> list[dict]:
    """Field by field differences between two states of a story (dicts of field values)."""
    rows = []
    for name, label in COMPARED_FIELDS:
        before, after = _comparable(old, name), _comparable(new, name)
        rows.append({"name": name, "label": label, "changed": before != after, "diff": diff_html(before, after),
                     "old": before, "new": after})
    return rows


def compare_versions(old: Version, new: Version) -> list[dict]:
    return compare(old.field_dict, new.field_dict)


def describe(version: Version) -> str:
    """'Thứ Tư, 22/7/2020 - 08:30, bvien' for lists and messages."""
    revision = version.revision
    who = revision.user.get_username() if revision.user else "hệ thống"
    return f"{vietnamese_datetime(revision.date_created)}, {who}"


def _related_rows(version: Version, model, article: Article) -> list[dict]:
    content_type = ContentType.objects.get_for_model(model)
    rows = [v.field_dict for v in version.revision.version_set.filter(content_type=content_type)]
    return [row for row in rows if row.get("article_id") == article.pk]


def article_restore(*, article: Article, version: Version, by) -> Article:
    """Put a saved revision's text, bylines and captions back as a new save; the status stays as it is."""
    if version.content_type.model_class() is not Article or version.object_id != str(article.pk):
        raise workflow.WorkflowError("Phiên bản này không thuộc bài viết đang mở.")
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if not workflow.can_edit(by, locked):
            raise workflow.WorkflowError("Bạn không có quyền sửa bài này nên không khôi phục được.")
        data = version.field_dict
        for name in RESTORED_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        if not Section.objects.filter(pk=locked.section_id).exists():
            raise workflow.WorkflowError("Chuyên mục của phiên bản này đã bị xóa, không khôi phục được.")
        locked.last_edited_by = by
        with reversion.create_revision():
            locked.save(update_fields=workflow.content_fields())
            if "tags" in data:
                locked.tags.set(data["tags"])
            bylines = _related_rows(version, Byline, locked)
            known_authors = set(
                Author.objects.filter(pk__in=[b["author_id"] for b in bylines]).values_list("pk", flat=True))
            Byline.objects.filter(article=locked).delete()
            Byline.objects.bulk_create([
                Byline(article=locked, author_id=b["author_id"], order=b["order"])
                for b in bylines if b["author_id"] in known_authors
            ])
            captions = _related_rows(version, Caption, locked)
            known_photos = set(
                Photo.objects.filter(pk__in=[c["photo_id"] for c in captions]).values_list("pk", flat=True))
            Caption.objects.filter(article=locked).delete()
            Caption.objects.bulk_create([
                Caption(article=locked, photo_id=c["photo_id"], text=c["text"], position=c["position"],
                        is_lead=c["is_lead"], order=c["order"])
                for c in captions if c["photo_id"] in known_photos
            ])
            reversion.add_to_revision(locked)
            reversion.set_user(by)
            reversion.set_comment(f"Khôi phục phiên bản lưu lúc {describe(version)}")
        announce_article_changed(locked, action="restore")
    return locked
