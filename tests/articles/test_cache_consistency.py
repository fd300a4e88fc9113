"""No stale page survives a change it shows: a seeded random newsroom day, every cached page against a fresh render.

Each step makes one change the way the newsroom makes it (a publish, a schedule and the time passing, a
take-down, a typo fix, a correction, a photo credit, an author's or a section's new name, a topic, the trash, a
move to another section), inside a transaction whose commit callbacks run. After each step every public page is
asked twice: through the page cache (a hit if it survived) and rendered afresh with the cache out of the way
(site state and blocks too). They must be the same. The seed is in the failure message; CONSISTENCY_SEED=<n>
replays one.
"""
import os
import random
from datetime import timedelta

import pytest
import time_machine
from django.core.cache.backends.dummy import DummyCache
from django.urls import reverse
from django.utils import timezone

from articles import cacheindex, caching, holes, workflow
from articles.models import Article, Correction, Status, Tag
from articles.trash import article_trash, article_untrash
from tests.factories import make_article, make_author, make_caption, make_photo, make_section

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

STEPS = 40
SEEDS = [int(os.environ["CONSISTENCY_SEED"])] if os.environ.get("CONSISTENCY_SEED") else [1207]


class Newsroom:
    """A small paper: two sections, three people, three topics, stories in every state."""

    def __init__(self, rng, editor):
        self.rng, self.editor = rng, editor
        self.sections = [make_section("Thời sự"), make_section("Kinh tế")]
        self.authors = [make_author(name) for name in ("Lý Hoa", "Ma Văn Tùng", "Hà Thu")]
        self.tags = [Tag.objects.create(name=name) for name in ("Giao thông", "Nông nghiệp", "Du lịch")]
        self.stories = []
        for n in range(9):
            status = Status.PUBLISHED if n < 6 else Status.DRAFT
            story = make_article(f"Tin số {n} về Bắc Kạn", section=self.sections[n % 2], status=status,
                                 published_at=timezone.now() - timedelta(hours=n + 1) if n < 6 else None,
                                 authors=[self.authors[n % 3]], kicker=f"Mục {n}")
            story.tags.add(self.tags[n % 3])
            make_caption(story, photo=make_photo(credit=f"Ảnh: Phóng viên {n}"), is_lead=True)
            self.stories.append(story)
        self.edits = 0

    def pick(self, *, public=None):
        stories = [Article.objects.get(pk=s.pk) for s in self.stories]
        if public is not None:
            stories = [s for s in stories if s.is_public == public and not s.in_trash]
        return self.rng.choice(stories) if stories else None

    # --- the changes -------------------------------------------------------------------------------------------
    def publish(self, traveller):
        story = self.pick(public=False)
        if story and story.status != Status.PUBLISHED:
            workflow.article_set_status_by_system(article=story, status=Status.PUBLISHED, published_at=timezone.now())
        return story

    def schedule(self, traveller):
        story = self.pick(public=False)
        if story and story.status != Status.PUBLISHED:
            workflow.article_set_status_by_system(
                article=story, status=Status.PUBLISHED,
                published_at=timezone.now() + timedelta(minutes=self.rng.randint(1, 4)))
        return story

    def time_passes(self, traveller):
        traveller.shift(timedelta(minutes=self.rng.randint(1, 3)))

    def unpublish(self, traveller):
        story = self.pick(public=True)
        if story:
            workflow.article_set_status_by_system(article=story, status=Status.UNPUBLISHED)
        return story

    def typo_fix(self, traveller):
        story = self.pick(public=True)
        if story:
            self.edits += 1
            story.title = f"{story.title.split(' (')[0]} (sửa {self.edits})"
            story.save()
        return story

    def correction(self, traveller):
        story = self.pick(public=True)
        if story:
            Correction.objects.create(article=story, text=f"Đính chính lần {self.rng.randint(1, 999)}.")
        return story

    def photo_credit(self, traveller):
        story = self.pick()
        photo = story.captions.get(is_lead=True).photo
        photo.credit = f"Ảnh: Cộng tác viên {self.rng.randint(1, 999)}"
        photo.save()
        return story

    def author_rename(self, traveller):
        author = self.rng.choice(self.authors)
        author.name = f"{author.name.split(' (')[0]} ({self.rng.randint(1, 999)})"
        author.save()

    def section_rename(self, traveller):
        section = self.rng.choice(self.sections)
        section.name = f"{section.name.split(' (')[0]} ({self.rng.randint(1, 999)})"
        section.save()

    def retag(self, traveller):
        story, tag = self.pick(), self.rng.choice(self.tags)
        if story.tags.filter(pk=tag.pk).exists():
            story.tags.remove(tag)
        else:
            story.tags.add(tag)
        return story

    def trash_or_restore(self, traveller):
        story = self.pick()
        if story.in_trash:
            article_untrash(article=story, by=self.editor)
        elif story.status != Status.PUBLISHED:  # a published story is taken down first (trash.refusal)
            article_trash(article=story, by=self.editor)
        return story

    def move_section(self, traveller):
        story = self.pick(public=True)
        if story:
            story.section = self.sections[1] if story.section_id == self.sections[0].pk else self.sections[0]
            story.save()
        return story

    CHANGES = ("publish", "schedule", "time_passes", "unpublish", "typo_fix", "correction", "photo_credit",
               "author_rename", "section_rename", "retag", "trash_or_restore", "move_section")

    # --- the pages ---------------------------------------------------------------------------------------------
    def urls(self):
        now = timezone.localtime()
        urls = ["/", reverse("articles:rss"), reverse("articles:atom"), "/sitemap.xml", "/sitemap-trang.xml",
                f"/sitemap-{now.year}-{now.month}.xml", "/sitemap-news.xml", "/api/v1/articles/", "/api/v1/sections/",
                "/api/v1/authors/", "/api/v1/tags/"]
        for section in self.sections:
            urls += [section.get_absolute_url(), reverse("articles:rss-section", kwargs={"slug": section.slug}),
                     f"/api/v1/articles/?section={section.slug}"]
        urls += [a.get_absolute_url() for a in self.authors] + [t.get_absolute_url() for t in self.tags]
        for story in Article.objects.filter(pk__in=[s.pk for s in self.stories]).select_related("section"):
            urls += [story.get_absolute_url(), f"/api/v1/articles/{story.pk}/"]
        return urls


