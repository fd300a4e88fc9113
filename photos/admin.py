"""Admin for the photo library. Thin: uploads are checked by validation.py and stored by services.py, never here."""
from urllib.parse import quote

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from articles import roles
from articles.models import PhotoUse

from . import permissions, placeholders, renditions, services, storage, validation
from .models import Photo

ACCEPT = ",".join(validation.CONTENT_TYPES.values())
LIBRARY_PAGE = 24  # photos the body editor's picker shows at once


class PhotoForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("Image file"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    class Meta:
        model = Photo
        fields = ["alt_text", "credit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "upload" in self.fields:
            self.fields["upload"].required = self.instance.pk is None
            if self.instance.pk is not None:
                self.fields["upload"].label = _("Real photo")
            self.fields["upload"].help_text = _(
                "A JPEG, PNG or WebP image of at most %(mb)s MB and %(mp)s megapixels. GPS positions and camera details "
                "are removed from every public photo; only editors can see the original file."
            ) % {"mb": validation.max_bytes() // (1024 * 1024), "mp": validation.max_pixels() // 1_000_000}

    def clean_upload(self):
        """Decode the upload with the photo pipeline; a PhotoRejected becomes the field's error."""
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        return validation.check_upload(upload, original_filename=getattr(upload, "name", ""))

    def clean(self):
        cleaned = super().clean()
        replacing = self.instance.pk is not None and self.instance.is_placeholder and cleaned.get("upload")
        if replacing and (cleaned.get("credit") or "").strip() in ("", placeholders.PLACEHOLDER_CREDIT):
            self.add_error("credit", _("Write who took the real photo: it replaces the placeholder's credit."))
        return cleaned

    uploaded_by = None  # set per request by PhotoAdmin.get_form

    def _post_clean(self):
        """Store a new photo, or a placeholder's real photo, while the form is validated, so that a storage
        failure is shown on the form."""
        super()._post_clean()
        checked = self.cleaned_data.get("upload")
        if checked is None or self.errors:
            return
        try:
            # Inside the admin's transaction: if the save fails later, the row goes and the files are removed
            # (PhotoAdmin.changeform_view).
            if self.instance.pk is None:
                services.photo_store(photo=self.instance, checked=checked, uploaded_by=self.uploaded_by)
            elif self.instance.is_placeholder:
                services.photo_replace(photo=self.instance, checked=checked, by=self.uploaded_by)
        except storage.PhotoNotStored as error:
            self.add_error("upload", error)


class BodyPhotoForm(PhotoForm):
    """A photo uploaded from the body editor: it goes straight into a story, so its description and credit are
    asked for at once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alt_text"].required = self.fields["credit"].required = True


class MissingMetadataFilter(admin.SimpleListFilter):
    title = _("required details")
    parameter_name = "thieu"

    def lookups(self, request, model_admin):
        return [("1", _("Missing description or credit")), ("0", _("Complete"))]

    def queryset(self, request, queryset):
        missing = Q(alt_text="") | Q(credit="")
        if self.value() == "1":
            return queryset.filter(missing)
        if self.value() == "0":
            return queryset.exclude(missing)
        return queryset


class PlaceholderFilter(admin.SimpleListFilter):
    title = _("placeholder")
    parameter_name = "tam"

    def lookups(self, request, model_admin):
        return [("1", _("Placeholders waiting for a real photo")), ("0", _("Real photos"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(is_placeholder=True)
        if self.value() == "0":
            return queryset.filter(is_placeholder=False)
        return queryset


class UsageFilter(admin.SimpleListFilter):
    title = _("use")
    parameter_name = "dung"

    def lookups(self, request, model_admin):
        return [("1", _("Used in a story")), ("0", _("Not used"))]

    def queryset(self, request, queryset):
        # Only uses in stories this user may see count: others' drafts must not show through the filter.
        used = permissions.visible_uses(request.user).values("photo_id")
        if self.value() == "1":
            return queryset.filter(pk__in=used)
        if self.value() == "0":
            return queryset.exclude(pk__in=used)
        return queryset


def _visible_uses(request):
    """The uses of photos in stories this user may see (reporters do not see others' drafts), newest story first."""
    return (
        permissions.visible_uses(request.user)
        .select_related("article")
        .only("photo", "place", "caption", "article__title", "article__status")
        .order_by("-article__id", "place")
    )


class UsageInline(admin.TabularInline):
    """Where the photo runs, each story with the caption it carries there."""

    model = PhotoUse
    fields = ["story", "story_status", "place", "caption"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("story using this photo")
    verbose_name_plural = _("stories using this photo")

    def get_queryset(self, request):
        return _visible_uses(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff

    @admin.display(description=_("story"))
    def story(self, use):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:articles_article_change", args=[use.article_id]), use.article.title,
        )

    @admin.display(description=_("status"))
    def story_status(self, use):
        return use.article.get_status_display()


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoForm
    list_display = ["thumbnail", "description", "credit", "dimensions", "used_in", "uploaded_at"]
    list_display_links = ["thumbnail", "description"]
    list_filter = [PlaceholderFilter, MissingMetadataFilter, UsageFilter, "format"]
    # Captions are searched too, but only in stories the user may see (get_search_results).
    search_fields = ["alt_text", "credit", "original_filename"]
    search_help_text = _("Search by description, credit, caption in a story or original file name.")
    date_hierarchy = "uploaded_at"
    list_per_page = 50
    inlines = [UsageInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request)
            .select_related("uploaded_by")
            .prefetch_related(
                renditions.with_renditions(),
                Prefetch("uses", queryset=_visible_uses(request), to_attr="visible_uses"),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        """Every word in the alt text, credit, file name, or a caption of a story this user may see."""
        uses = permissions.visible_uses(request.user)
        for word in smart_split(search_term.replace("\x00", "")):
            if word[0] in "\"'" and word[-1] == word[0] and len(word) > 1:
                word = unescape_string_literal(word)
            matches = Q(pk__in=uses.filter(caption__icontains=word).values("photo_id"))
            for name in self.get_search_fields(request):
                matches |= Q(**{f"{name}__icontains": word})
            queryset = queryset.filter(matches)
        return queryset, False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.uploaded_by = request.user  # a class made for this request by modelform_factory
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The files of a photo stored by this request go if its transaction rolls back.
        with storage.files_removed_on_rollback():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def has_change_permission(self, request, obj=None):
        """Per photo: reporters change only photos of their own drafts and their unused uploads (permissions.py)."""
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.can_change(request.user, obj))

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["upload", "alt_text", "credit"]})]
        details = ["original_filename", "format", "dimensions", "size", "checksum", "uploaded_by", "uploaded_at"]
        if roles.may_fetch_originals(request.user):
            details.append("original_link")
        fieldsets = [(None, {"fields": ["preview", "alt_text", "credit"]})]
        if obj.is_placeholder:
            fieldsets.append((_("Placeholder: upload the real photo"), {"fields": ["upload"], "description": _(
                "The importer made this picture because the scraped story named a photo it did not save. Upload "
                "the real photo here and write who took it: every story using it then shows the real photo.")}))
        return [*fieldsets, (_("Files"), {"fields": details})]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["preview", "original_filename", "format", "dimensions", "size", "checksum", "uploaded_by",
                "uploaded_at", "original_link"]

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            services.photo_update(photo=obj, by=request.user, before=form.initial)
            return
        # A new photo was stored while its form was validated (PhotoForm._post_clean).
        twins = Photo.objects.filter(checksum=obj.checksum).exclude(pk=obj.pk).order_by("pk")[:3]
        if twins:
            self.message_user(request, format_html(
                _("This file is already in the library: {}. If you uploaded it by mistake, delete the new photo and "
                  "use the old one."),
                format_html_join(", ", '<a href="{}">#{}</a>', (
                    (reverse("admin:photos_photo_change", args=[twin.pk]), twin.pk) for twin in twins)),
            ), level=messages.WARNING)

    def get_deleted_objects(self, objs, request):
        """A photo a story shows, as its lead or in its text, is protected (PhotoUse.photo): the refusal names each
        such story, linked, once, instead of the rows that protect it."""
        deleted, counts, permissions_needed, protected = super().get_deleted_objects(objs, request)
        uses = PhotoUse.objects.filter(photo__in=objs).select_related("article").only("place", "article__title")
        stories = {}
        for use in uses.order_by("article_id", "place"):
            stories.setdefault(use.article_id, (use.article.title, []))[1].append(use.get_place_display())
        if stories:
            protected = [format_html('{}: <a href="{}">{}</a> ({})', _("Story"),
                                     reverse("admin:articles_article_change", args=[pk]), title,
                                     ", ".join(str(place) for place in places))
                         for pk, (title, places) in stories.items()]
        return deleted, counts, permissions_needed, protected

    def delete_model(self, request, obj):
        services.photo_delete(photo=obj)

    def delete_queryset(self, request, queryset):
        for photo in queryset:
            services.photo_delete(photo=photo)

    def get_urls(self):
        original = path(
            "<path:object_id>/ban-goc/", self.admin_site.admin_view(self.original_view),
            name="photos_photo_original",
        )
        # The body editor's photo picker (static/admin/newsroom/ckeditor/newsroomphoto/plugin.js).
        library = path("thu-vien/", self.admin_site.admin_view(self.library_view), name="photos_photo_library")
        upload = path("thu-vien/tai-len/", self.admin_site.admin_view(self.library_upload_view),
                      name="photos_photo_library_upload")
        return [original, library, upload, *super().get_urls()]

    def _as_json(self, photo) -> dict:
        return {"id": photo.pk, "thumbnail": renditions.thumbnail_url(photo), "alt_text": photo.alt_text,
                "credit": photo.credit, "placeholder": photo.is_placeholder}

    def library_view(self, request):
        """Photos for the body editor as JSON: the newest, those matching ?q= (as the library's search), or the
        ones named by ?id=1,2 (the figures of a body being opened)."""
        if request.method != "GET" or not self.has_view_permission(request):
            raise PermissionDenied
        photos = Photo.objects.prefetch_related(renditions.with_renditions()).order_by("-uploaded_at", "-pk")
        wanted = [int(part) for part in request.GET.get("id", "").split(",")[:50] if part.isdigit() and len(part) < 19]
        if wanted:
            photos = photos.filter(pk__in=wanted)
        elif request.GET.get("q", "").strip():
            photos, _ = self.get_search_results(request, photos, request.GET["q"][:200])
        return JsonResponse({"photos": [self._as_json(photo) for photo in photos[:LIBRARY_PAGE]]})

    def library_upload_view(self, request):
        """A photo uploaded from the body editor: checked and stored like one from the library's form, answered
        as JSON; a refusal is a 400 with the Vietnamese messages, and nothing is stored."""
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        form = BodyPhotoForm(request.POST, request.FILES)
        form.uploaded_by = request.user
        with storage.files_removed_on_rollback():
            if not form.is_valid():
                transaction.set_rollback(True)
                errors = [f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
                          for name, messages in form.errors.items() for error in messages]
                return JsonResponse({"errors": errors}, status=400)
            photo = form.instance  # stored while the form was validated (PhotoForm._post_clean)
            self.log_addition(request, photo, [{"added": {}}])
        return JsonResponse({"photo": self._as_json(photo)}, status=201)

    def original_view(self, request, object_id):
        """The upload exactly as sent, for editors: an attachment with its verified type, never rendered inline."""
        if not roles.may_fetch_originals(request.user):
            raise PermissionDenied
        photo = self.get_object(request, unquote(object_id))
        if photo is None or not photo.original:
            raise Http404(_("This photo has no original file."))
        try:
            handle = photo.original.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404(_("The original file was not found in storage.")) from None
        response = FileResponse(
            handle, as_attachment=True, filename=validation.download_name(photo),
            content_type=validation.CONTENT_TYPES.get(photo.format, "application/octet-stream"),
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.display(description=_("photo"))
    def thumbnail(self, photo):
        url = renditions.thumbnail_url(photo)
        if not url:
            return "-"
        return format_html('<img src="{}" alt="" width="120" loading="lazy" style="height:auto">', url)

    @admin.display(description=_("preview"))
    def preview(self, photo):
        sources = renditions.picture(photo)
        if sources is None:
            return "-"
        return format_html(
            '<img src="{}" srcset="{}" sizes="480px" alt="{}" width="480" style="height:auto">',
            sources.src, sources.jpeg_srcset, photo.alt_text,
        )

    @admin.display(description=_("photo description"), ordering="alt_text")
    def description(self, photo):
        flag = format_html('<strong class="photo-placeholder">{}</strong> ', _("Placeholder")) if photo.is_placeholder else ""
        if photo.alt_text:
            return format_html("{}{}", flag, photo.alt_text)
        return format_html('{}<span style="color:#ba2121">{}</span> {}', flag, _("No description"), photo.original_filename)

    @admin.display(description=_("dimensions"))
    def dimensions(self, photo):
        return f"{photo.width} × {photo.height}" if photo.width else "-"

    @admin.display(description=_("file size"))
    def size(self, photo):
        published = f"{validation.megabytes(photo.file_size)} MB" if photo.file_size else "-"
        try:
            original = f"{validation.megabytes(photo.original.size)} MB" if photo.original else "-"
        except OSError:
            original = _("not found")
        return _("published: %(published)s; original: %(original)s") % {"published": published, "original": original}

    @admin.display(description=_("used in"))
    def used_in(self, photo):
        uses = getattr(photo, "visible_uses", [])  # prefetched in get_queryset: no query per row
        if not uses:
            return "-"
        stories = {}  # a story may show the photo both as its lead and in its text: one line
        for use in uses:
            stories.setdefault(use.article_id, (use.article, []))[1].append(use.get_place_display())
        return format_html(
            "<ul style='margin:0;padding-left:1em'>{}</ul>",
            format_html_join(
                "", '<li><a href="{}">{}</a> ({}; {})</li>',
                ((reverse("admin:articles_article_change", args=[pk]), article.title, article.get_status_display(),
                  ", ".join(str(place) for place in places)) for pk, (article, places) in stories.items()),
            ),
        )

    @admin.display(description=_("original file"))
    def original_link(self, photo):
        if not photo.original:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:photos_photo_original", args=[photo.pk]),
            _("Download the original file (EXIF/GPS intact, never published)"),
        )


def moved_address(request, rest):
    """The photo library's old admin address (under the articles app) sends the browser to the new one."""
    target = f"{reverse('admin:index')}photos/{quote(rest, safe='/')}"
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(f"{target}?{query}" if query else target)
