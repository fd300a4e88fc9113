"""Migration 0015 fills PhotoUse from the stories a database already holds: each lead caption, and each library
photo placed in a body as the editor's figure (a figure of a photo gone from the library is left out)."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.models import PhotoUse
from articles.richtext import photo_figure

BEFORE = [("articles", "0014_photo_uses"), ("photos", "0004_english_msgids")]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old():
    """The models as they were before 0015 (an empty PhotoUse); the database is migrated forward after the test."""
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_leads_and_figures_become_uses(old):
    """A lead caption becomes a lead use, each photo in a body a text use with its caption there (the first, if it
    stands twice); a non-lead caption row, a figure of a deleted photo and a story without photos make none."""
    Section, Article = old.get_model("articles", "Section"), old.get_model("articles", "Article")
    Photo, Caption = old.get_model("photos", "Photo"), old.get_model("articles", "Caption")
    section = Section.objects.create(name="Xã hội", slug="xa-hoi")
    photos = [Photo.objects.create(image=f"photos/2026/01/anh-{n}.jpg", width=900, height=600) for n in range(3)]
    body = ("<p>Một.</p>" + photo_figure(photos[1].pk, "Chợ & phiên") + "<p>Hai.</p>"
            + photo_figure(photos[2].pk, "Đêm") + photo_figure(photos[1].pk, "Lần hai") + photo_figure(999999, "Mất"))
    story = Article.objects.create(title="Chợ phiên", slug="cho-phien", section=section, body=body)
    plain = Article.objects.create(title="Không ảnh", slug="khong-anh", section=section, body="<p>Chữ.</p>")
    Caption.objects.create(article=story, photo=photos[0], text="Ảnh đầu", is_lead=True)
    Caption.objects.create(article=plain, photo=photos[2], text="Không phải ảnh đầu", is_lead=False)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert set(PhotoUse.objects.values_list("article_id", "photo_id", "place", "caption")) == {
        (story.pk, photos[0].pk, "lead", "Ảnh đầu"),
        (story.pk, photos[1].pk, "text", "Chợ & phiên"),
        (story.pk, photos[2].pk, "text", "Đêm"),
    }