def fresh(client, monkeypatch, url):
    """The page rendered now from the database: no page, block or site state from the cache."""
    dummy = DummyCache("fresh", {})
    with monkeypatch.context() as patch:
        for module in (caching, holes, cacheindex):
            patch.setattr(module, "cache", dummy)
        return client.get(url)


def same(cached, rendered):
    return (cached.status_code == rendered.status_code and cached.get("Location") == rendered.get("Location")
            and (cached.status_code != 200 or cached.content == rendered.content))


@pytest.mark.parametrize("seed", SEEDS)
def test_no_cached_page_survives_a_change_it_shows(client, monkeypatch, editor, seed,
                                                   django_capture_on_commit_callbacks):
    rng = random.Random(seed)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        paper = Newsroom(rng, editor)
        served = 0
        for step in range(STEPS):
            for url in paper.urls():  # everything cached (or refreshed) before the change
                client.get(url)
            change = rng.choice(Newsroom.CHANGES)
            with django_capture_on_commit_callbacks(execute=True):
                getattr(paper, change)(traveller)
            for url in paper.urls():
                cached = client.get(url)
                served += cached.get("X-Page-Cache") == "hit"
                rendered = fresh(client, monkeypatch, url)
                assert same(cached, rendered), (
                    f"seed {seed}, step {step} ({change}): {url} is stale "
                    f"({cached.get('X-Page-Cache')}, {cached.status_code} vs {rendered.status_code})")
        assert served > STEPS * 10  # the cache really served pages: the comparison was not of two renders
