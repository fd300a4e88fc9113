"""Searching published stories, with or without Vietnamese diacritics.

Both the stories and the query are folded with text.fold ("Đại hội Đảng" -> "dai hoi dang"), so
diacritics and case never matter. A story's searchable text is every word a reader sees of it: title,
kicker, sapo, body, the captions and credits of its photos and the names on its byline (story_text;
kept in step by the receivers at the end of this module, connected in ArticlesConfig.ready).

Results come in tiers, each newest first: the words standing together in the title, all the words in the
title, the words standing together anywhere else, then the words scattered through the story.

On PostgreSQL the match runs on the stored, GIN-indexed tsvector `search_document` (migration 0003),
made from the first 500,000 folded characters of the story (migration 0005: PostgreSQL cannot index more
than 1 MB of words per row, so the rest of a long data table is stored but not found); since migration
0010 the vectors keep word positions, which phrase matching (`<->`) needs. Elsewhere it falls back to LIKE
on the folded columns, over the whole text.
"""
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, connections, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from . import text
from .models import Article, PhotoUse

MAX_QUERY_CHARS = 200  # longer input is cut before folding: nobody types more, and it bounds the work
MAX_WORDS = 8
MAX_WORD_CHARS = 40
PAGE_SIZE = 20
MAX_PAGES = 20  # 400 results: readers refine the words long before; deeper pages would cost more
# How many of the newest stories are walked before the GIN index is asked instead (see newest_ids).
MIN_WINDOW = 400
WINDOW_PER_RESULT = 20


@dataclass
class SearchResults:
    query: str = ""
    words: list = field(default_factory=list)
    page: int = 1
    stories: list = field(default_factory=list)
    has_next: bool = False

    @property
    def has_previous(self):
        return self.page > 1


def search_words(raw) -> list[str]:
    """The folded words of a visitor's query: ASCII letters and digits only, bounded in number and length."""
    folded = text.fold(str(raw or "")[:MAX_QUERY_CHARS])
    words = []
    for word in folded.split():
        word = word[:MAX_WORD_CHARS]
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def _postgres_match(words, title_only=False, negate=False, phrase=False):
    # Words are [a-z0-9]+ (text.fold guarantees it), so the tsquery text cannot carry operators;
    # it still travels as a parameter.
    column = "search_title_document" if title_only else "search_document"
    sql = f"articles_article.{column} @@ to_tsquery('simple'::regconfig, %s)"
    query = (" <-> " if phrase else " & ").join(words)
    return RawSQL(f"NOT ({sql})" if negate else sql, [query], output_field=BooleanField())


def _fallback_word(column, word):
    # The folded columns hold single-space separated words: match whole words (or a run of whole words, a
    # phrase), not substrings.
    return (Q(**{column: word}) | Q(**{f"{column}__startswith": f"{word} "})
            | Q(**{f"{column}__endswith": f" {word}"}) | Q(**{f"{column}__contains": f" {word} "}))


def _fallback_match(words, title_only=False, phrase=False):
    condition = Q()
    for word in [" ".join(words)] if phrase else words:
        in_title = _fallback_word("search_title", word)
        condition &= in_title if title_only else (in_title | _fallback_word("search_body", word))
    return condition


def _filtered(queryset, words, *, title_only=False, phrase=False, negate=False):
    if connection.vendor == "postgresql":
        return queryset.filter(_postgres_match(words, title_only, negate=negate, phrase=phrase))
    condition = _fallback_match(words, title_only, phrase=phrase)
    return queryset.exclude(condition) if negate else queryset.filter(condition)


def matching(queryset, words, *, title_only=False, phrase=False):
    """queryset narrowed to stories holding every word (in the title only, side by side in order, if asked)."""
    return _filtered(queryset, words, title_only=title_only, phrase=phrase)


def matching_outside_title(queryset, words):
    """queryset narrowed to stories holding every word, but not all of them in the title."""
    return _filtered(matching(queryset, words), words, title_only=True, negate=True)


def ranked_tiers(queryset, words) -> list:
    """queryset split into disjoint tiers, best first: the words together in the title, all in the title, the
    words together elsewhere, the words scattered. One word is its own phrase: two tiers."""
    in_title = matching(queryset, words, title_only=True)
    elsewhere = matching_outside_title(queryset, words)
    if len(words) == 1:
        return [in_title, elsewhere]
    together = dict(title_only=True, phrase=True)
    return [
        matching(in_title, words, **together),
        _filtered(in_title, words, **together, negate=True),
        matching(elsewhere, words, phrase=True),
        _filtered(elsewhere, words, phrase=True, negate=True),
    ]


def _ordered(queryset):
    return queryset.order_by("-published_at", "-id")


@contextmanager
def _planner(using, **switches):
    """Run the enclosed queries on database `using` with PostgreSQL planner switches (SET LOCAL), then reset them."""
    names = [f"enable_{name}" for name in switches]
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("; ".join(f"SET LOCAL {n} = {'on' if v else 'off'}" for n, v in zip(names, switches.values())))
        try:
            yield
        finally:
            cursor.execute("; ".join(f"SET LOCAL {n} TO DEFAULT" for n in names))


