"""Fill a bench database with a realistic newsroom, fast: bulk inserts in batches, not one save() per story.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench python -m bench.seed --stories 100000

The database is emptied of content first (sections, authors, photos, stories and everything hanging off
them), so it refuses to run on a database whose name does not contain "bench".

bulk_create() skips Article.save(), so this module does by hand what save() would do and checks it at the
end on a sample: NFC text, sanitised body, slug, and the accent-folded search_title / search_body
(PostgreSQL derives the search_document tsvector from those two columns by itself). It also writes
`status` and `published_at` directly instead of going through articles/workflow.py: this is bulk test
data with no editor behind it, and a transition log of 100,000 system entries would only slow seeding.
"""
import argparse
import functools
import hashlib
import io
import json
import os
import random
import sys
import time
from datetime import timedelta

BATCH = 1000
BENCH_USERNAME = "bench-editor"
BENCH_PASSWORD = "bench-mat-khau-2026"
IMAGE_SIZES = [(1600, 1067), (1200, 800), (1067, 1600), (1600, 900), (800, 800), (1280, 853)]


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


class TextPool:
    """Sentences and paragraphs made once, with their folded forms cached (folding 100k bodies is slow)."""

    def __init__(self, rng):
        from articles import text

        from . import vocabulary as v

        self.rng = rng
        self.v = v
        self.fold = text.fold
        self.normalize = text.normalize
        self.paragraphs = [self._paragraph() for _ in range(800)]
        self.folded_paragraphs = [self.fold(p) for p in self.paragraphs]
        self.names = [
            f"{f} {m} {g}" for f in v.FAMILY_NAMES for m in v.MIDDLE_NAMES for g in v.GIVEN_NAMES
        ]

    def _sentence(self):
        r, v = self.rng, self.v
        pattern = r.randrange(4)
        if pattern == 0:
            s = f"{r.choice(v.SUBJECTS)} đã {r.choice(v.VERBS)} {r.choice(v.OBJECTS)} {r.choice(v.ADVERBIALS)}."
        elif pattern == 1:
            s = f"Tại {r.choice(v.PLACES)}, {r.choice(v.OBJECTS)} được {r.choice(v.VERBS)} {r.choice(v.ADVERBIALS)}."
        elif pattern == 2:
            s = r.choice(v.RESULTS)
        else:
            s = (f"Theo {r.choice(v.SUBJECTS).lower()}, việc {r.choice(v.VERBS)} {r.choice(v.OBJECTS)} "
                 f"ở {r.choice(v.PLACES)} góp phần quan trọng vào sự phát triển chung.")
        return s[0].upper() + s[1:]

    def _paragraph(self):
        # Every paragraph ends with a full stop, so folding "<p>a.</p><p>b.</p>" after strip_tags gives the
        # same words as folding each paragraph alone (see search_body below).
        return self.normalize(" ".join(self._sentence() for _ in range(self.rng.randint(3, 6))))

    def title(self, index, rare):
        r, v = self.rng, self.v
        pattern = r.randrange(5)
        if pattern == 0:
            t = f"{r.choice(v.PLACES)}: {r.choice(v.VERBS)} {r.choice(v.OBJECTS)}"
        elif pattern == 1:
            t = f"{r.choice(v.SUBJECTS)} {r.choice(v.VERBS)} {r.choice(v.OBJECTS)}"
        elif pattern == 2:
            t = f"Đại hội Đảng bộ xã {r.choice(v.PLACES)} nhiệm kỳ {r.choice(['2025-2030', '2020-2025'])}"
        elif pattern == 3:
            t = f"{r.choice(v.OBJECTS).capitalize()} {r.choice(v.ADVERBIALS)}"
        else:
            t = f"Người dân {r.choice(v.PLACES)} {r.choice(v.VERBS)} {r.choice(v.OBJECTS)}"
        if rare:
            t = f"{t} ở {v.RARE_PHRASE}"
        return self.normalize(t[0].upper() + t[1:])

    def story_text(self):
        """(kicker, sapo, body, folded parts of its search_body: kicker, sapo, each paragraph) for one story."""
        r = self.rng
        kicker = r.choice(self.v.KICKERS) if r.random() < 0.3 else ""
        sapo = self.normalize(" ".join(self._sentence() for _ in range(2)))
        picks = r.sample(range(len(self.paragraphs)), r.randint(4, 8))
        body = "".join(f"<p>{self.paragraphs[i]}</p>" for i in picks)
        folded = [self.fold(kicker), self.fold(sapo)] + [self.folded_paragraphs[i] for i in picks]
        return kicker, sapo, body, folded, len(picks)


