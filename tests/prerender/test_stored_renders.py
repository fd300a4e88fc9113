"""Stored renders (prerender/): made after every change a story page shows, served only while current."""
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import cachekeys, workflow
from articles.caching import purge_keys
from articles.models import Article, Correction, Status, Tag
from articles.signals import keys_purged
from articles.views import with_story_parts
from mostread import ranking
from prerender import fragments, store
from prerender.models import RenderKey, StoryRender
from tests.factories import make_article, make_author, make_caption, make_photo, make_section
from tests.pagetext import visible_text

pytestmark = pytest.mark.django_db
COMPARED = ["version", "title", "head", "json_ld", "story", "keys", "teasers_show",
            *[f"teaser_{v}" for v in fragments.TEASERS]]


def fresh(article_id):
    """What a render of the story from the database gives now."""
    article = with_story_parts(Article.objects.filter(pk=article_id)).get()
    return {name: value for name, value in fragments.render(article).items() if name in COMPARED}


def stored(article_id):
    render = StoryRender.objects.get(pk=article_id)
    return {name: getattr(render, name) for name in COMPARED}


@pytest.fixture
def story(django_capture_on_commit_callbacks, section):
    with django_capture_on_commit_callbacks(execute=True):
        author = make_author("Nông Vui")
        article = make_article("Đại hội Đảng bộ tỉnh", section=section, status=Status.PUBLISHED, authors=[author],
                               body="<p>Đoạn một.</p><p>Đoạn hai.</p>",
                               published_at=timezone.now() - timedelta(hours=1))
        make_caption(article, make_photo(credit="Ảnh: A"), text="Ảnh đầu bài.", is_lead=True)
        article.tags.add(Tag.objects.create(name="Đại hội"))
    return article


def test_every_teaser_variant_has_its_column():
    """TEASERS and StoryRender's teaser_ columns name the same variants."""
    columns = {f.name[len("teaser_"):] for f in StoryRender._meta.fields if f.name.startswith("teaser_")}
    assert columns == set(fragments.TEASERS)


def test_render_is_stored_after_the_commit_with_its_keys(story):
    """Publishing stores the story's render, current, with the story, its author, tag and photo as keys."""
    render = StoryRender.objects.get(pk=story.pk)
    assert not render.stale and render.fingerprint == fragments.fingerprint()
    assert stored(story.pk) == fresh(story.pk)
    author, tag, photo = story.bylines.get().author_id, story.tags.get().pk, story.captions.get().photo_id
    assert set(RenderKey.objects.filter(render=render).values_list("key", flat=True)) == {
        f"story-{story.pk}", f"author-{author}", f"tag-{tag}", f"photo-{photo}"}


def test_story_changes_render_at_once(story, editor, django_capture_on_commit_callbacks):
    """A save, a correction, a caption edit and a workflow move each leave the stored render equal to a fresh one."""
    with django_capture_on_commit_callbacks(execute=True):
        story.title = "Đại hội Đảng bộ tỉnh (sửa)"
        story.save()
    assert stored(story.pk) == fresh(story.pk) and "(sửa)" in stored(story.pk)["story"]
    with django_capture_on_commit_callbacks(execute=True):
        Correction.objects.create(article=story, text="Sửa tên đại biểu.")
    assert stored(story.pk) == fresh(story.pk) and "Sửa tên đại biểu." in stored(story.pk)["story"]
    with django_capture_on_commit_callbacks(execute=True):
        caption = story.captions.get()
        caption.text = "Chú thích mới."
        caption.save()
    assert stored(story.pk) == fresh(story.pk) and "Chú thích mới." in stored(story.pk)["story"]
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_article("Bài mới", section=story.section, status=Status.REVIEW, authors=[make_author()],
                             sapo="Sapo.", body="<p>Thân bài.</p>")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_publish(article=draft, by=editor)
    assert stored(draft.pk) == fresh(draft.pk)


