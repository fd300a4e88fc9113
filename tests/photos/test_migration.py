"""The photo library's move from the articles app to its own: a database with photos, captions, portraits and
group permissions from before the move is migrated forward with every row, file name and permission kept."""
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles import roles
from articles.models import Author, Caption
from photos.models import Photo, Rendition

BEFORE = [("articles", "0008_english_msgids"), ("photos", None)]  # main just before the move


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1]]).apps


def test_photos_from_before_the_move_keep_their_rows_files_and_permissions(transactional_db):
    """Migrating forward keeps every photo (its id, file names, words), its renditions, the captions and portraits
    pointing at it, and the groups' photo permissions (the content type moves, it is not made again); crop
    renditions, which nothing shows any more, go; the importer's placeholders are flagged and credited as such."""
    old = migrate(BEFORE)
    OldPhoto, OldRendition = old.get_model("articles", "Photo"), old.get_model("articles", "Rendition")
    Section, Article = old.get_model("articles", "Section"), old.get_model("articles", "Article")
    OldCaption, OldAuthor = old.get_model("articles", "Caption"), old.get_model("articles", "Author")
    photo = OldPhoto.objects.create(image="photos/2026/01/cu.jpg", original="originals/2026/01/cu.jpg",
                                    width=900, height=600, alt_text="Chợ phiên", credit="Ảnh: Nông Vui",
                                    checksum="ab" * 32, focal_x=0.2, focal_y=0.4)
    placeholder = OldPhoto.objects.create(image="photos/2026/01/tam.jpg", original_filename="anh-minh-hoa.jpg",
                                          width=1600, height=900, alt_text="Cánh đồng", credit="Ảnh: Hà Linh")
    for fmt in ("WEBP", "JPEG"):
        OldRendition.objects.create(photo=photo, width=480, height=320, format=fmt, file=f"renditions/r480.{fmt}")
        OldRendition.objects.create(photo=photo, width=480, height=320, format=fmt, crop="3x2-0.20-0.40",
                                    file=f"renditions/c480.{fmt}")
    story = Article.objects.create(title="Chợ phiên", slug="cho-phien", section=Section.objects.create(
        name="Đời sống", slug="doi-song"))
    caption = OldCaption.objects.create(article=story, photo=photo, text="Chợ phiên ngày Tết", is_lead=True)
    author = OldAuthor.objects.create(name="Nông Vui", slug="nong-vui", portrait=photo)
    old_type = ContentType.objects.get(app_label="articles", model="photo")
    reporters = Group.objects.get(name=roles.REPORTER.group)
    assert reporters.permissions.filter(content_type=old_type, codename="change_photo").exists()

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    moved = Photo.objects.get(pk=photo.pk)
    assert (moved.image.name, moved.original.name, moved.alt_text, moved.credit, moved.width) == (
        "photos/2026/01/cu.jpg", "originals/2026/01/cu.jpg", "Chợ phiên", "Ảnh: Nông Vui", 900)
    assert sorted(Rendition.objects.filter(photo=moved).values_list("file", flat=True)) == [
        "renditions/r480.JPEG", "renditions/r480.WEBP"]
    assert Caption.objects.get(pk=caption.pk).photo == moved
    assert Author.objects.get(pk=author.pk).portrait == moved
    assert ContentType.objects.get_for_model(Photo).pk == old_type.pk
    assert not ContentType.objects.filter(app_label="articles", model="photo").exists()
    assert reporters.permissions.filter(pk=Permission.objects.get(
        content_type__app_label="photos", codename="change_photo").pk).exists()
    moved_placeholder = Photo.objects.get(pk=placeholder.pk)
    assert moved_placeholder.is_placeholder and moved_placeholder.credit == "Ảnh minh họa"
    assert not moved.is_placeholder
    assert {"articles_photo", "articles_rendition"} <= set(connection.introspection.table_names())