def make_image_files(rng, count=12):
    """A few real JPEGs made by Pillow, saved through the storage API and shared by every Photo row."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image, ImageDraw

    files = []
    for n in range(count):
        width, height = IMAGE_SIZES[n % len(IMAGE_SIZES)]
        image = Image.new("RGB", (width, height), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
        draw = ImageDraw.Draw(image)
        for _ in range(12):
            x, y = rng.randrange(width), rng.randrange(height)
            draw.ellipse([x, y, x + width // 5, y + height // 5],
                         fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=82)
        data = buffer.getvalue()
        name = f"photos/bench/anh-{n:02d}.jpg"
        if default_storage.exists(name):
            default_storage.delete(name)
        name = default_storage.save(name, ContentFile(data))
        files.append({"name": name, "width": width, "height": height, "size": len(data),
                      "checksum": hashlib.sha256(data).hexdigest()})
    return files


def empty_content(connection):
    """Remove every story and what hangs off it (bench databases only)."""
    from django.apps import apps

    # The photo tables are the photos app's (they were the articles app's once): emptied too, or a second seed
    # finds the first one's photos and renditions. TRUNCATE ... CASCADE empties every table pointing at these.
    models = [m for label in ("articles", "photos") for m in apps.get_app_config(label).get_models()]
    tables = [m._meta.db_table for m in models]
    tables += [f.remote_field.through._meta.db_table for m in models for f in m._meta.local_many_to_many
               if f.remote_field.through._meta.auto_created]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(sorted(set(tables)))} RESTART IDENTITY CASCADE")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in set(tables):
                cursor.execute(f'DELETE FROM "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")


def bench_editor():
    """The staff account the bench logs in with: an editor (the group with publish rights), else a superuser."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    User = get_user_model()
    user, _ = User.objects.get_or_create(username=BENCH_USERNAME, defaults={"email": "bench@example.test"})
    user.is_staff = True
    editors = Group.objects.filter(permissions__codename="publish_article").first()
    user.is_superuser = editors is None
    user.set_password(BENCH_PASSWORD)
    user.save()
    if editors is not None:
        user.groups.add(editors)
    return user