def newest_ids(queryset, limit) -> list[int]:
    """Ids of the `limit` newest stories of a word-filtered queryset, quick for common and rare words alike.

    PostgreSQL's estimate for a text match is often far off, and a wrong choice between its two plans
    costs seconds at 100k stories: walking the newest stories is instant for a common word and a full
    scan for a rare one; the GIN index is instant for a rare word and reads most of the table for a
    common one. So the choice is made here: first only the newest stories are walked (a common word
    fills the page there); if they hold too few matches the word is rare and the GIN index lists them all.
    """
    ordered = _ordered(queryset).values_list("id", flat=True)
    using = ordered.db  # the read replica when the router sends public reads there
    if connections[using].vendor != "postgresql":
        return list(ordered[:limit])
    window = max(MIN_WINDOW, WINDOW_PER_RESULT * limit)
    # The newest `window` published stories by primary key: the plan can only be "fetch those, test each".
    newest = _ordered(Article.objects.published()).values("id")[:window]
    recent = list(ordered.filter(id__in=newest)[:limit])
    if len(recent) == limit:
        return recent
    with _planner(using, indexscan=False, seqscan=False):
        return list(ordered.using(using)[:limit])


def search(raw_query, page: int = 1) -> SearchResults:
    """One page of published stories matching raw_query, by tier (ranked_tiers), each tier newest first."""
    words = search_words(raw_query)
    page = max(1, min(page, MAX_PAGES))
    results = SearchResults(query=text.normalize(str(raw_query or "")[:MAX_QUERY_CHARS]), words=words, page=page)
    if not words:
        return results

    published = Article.objects.published()
    start = (page - 1) * PAGE_SIZE
    wanted = start + PAGE_SIZE + 1  # one more than the page, to know whether another page follows
    # Ids only: at most MAX_PAGES * PAGE_SIZE of them, read from the index and the primary key. A tier is
    # asked only while the tiers before it hold fewer than the page needs.
    ranked = []
    for tier in ranked_tiers(published, words):
        ranked += newest_ids(tier, wanted - len(ranked))
        if len(ranked) >= wanted:
            break
    ids = ranked[start:wanted]
    results.has_next = len(ids) > PAGE_SIZE and page < MAX_PAGES
    ids = ids[:PAGE_SIZE]
    if ids:
        stories = published.filter(id__in=ids).for_listing().defer("body", "search_title", "search_body")
        by_id = {a.id: a for a in stories}
        results.stories = [by_id[i] for i in ids if i in by_id]
    return results


# --- Keeping the searchable text in step ---------------------------------------------------------------------

def story_text(article) -> str:
    """Every word a reader sees of the story, folded: its text (with the captions of the photos placed in it), the
    lead photo's caption and credit, the credits of the photos in the text, its byline."""
    from .models import Byline, Caption
    from .richtext import PHOTO_FIGURE

    captions = Caption.objects.filter(article_id=article.pk).order_by("order", "id")
    photo_words = [word for pair in captions.values_list("text", "photo__credit") for word in pair if word]
    placed = [int(match.group(1)) for match in PHOTO_FIGURE.finditer(article.body or "")]
    if placed:
        photo_model = Caption._meta.get_field("photo").related_model
        credits = dict(photo_model.objects.filter(pk__in=placed).values_list("pk", "credit"))
        photo_words += [credits[pk] for pk in placed if credits.get(pk)]
    names = Byline.objects.filter(article_id=article.pk).order_by("order", "id").values_list("author__name", flat=True)
    return text.fold_story(article.kicker, article.sapo, article.body, *photo_words, *names)


def reindex(stories) -> int:
    """Store story_text again for the stories of `stories` (a queryset) whose stored copy differs; the count."""
    changed = 0
    for article in stories.only("id", "kicker", "sapo", "body", "search_body").order_by().iterator(chunk_size=200):
        folded = story_text(article)
        if folded != article.search_body:
            # An UPDATE, not save(): the searchable copy is not an edit (no version, no revision, no purge).
            changed += Article.objects.filter(pk=article.pk).update(search_body=folded)
    return changed


def _story_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex(Article.objects.filter(pk=instance.pk))


def _part_changed(sender, instance, raw=False, **kwargs):
    if not raw:  # a caption or byline: its story
        reindex(Article.objects.filter(pk=instance.article_id))


def _remember_words(sender, instance, raw=False, **kwargs):
    # An author's or photo's other fields change more often than the words stories show (a portrait, a focal
    # point): a prolific reporter's every story is read again only when their name really changed.
    field = "name" if hasattr(instance, "name") else "credit"
    before = sender.objects.filter(pk=instance.pk).values_list(field, flat=True).first() if instance.pk else None
    instance._searched_words_changed = raw or before != getattr(instance, field)


def _author_saved(sender, instance, raw=False, **kwargs):
    if not raw and getattr(instance, "_searched_words_changed", True):
        reindex(Article.objects.filter(bylines__author=instance).distinct())


def _photo_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None and getattr(instance, "_searched_words_changed", True):
        # The stories that lead with it, and those that show it in their text (PhotoUse: photouses.py).
        reindex(Article.objects.filter(pk__in=PhotoUse.objects.filter(photo_id=instance.pk).values("article_id")))


def connect_signals():
    """Re-read a story's searchable text whenever any part a reader sees of it is saved or removed."""
    from django.db.models.signals import post_delete, post_save, pre_save

    from .models import Author, Byline, Caption

    photo_model = Caption._meta.get_field("photo").related_model  # wherever the photo library lives
    post_save.connect(_story_saved, sender=Article, dispatch_uid="search-story")
    for part in (Byline, Caption):
        post_save.connect(_part_changed, sender=part, dispatch_uid=f"search-save-{part.__name__}")
        post_delete.connect(_part_changed, sender=part, dispatch_uid=f"search-delete-{part.__name__}")
    for model, saved in ((Author, _author_saved), (photo_model, _photo_saved)):
        pre_save.connect(_remember_words, sender=model, dispatch_uid=f"search-before-{model.__name__}")
        post_save.connect(saved, sender=model, dispatch_uid=f"search-after-{model.__name__}")
