"""The newsroom's content: sections, authors, articles, captions and the workflow log.

Fields, managers, Meta, __str__, save, get_absolute_url and cheap derived values only. Status changes
live in workflow.py, Vietnamese text rules in text.py; photos are the photos app's (a Caption is one use of a
photo in a story, so it lives here with the story).
"""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Migration 0001 made the photo tables while they were this app's, and names these callables by this path.
from photos.storage import original_upload_to, photo_upload_to, private_storage, rendition_upload_to  # noqa: F401

from . import roles, text, urlspace
from .richtext import sanitize_html


class NormalizedTextMixin:
    """Store every text field in NFC without invisible characters, whatever the keyboard typed; one-line
    fields (titles, names) on one line, since they end up in mail headers, feeds and <title>."""

    def normalize_text_fields(self):
        for field in self._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    value = text.normalize(value)
                    if isinstance(field, models.CharField):
                        value = text.single_line(value)
                    setattr(self, field.attname, value)

    def save(self, *args, **kwargs):
        self.normalize_text_fields()
        super().save(*args, **kwargs)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("Waiting for review")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Taken down")


class Section(NormalizedTextMixin, models.Model):
    name = models.CharField(_("section name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True,
        help_text=_("Letters without diacritics joined by hyphens; left empty, it is made from the name."), blank=True,
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Smaller numbers come first."))

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def clean(self):
        # Section slugs live at the top of the URL space, beside the site's own paths (urlspace.py).
        if self.slug in urlspace.reserved_slugs():
            raise ValidationError({"slug": _("The address “%(slug)s” is already used by the site; choose another name.")
                                   % {"slug": self.slug}})

    def save(self, *args, **kwargs):
        if not self.slug:
            reserved = urlspace.reserved_slugs()
            self.slug = text.unique_slug(
                self.name, lambda s: s in reserved or Section.objects.filter(slug=s).exclude(pk=self.pk).exists(),
                max_length=100, fallback="chuyen-muc",
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class Tag(NormalizedTextMixin, models.Model):
    name = models.CharField(_("topic name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = text.unique_slug(
                self.name, lambda s: Tag.objects.filter(slug=s).exclude(pk=self.pk).exists(),
                max_length=100, fallback="chu-de",
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})


class Author(NormalizedTextMixin, models.Model):
    name = models.CharField(_("display name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True, blank=True)
    bio = models.TextField(_("short bio"), blank=True)
    portrait = models.ForeignKey(
        "photos.Photo", verbose_name=_("portrait"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="portrait_of",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="author",
        help_text=_("The reporter's login account, if any."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = text.unique_slug(
                self.name, lambda s: Author.objects.filter(slug=s).exclude(pk=self.pk).exists(),
                max_length=160, fallback="tac-gia",
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """What the public may see: published, with a publish time that has come, and not in the trash."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=now or timezone.now(), trashed_at__isnull=True)

    def scheduled(self, now=None):
        return self.filter(status=Status.PUBLISHED, published_at__gt=now or timezone.now(), trashed_at__isnull=True)

    def in_trash(self):
        """Stories moved to the trash (Thùng rác): kept whole, shown nowhere but the trash."""
        return self.filter(trashed_at__isnull=False)

    def outside_trash(self):
        return self.filter(trashed_at__isnull=True)

    @staticmethod
    def _owned(user):
        # A subquery rather than a join: no DISTINCT, so the admin changelist stays cheap on big tables.
        bylined = Byline.objects.filter(author__user=user).values("article_id")
        return models.Q(created_by=user) | models.Q(pk__in=bylined)

    def owned_by(self, user):
        """The user's own stories: created by them or carrying their byline (roles.owns, as a query)."""
        return self.filter(self._owned(user))

    def visible_to(self, user, now=None):
        """The stories a staff user may see in the admin (workflow.can_view, as a query): editors all, reporters
        their own and what the public can read; a scheduled story stays closed to other reporters until its time."""
        if not user.is_authenticated:
            return self.none()
        if roles.is_editor(user):
            return self
        public = models.Q(status=Status.PUBLISHED, published_at__lte=now or timezone.now())
        return self.filter(self._owned(user) | public)

    def with_submission(self):
        """Each story with when and by whom it was last sent for review (`submitted_at`, `submitted_by`), the
        review queue's order."""
        submissions = Transition.objects.filter(article=models.OuterRef("pk"), action="submit").order_by("-at", "-id")
        return self.annotate(submitted_at=models.Subquery(submissions.values("at")[:1]),
                             submitted_by=models.Subquery(submissions.values("actor_name")[:1]))

    def for_listing(self):
        """Everything a list of stories shows, in a fixed number of queries."""
        return self.select_related("section").prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("order")),
            models.Prefetch("captions", queryset=Caption.objects.filter(is_lead=True).select_related("photo"),
                            to_attr="lead_captions"),
            "lead_captions__photo__renditions",  # the picture partial's srcsets, one query for the whole list
        )


class Article(NormalizedTextMixin, models.Model):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"), max_length=220, unique=True, blank=True,
        help_text=_("Leave empty to make it from the title (without diacritics)."),
    )
    kicker = models.CharField(_("kicker"), max_length=200, blank=True, help_text=_("The small line above the title."))
    sapo = models.TextField(_("sapo"), blank=True, help_text=_("The bold opening paragraph under the title, 1-3 sentences."))
    body = models.TextField(_("body"), blank=True)
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles")
    authors = models.ManyToManyField(Author, verbose_name=_("author"), through="Byline", related_name="articles", blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("topic"), related_name="articles", blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    published_at = models.DateTimeField(
        _("publish time"), null=True, blank=True, db_index=True,
        help_text=_("Set a time in the future to schedule the story."),
    )
    first_published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    is_featured = models.BooleanField(_("featured"), default=False, help_text=_("Put it in the home page's top spot."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="articles_created", editable=False,
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("last edited by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="articles_edited", editable=False,
    )
    # Optimistic concurrency: every save bumps it; a save from a stale form is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Accent-folded copies for search (text.fold), kept in step by save().
    search_title = models.TextField(blank=True, default="", editable=False)
    search_body = models.TextField(blank=True, default="", editable=False)
    # Where an imported story came from, so that importing it again updates it.
    source_key = models.CharField(max_length=255, null=True, blank=True, unique=True, editable=False)
    # The trash (Thùng rác), written only by workflow.py: a flag beside the status, not a status of its own, so a
    # story keeps the state it had (a taken-down story stays "Đã gỡ", as the law's keeping rule needs).
    trashed_at = models.DateTimeField(_("moved to the trash at"), null=True, blank=True, editable=False)
    trashed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("moved to the trash by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        # Stored in the database by migrate, which runs untranslated: the Vietnamese is the permission's name.
        permissions = [(roles.PUBLISH_CODENAME, "Có thể duyệt và xuất bản bài viết")]  # i18n: data
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_public_idx"),
            models.Index(fields=["section", "status", "-published_at", "-id"], name="article_section_idx"),
            # The front page's newest featured story (frontpage/arrangement.py): without it, a scan of every story
            # of the last FEATURED_MAX_AGE for the few marked featured (0.26 of the front page query's 1.0 ms at
            # 100,000 stories).
            models.Index(fields=["-published_at", "-id"], name="article_featured_idx",
                         condition=models.Q(is_featured=True)),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.normalize_text_fields()
        self.body = sanitize_html(self.body)
        if not self.slug:
            self.slug = text.unique_slug(
                self.title, lambda s: Article.objects.filter(slug=s).exclude(pk=self.pk).exists(), max_length=220,
            )
        self.search_title = text.fold(self.title)
        # The story's own text; search.py adds its captions, photo credits and byline names once they are saved.
        self.search_body = text.fold_story(self.kicker, self.sapo, self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "kicker", "sapo", "body"} & set(update_fields):
            kwargs["update_fields"] = set(update_fields) | {"search_title", "search_body"}
        if self._state.adding or self.pk is None:
            super(NormalizedTextMixin, self).save(*args, **kwargs)
            return
        # The next version follows the row's, not this (possibly stale) instance's; forms compare it (forms.py).
        # Read under a row lock and kept as a number, so that post_save listeners (django-reversion's
        # revision, the cache) see the real version, never an F() expression.
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"version"}
        with transaction.atomic(using=kwargs.get("using"), savepoint=False):
            current = (type(self).objects.select_for_update().filter(pk=self.pk)
                       .values_list("version", flat=True).first())
            self.version = (current or 0) + 1
            super(NormalizedTextMixin, self).save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"section": self.section.slug, "slug": self.slug})

    @property
    def is_public(self):
        return (self.status == Status.PUBLISHED and self.published_at is not None
                and self.published_at <= timezone.now() and self.trashed_at is None)

    @property
    def is_scheduled(self):
        return (self.status == Status.PUBLISHED and self.published_at is not None
                and self.published_at > timezone.now() and self.trashed_at is None)

    @property
    def in_trash(self):
        return self.trashed_at is not None


class BylineRole(models.TextChoices):
    """What a name on the byline did for the story; the label is what readers see before the names."""

    WRITER = "writer", _("Words")
    PHOTOS = "photos", _("Photos")
    VIDEO = "video", _("Video")
    GRAPHICS = "graphics", _("Graphics")
    TRANSLATION = "translation", _("Translation")


class ArticleInTrash(Article):
    """The trash as the admin lists it (Thùng rác): the same rows, a list of their own."""

    class Meta:
        proxy = True
        verbose_name = _("story in the trash")
        verbose_name_plural = _("Trash")


class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, verbose_name=_("author"), on_delete=models.PROTECT, related_name="bylines")
    role = models.CharField(_("role"), max_length=20, choices=BylineRole.choices, default=BylineRole.WRITER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        # One person may both write and photograph a story, but not hold the same role twice.
        constraints = [models.UniqueConstraint(fields=["article", "author", "role"], name="unique_byline_role")]

    def __str__(self):
        return f"{self.get_role_display()}: {self.author}"

    @property
    def is_writer(self):
        return self.role == BylineRole.WRITER


class Caption(NormalizedTextMixin, models.Model):
    """A story's lead photo with its caption there. Other photos stand in the body's text (richtext.PHOTO_FIGURE)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="captions")
    photo = models.ForeignKey("photos.Photo", verbose_name=_("photo"), on_delete=models.PROTECT, related_name="captions")
    text = models.TextField(_("caption"), blank=True)
    is_lead = models.BooleanField(_("lead photo"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("photo in a story")
        verbose_name_plural = _("photos in stories")
        constraints = [
            models.UniqueConstraint(fields=["article"], condition=models.Q(is_lead=True), name="one_lead_photo"),
        ]

    def __str__(self):
        return self.text[:60] or str(self.photo)


class PhotoUse(models.Model):
    """A library photo a story shows, as its lead or in its text, with its caption there: derived from the lead
    Caption and the body's figures on every save (photouses.py), so the photo library reads it instead of bodies."""

    class Place(models.TextChoices):
        LEAD = "lead", _("lead photo")
        TEXT = "text", _("in the text")

    article = models.ForeignKey(Article, verbose_name=_("story"), on_delete=models.CASCADE, related_name="photo_uses")
    # PROTECT: a photo a story shows, lead or in its text, cannot leave the library under it.
    photo = models.ForeignKey("photos.Photo", verbose_name=_("photo"), on_delete=models.PROTECT, related_name="uses")
    place = models.CharField(_("shown as"), max_length=4, choices=Place.choices)
    caption = models.TextField(_("caption"), blank=True)

    class Meta:
        verbose_name = _("use of a photo")
        verbose_name_plural = _("uses of photos")
        constraints = [
            models.UniqueConstraint(fields=["article", "photo", "place"], name="one_use_per_place"),
        ]

    def __str__(self):
        return f"{self.get_place_display()}: #{self.article_id}"


class Correction(NormalizedTextMixin, models.Model):
    """A dated correction notice (Đính chính) shown at the end of a published story."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField(_("correction text"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self):
        return self.text[:60]


class Transition(models.Model):
    """The audit trail: one row per change of a story's status, written only by workflow.py."""

    article = models.ForeignKey(Article, null=True, on_delete=models.SET_NULL, related_name="transitions")
    article_title = models.CharField(max_length=300)
    action = models.CharField(_("move"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("done by"), max_length=150, blank=True)
    comment = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("workflow log entry")
        verbose_name_plural = _("workflow log")

    def __str__(self):
        return f"{self.article_title}: {self.from_status} → {self.to_status}"


class MailFailure(models.Model):
    """A workflow mail that did not leave (mail server down, address refused), kept for the editors' desk."""

    transition = models.ForeignKey(Transition, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    article_title = models.CharField(_("story"), max_length=300)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    error = models.TextField(_("error"), blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("unsent notification")
        verbose_name_plural = _("unsent notifications")

    def __str__(self):
        return f"{self.article_title} → {self.recipient or '?'}"