def seed(stories, *, seed_value=7, quiet=False):
    """Empty the content tables and insert `stories` stories; return timing and row counts."""
    from django.db import connection, transaction
    from django.utils import timezone

    from articles import richtext, text
    from articles.models import Article, Author, Byline, Caption, Correction, PhotoUse, Section, Status, Tag
    from articles.rendering import place_after_blocks
    from photos.models import Photo

    from . import vocabulary as v

    name = str(connection.settings_dict["NAME"])
    if "bench" not in name:
        raise SystemExit(f"Refusing to empty {name!r}: the bench seeds only a database whose name contains 'bench'.")

    def say(message):
        if not quiet:
            print(f"  [seed {time.monotonic() - started:6.1f}s] {message}", flush=True)

    started = time.monotonic()
    rng = random.Random(seed_value)
    pool = TextPool(rng)
    fold_once = functools.lru_cache(maxsize=None)(text.fold)  # captions and credits come from short lists
    empty_content(connection)
    editor = bench_editor()
    say("emptied content tables")

    sections = Section.objects.bulk_create(
        [Section(name=n, slug=text.slugify(n), order=i) for i, n in enumerate(v.SECTIONS)]
    )
    tags = Tag.objects.bulk_create([Tag(name=n, slug=text.slugify(n)) for n in v.TAGS])
    author_names = rng.sample(pool.names, 80)
    authors = Author.objects.bulk_create([
        Author(name=n, slug=f"{text.slugify(n)}-{i}", bio=f"Phóng viên báo {v.PLACES[0]}, phụ trách địa bàn {rng.choice(v.PLACES)}.")
        for i, n in enumerate(author_names)
    ])
    image_files = make_image_files(rng)
    say(f"{len(sections)} sections, {len(authors)} authors, {len(image_files)} image files")

    now = timezone.now()
    span = timedelta(days=6 * 365)
    # Publish times spread over six years, oldest first, so ids grow with time as in a real archive.
    offsets = sorted((rng.random() for _ in range(stories)), reverse=True)
    rare_every = max(stories // 12, 1)
    counts = {"articles": 0, "bylines": 0, "photos": 0, "captions": 0, "tags": 0, "corrections": 0}
    status_counts = {}

    for start in range(0, stories, BATCH):
        batch = []
        extras = []
        for index in range(start, min(start + BATCH, stories)):
            kicker, sapo, body, folded_parts, paragraphs = pool.story_text()
            search_body = " ".join(part for part in folded_parts if part)
            title = pool.title(index, rare=(index % rare_every == 3))
            roll = rng.random()
            if roll < 0.955:
                status, published_at = Status.PUBLISHED, now - span * offsets[index] - timedelta(minutes=5)
            elif roll < 0.965:  # scheduled for the coming days
                status, published_at = Status.PUBLISHED, now + timedelta(hours=rng.randint(1, 96))
            elif roll < 0.98:
                status, published_at = Status.DRAFT, None
            elif roll < 0.995:
                status, published_at = Status.REVIEW, None
            else:
                status, published_at = Status.UNPUBLISHED, now - span * offsets[index]
            status_counts[status] = status_counts.get(status, 0) + 1
            batch.append(Article(
                title=title, slug=f"{text.slugify(title, max_length=200)}-{index + 1}", kicker=kicker, sapo=sapo,
                body=body, section=sections[rng.randrange(len(sections))], status=status,
                published_at=published_at,
                first_published_at=published_at if status in (Status.PUBLISHED, Status.UNPUBLISHED) else None,
                is_featured=rng.random() < 0.01, created_by=editor, last_edited_by=editor,
                search_title=text.fold(title), search_body=search_body,
            ))
            extras.append((paragraphs, folded_parts))
        with transaction.atomic():
            # Photos first: a story shows its photos but the lead in its text (richtext.photo_figure), by id.
            photos, photo_specs = [], []
            for article, (paragraphs, _parts) in zip(batch, extras):
                for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4, 5])):
                    f = rng.choice(image_files)
                    photos.append(Photo(
                        image=f["name"], width=f["width"], height=f["height"], file_size=f["size"],
                        checksum=f["checksum"], format="JPEG", original_filename=f"IMG_{rng.randrange(10000):04d}.jpg",
                        alt_text=rng.choice(v.CAPTIONS).rstrip("."), credit=rng.choice(v.CREDITS),
                        uploaded_by=editor, uploaded_at=article.published_at or now,
                    ))
                    photo_specs.append(article)
            Photo.objects.bulk_create(photos)
            captions, in_text, seen = [], {}, set()
            for photo, article in zip(photos, photo_specs):
                words = rng.choice(v.CAPTIONS)
                if id(article) not in seen and rng.random() < 0.8:  # most stories lead with their first photo
                    captions.append(Caption(article=article, photo=photo, text=words, is_lead=True))
                else:
                    in_text.setdefault(id(article), []).append((photo, words))
                seen.add(id(article))
            for article, (paragraphs, folded_parts) in zip(batch, extras):
                placed = [(rng.randint(1, paragraphs), photo, caption) for photo, caption in in_text.get(id(article), [])]
                if placed:
                    article.body = place_after_blocks(
                        article.body, [(n, richtext.photo_figure(photo.pk, caption)) for n, photo, caption in placed])
                    # As story_text folds it: each figure's caption is words of the body where it stands, and the
                    # credits of the photos in the text follow in reading order (ties keep their order).
                    after = {}
                    for n, _photo, caption in placed:
                        after.setdefault(n, []).append(fold_once(caption))
                    head, paragraph_parts = folded_parts[:2], folded_parts[2:]
                    parts = head + [part for number, paragraph in enumerate(paragraph_parts, start=1)
                                    for part in (paragraph, *after.get(number, []))]
                    parts += [fold_once(photo.credit) for _n, photo, _c in sorted(placed, key=lambda p: p[0])]
                    article.search_body = " ".join(part for part in parts if part)
            Article.objects.bulk_create(batch)
            bylines, tag_links, corrections = [], [], []
            for article in batch:
                for order, author in enumerate(rng.sample(authors, rng.choice([1, 1, 1, 2, 2, 3]))):
                    bylines.append(Byline(article=article, author=author, order=order))
                for tag in rng.sample(tags, rng.choice([0, 0, 1, 1, 2, 3])):
                    tag_links.append(Article.tags.through(article=article, tag=tag))
                if article.status == Status.PUBLISHED and rng.random() < 0.01:
                    corrections.append(Correction(
                        article=article, created_by=editor, created_at=article.published_at + timedelta(hours=3),
                        text="Bài viết đã sửa lại tên xã cho chính xác. Thành thật xin lỗi bạn đọc.",
                    ))
            Byline.objects.bulk_create(bylines)
            Caption.objects.bulk_create(captions)
            # What the photo library reads (articles/photouses.py keeps it on saves; bulk_create sends no signal).
            PhotoUse.objects.bulk_create(
                [PhotoUse(article=c.article, photo=c.photo, place=PhotoUse.Place.LEAD, caption=c.text) for c in captions]
                + [PhotoUse(article=article, photo=photo, place=PhotoUse.Place.TEXT, caption=" ".join(caption.split()))
                   for article in batch for photo, caption in in_text.get(id(article), [])])
            Article.tags.through.objects.bulk_create(tag_links)
            Correction.objects.bulk_create(corrections)
        counts["articles"] += len(batch)
        counts["bylines"] += len(bylines)
        counts["photos"] += len(photos)
        counts["captions"] += len(captions)
        counts["tags"] += len(tag_links)
        counts["corrections"] += len(corrections)
        if (start // BATCH) % 10 == 0 or start + BATCH >= stories:
            say(f"{counts['articles']:,} stories")

    seed_renditions(connection, image_files)
    say("renditions")

    # created_at/updated_at are auto fields that bulk_create stamps with "now"; give them story-like times.
    from django.db.models import F

    Article.objects.exclude(published_at=None).update(
        created_at=F("published_at") - timedelta(hours=3), updated_at=F("published_at") + timedelta(minutes=10),
    )
    say("timestamps")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # What autovacuum would have done on a live site: fresh statistics, visibility map for index scans.
            for table in ("articles_article", "articles_byline", "articles_caption", "articles_photo", "articles_rendition",
                          "articles_article_tags", "articles_author", "articles_section", "articles_correction"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        else:
            cursor.execute("ANALYZE")
    say("vacuum/analyze")
    check_like_save(Article, rng)
    elapsed = time.monotonic() - started
    say(f"done in {elapsed:.1f}s")
    return {"stories": stories, "seconds": round(elapsed, 1), "counts": counts, "status": status_counts,
            "database": name, "vendor": connection.vendor}


def seed_renditions(connection, image_files):
    """Give every Photo row the renditions a live site would have made at upload or on first view.

    The real pipeline (photos/renditions.py) makes them once per shared image file; every other Photo row
    with the same file gets copies of those Rendition rows in one INSERT ... SELECT, pointing at the same
    files. Without this the cold-cache bench would time Pillow resizing photos, not serving pages.
    """
    from photos import renditions
    from photos.models import Photo

    for f in image_files:
        template = Photo.objects.filter(image=f["name"]).order_by("pk").first()
        if template is None:
            continue
        renditions.rendition_rows(template)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO articles_rendition (photo_id, width, height, format, file) "
                "SELECT p.id, r.width, r.height, r.format, r.file FROM articles_photo p "
                "JOIN articles_rendition r ON r.photo_id = %s WHERE p.image = %s AND p.id <> %s",
                [template.pk, f["name"], template.pk],
            )


def check_like_save(Article, rng, sample=25):
    """The bulk rows hold exactly what Article.save() would have stored; stop loudly if not."""

    from articles import text
    from articles.rendering import placed_photo_ids
    from articles.richtext import PHOTO_FIGURE, sanitize_html
    from photos.models import Photo

    ids = list(Article.objects.values_list("pk", flat=True)[:5000])
    for pk in rng.sample(ids, min(sample, len(ids))):
        a = Article.objects.get(pk=pk)
        credits = dict(Photo.objects.filter(pk__in=placed_photo_ids(a.body)).values_list("pk", "credit"))
        placed = [credits[int(m.group(1))] for m in PHOTO_FIGURE.finditer(a.body)]
        expected = {
            "search_title": text.fold(a.title),
            # story_text without the lead photo's words and the byline, which the bench leaves out
            "search_body": text.fold_story(a.kicker, a.sapo, a.body, *placed),
            "body": sanitize_html(a.body),
            "title": text.normalize(a.title),
        }
        for field, value in expected.items():
            if getattr(a, field) != value:
                raise SystemExit(f"Seeded story {pk} differs from what save() stores in {field!r}: fix bench/seed.py")
    for photo in Photo.objects.order_by("?")[:sample]:
        # Every Photo row points at a real image file whose size matches the row.
        with photo.image.open("rb") as fh:
            from PIL import Image

            with Image.open(fh) as image:
                if image.size != (photo.width, photo.height):
                    raise SystemExit(f"Seeded photo {photo.pk} does not match its file: fix bench/seed.py")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Seed a bench database with a realistic newsroom.")
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7, help="random seed (the same seed gives the same newsroom)")
    parser.add_argument("--json", help="write the timing and counts to this file")
    args = parser.parse_args(argv)
    _setup_django()
    result = seed(args.stories, seed_value=args.seed)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, indent=2)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
