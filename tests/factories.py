"""Small make_* functions that build real rows (and real images, made with Pillow)."""
import io
import itertools

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Author, Byline, Caption, Section, Status
from photos.models import Photo
from articles.signals import article_changed

_counter = itertools.count(1)


def jpeg_bytes(width=640, height=427, color=(40, 90, 140), **save_kwargs) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG", quality=85, **save_kwargs)
    return buffer.getvalue()


def make_user(username=None, *, staff=True, superuser=False, groups=(), password="mat-khau-thu-nghiem-42", **fields):
    username = username or f"user{next(_counter)}"
    user = get_user_model().objects.create_user(
        username=username, password=password, is_staff=staff or superuser, is_superuser=superuser,
        email=f"{username}@example.test", **fields,
    )
    if groups:
        from django.contrib.auth.models import Group

        user.groups.set(Group.objects.filter(name__in=groups))
    return user


def make_section(name=None, **fields) -> Section:
    return Section.objects.create(name=name or f"Chuyên mục {next(_counter)}", **fields)


def make_author(name=None, **fields) -> Author:
    return Author.objects.create(name=name or f"Phóng viên {next(_counter)}", **fields)


def make_photo(alt_text="Ảnh thử nghiệm", credit="Ảnh: Tòa soạn", width=640, height=427, **fields) -> Photo:
    """A photo stored through the real pipeline (photos.services), renditions included."""
    from photos import services

    photo = services.photo_create(file=jpeg_bytes(width, height), alt_text=alt_text, credit=credit,
                                original_filename="anh.jpg", uploaded_by=fields.pop("uploaded_by", None))
    if fields:
        for name, value in fields.items():
            setattr(photo, name, value)
        photo.save()
    return photo


def make_article(title=None, *, section=None, authors=(), status=Status.DRAFT, published_at=None,
                 body="<p>Đoạn thứ nhất.</p><p>Đoạn thứ hai.</p>", sapo="Sapo của bài viết.", **fields) -> Article:
    """An article in `status`; the status is written directly, as tests set up the world (not through workflow)."""
    article = Article(
        title=title or f"Bài viết số {next(_counter)}", section=section or make_section(), body=body, sapo=sapo, **fields
    )
    article.save()
    for order, author in enumerate(authors):
        Byline.objects.create(article=article, author=author, order=order)
    if status != Status.DRAFT:
        if status == Status.PUBLISHED and published_at is None:
            published_at = timezone.now() - timezone.timedelta(minutes=5)
        Article.objects.filter(pk=article.pk).update(status=status, published_at=published_at)
        article.refresh_from_db()
        # As workflow.py does after a move: the public cache purges only for changes the public can see.
        article_changed.send(sender=Article, article=article, action="system")
    return article


def make_caption(article, photo=None, *, text="Chú thích ảnh.", is_lead=True, **fields) -> Caption:
    """The story's lead photo with its caption (other photos stand in the text: place_photo)."""
    return Caption.objects.create(article=article, photo=photo or make_photo(), text=text, is_lead=is_lead, **fields)


def place_photo(article, photo=None, *, text="Chú thích ảnh.", after=0):
    """Put a library photo in the story's text after its `after`-th block, as the editor's widget does; the photo."""
    from articles.rendering import place_after_blocks
    from articles.richtext import photo_figure

    photo = photo or make_photo()
    article.body = place_after_blocks(article.body, [(after, photo_figure(photo.pk, text))])
    article.save()
    return photo


def ensure_roles():
    """Make the two newsroom groups (articles/roles.py), if a transactional test's flush removed them."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.management import create_contenttypes

    from articles import roles

    if Group.objects.filter(name__in=roles.GROUP_NAMES).count() == len(roles.GROUP_NAMES):
        return
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)
        create_permissions(app_config, verbosity=0)
    roles.sync_roles()