@pytest.mark.parametrize("change", ["photo credit", "author rename", "tag rename", "section rename"])
def test_shared_changes_mark_exactly_their_renders_stale(story, section, change, django_capture_on_commit_callbacks):
    """A photo, author, tag or section change marks the renders showing it stale (not the others); the page
    read next is fresh, and the background render leaves them current."""
    with django_capture_on_commit_callbacks(execute=True):
        other = make_article("Bài khác", section=make_section("Thể thao"), status=Status.PUBLISHED,
                             published_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        if change == "photo credit":
            photo = story.captions.get().photo
            photo.credit, shown = "Ảnh: Bạn đọc", "Ảnh: Bạn đọc"
            photo.save()
        elif change == "author rename":
            author = story.bylines.get().author
            author.name, shown = "Nông Thị Vui", "Nông Thị Vui"
            author.save()
        elif change == "tag rename":
            tag = story.tags.get()
            tag.name, shown = "Đại hội Đảng", "Đại hội Đảng"
            tag.save()
        else:
            section.name, shown = "Thời sự - Chính trị", "Thời sự - Chính trị"
            section.save()
    assert StoryRender.objects.get(pk=story.pk).stale
    assert not StoryRender.objects.get(pk=other.pk).stale
    assert shown in visible_text(Client().get(story.get_absolute_url()).content.decode())
    assert stored(story.pk) == fresh(story.pk) and not StoryRender.objects.get(pk=story.pk).stale
    StoryRender.objects.filter(pk=story.pk).update(stale=True)
    assert store.render_out_of_date() == 1
    assert stored(story.pk) == fresh(story.pk)


def test_purged_keys_mark_the_renders_showing_them_stale(story):
    """keys_purged (sent by the page cache after a commit) for an author marks that author's renders stale."""
    author = story.bylines.get().author_id
    keys_purged.send(sender=None, keys=frozenset({f"author-{author}", "site", f"story-{story.pk}"}))
    assert StoryRender.objects.get(pk=story.pk).stale


def test_a_stale_render_is_rendered_again_on_read(client, story):
    """A render marked stale (or of an older version) is never served: the read renders and stores it."""
    Article.objects.filter(pk=story.pk).update(title="Đổi thẳng trong cơ sở dữ liệu")
    store.mark_stale([story.pk])
    assert "Đổi thẳng trong cơ sở dữ liệu" in visible_text(client.get(story.get_absolute_url()).content.decode())
    assert stored(story.pk) == fresh(story.pk) and not StoryRender.objects.get(pk=story.pk).stale


def test_a_template_change_renders_again_on_read_and_by_the_command(client, story, monkeypatch):
    """Another fingerprint (templates, settings, code version) makes every render out of date: the first
    read renders its story, render_stories the rest."""
    with_old = make_article("Bài thứ hai", section=story.section, status=Status.PUBLISHED,
                            published_at=timezone.now() - timedelta(hours=3))
    store.render_story(with_old.pk)
    monkeypatch.setattr(fragments, "CODE_VERSION", fragments.CODE_VERSION + 1)  # a deploy: a new process
    fragments.forget_fingerprint()
    assert store.out_of_date().count() == 2
    client.get(story.get_absolute_url())
    assert StoryRender.objects.get(pk=story.pk).fingerprint == fragments.fingerprint()
    assert list(store.out_of_date()) == [with_old]
    call_command("render_stories", stdout=open("/dev/null", "w"))
    assert not store.out_of_date().exists()
    assert stored(with_old.pk) == fresh(with_old.pk)


def test_a_render_of_data_older_than_a_change_is_not_stored(story):
    """A render whose stamp moved on meanwhile (a change marked it stale) is served once, never stored."""
    stamp = StoryRender.objects.get(pk=story.pk).stamp
    original = store.StoryRender.objects.filter

    calls = []

    def mark_between(*args, **kwargs):
        # The change lands after the render read the stamp, before it stores.
        if not calls and kwargs.get("stamp") == stamp:
            calls.append(1)
            store.mark_stale([story.pk])
        return original(*args, **kwargs)

    store.StoryRender.objects.filter = mark_between
    try:
        store.render_story(story.pk)
    finally:
        store.StoryRender.objects.filter = original
    assert calls and StoryRender.objects.get(pk=story.pk).stale


def test_an_unpublished_storys_render_is_never_served(client, story):
    """Taken down behind the signals' back, its stored render still there: the page does not show it."""
    Article.objects.filter(pk=story.pk).update(status=Status.UNPUBLISHED)
    assert StoryRender.objects.filter(pk=story.pk).exists()
    response = client.get(story.get_absolute_url())
    assert response.status_code in (404, 410) and "Đoạn một." not in response.content.decode()
    later = timezone.now() + timedelta(hours=1)
    Article.objects.filter(pk=story.pk).update(status=Status.PUBLISHED, published_at=later)
    assert client.get(story.get_absolute_url()).status_code == 404
    assert "Đại hội Đảng bộ tỉnh" not in visible_text(client.get(story.section.get_absolute_url()).content.decode())


@pytest.mark.parametrize("count", [10, 200])
def test_public_pages_read_a_fixed_number_of_queries(client, section, count):
    """Story page 2 queries (story with its render, related), section 1 and home 1 (the stories, and which stored
    render is current), at 10 and at 200 stories; a list's first read in a process reads its teasers in one more."""
    now = timezone.now()
    Article.objects.bulk_create([
        Article(title=f"Bài số {n}", slug=f"bai-so-{n}", section=section, status=Status.PUBLISHED,
                published_at=now - timedelta(minutes=n + 1), body="<p>Đoạn.</p>") for n in range(count)])
    store.render_out_of_date()
    story = Article.objects.get(slug="bai-so-3")
    client.get("/robots.txt")
    ranking.ranking_ids()
    for url, reads in [(story.get_absolute_url(), [2]), (section.get_absolute_url(), [2, 1]), ("/", [2, 1])]:
        for queries in reads:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200 and response["X-Page-Cache"] == "miss"
            assert len(captured) == queries, (url, [q["sql"] for q in captured])
            # The page itself goes (its list keys), not the site state nor the stored renders (their stories' keys).
            purge_keys({key for key in response["Surrogate-Key"].split() if cachekeys.is_list_key(key)} - {"site"})


def test_the_stored_page_is_the_page_rendered_live(client, story, django_capture_on_commit_callbacks):
    """The story page from its stored render is byte for byte the page the templates render live."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from articles.views import article_context

    url = story.get_absolute_url()
    served = client.get(url).content.decode()
    request = RequestFactory().get(url)
    live = render_to_string("articles/article_detail.html",
                            article_context(with_story_parts(Article.objects.filter(pk=story.pk)).get()), request)
    assert " ".join(served.split()) == " ".join(live.split())


def test_the_fingerprint_is_the_same_however_the_project_folder_is_reached(settings, tmp_path):
    """Two processes of one deployment, one reaching the project (and its virtualenv) through a link, agree:
    otherwise each would find the other's renders out of date and render every story again."""
    from pathlib import Path

    fragments.forget_templates()
    direct = fragments.fingerprint()
    link = tmp_path / "project"
    link.symlink_to(Path(settings.BASE_DIR).resolve(), target_is_directory=True)
    settings.BASE_DIR = link
    fragments.forget_templates()
    try:
        assert fragments.fingerprint() == direct
    finally:
        fragments.forget_templates()


def test_the_fingerprint_follows_a_setting_change(settings):
    """The fingerprint is made once per process, and again when a setting a render depends on changes."""
    before = fragments.fingerprint()
    settings.NEWSROOM_SITE_URL = "https://baomoi.example"
    changed = fragments.fingerprint()
    assert changed != before
    settings.NEWSROOM_SITE_URL = "https://baomoi.example"  # the same value again: the same fingerprint
    assert fragments.fingerprint() == changed


def test_the_stored_story_ends_with_the_page_placeholders_and_a_ticket_the_beacon_accepts(client, story):
    """The story view serves the stored story as it is: its end holds the related and most-read placeholders
    (for this story, section and tags) and the beacon's script with this story's ticket."""
    from articles import holes, related
    from mostread import beacon

    client.get(story.get_absolute_url())
    render = StoryRender.objects.get(pk=story.pk)
    params = related.hole_params(story, list(story.tags.values_list("pk", flat=True)))
    assert holes.placeholder("related", params) in render.story
    assert holes.placeholder("most-read", {"leave_out": story.pk}) in render.story
    ticket = render.story.rsplit('data-ticket="', 1)[1].split('"', 1)[0]
    assert beacon.article_id_from(ticket) == story.pk


def test_a_new_signing_key_makes_every_render_out_of_date(client, story, settings):
    """Stored tickets are signed with SECRET_KEY: another key (the old one kept as a fallback meanwhile) gives
    another fingerprint, so each story renders again with a ticket of the new key."""
    from django.core.cache import cache

    from mostread import beacon

    client.get(story.get_absolute_url())
    assert not store.out_of_date().exists()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-key-for-this-test-" + "x" * 40
    assert list(store.out_of_date()) == [story]
    cache.clear()  # a new key comes with a restart; pages cached meanwhile keep tickets the fallback still accepts
    page = client.get(story.get_absolute_url()).content.decode()
    ticket = page.rsplit('data-ticket="', 1)[1].split('"', 1)[0]
    assert ticket == beacon.ticket(story.pk)  # signed with the new key
    assert not store.out_of_date().exists()


@pytest.mark.postgres
def test_stored_renders_are_compressed_with_lz4_where_the_server_has_it(story):
    """The columns a cold story page reads are LZ4-compressed (prerender/migrations/0002), and a long story is
    stored that way."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
        if "lz4" not in (cursor.fetchone()[0] or []):
            pytest.skip("this PostgreSQL was built without LZ4")
        cursor.execute("SELECT attname, attcompression FROM pg_attribute WHERE attrelid = %s::regclass "
                       "AND attname IN ('story', 'head', 'json_ld')", [StoryRender._meta.db_table])
        assert dict(cursor.fetchall()) == {"story": "l", "head": "l", "json_ld": "l"}
        Article.objects.filter(pk=story.pk).update(
            body="".join(f"<p>Đoạn {n}: bà con bản Khuổi Ún gặt lúa sớm trước lũ.</p>" for n in range(300)))
        store.render_story(story.pk)
        cursor.execute(f"SELECT pg_column_compression(story) FROM {StoryRender._meta.db_table} WHERE article_id = %s",
                       [story.pk])
        assert cursor.fetchone()[0] == "lz4"


def test_the_story_pages_etag_names_its_stored_render(client, story, django_capture_on_commit_callbacks):
    """The ETag is made from the stored render's identity, not from the page's bytes: it holds while the render is
    current, moves with a render stored again, and a render made on the spot (not yet stored) is hashed."""
    url = story.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200 and client.get(url)["ETag"] == first["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        photo = story.captions.get().photo
        photo.credit = "Ảnh: B"
        photo.save()
    again = client.get(url)
    assert "Ảnh: B" in again.content.decode() and again["ETag"] != first["ETag"]
    StoryRender.objects.filter(pk=story.pk).update(stale=True)
    on_the_spot = client.get(url)
    assert on_the_spot.status_code == 200 and on_the_spot["ETag"].startswith('"')
