"""Admin for stories, sections, authors and the audit trail. Thin: status changes go through workflow.py.

Who sees and edits what is decided in workflow.py (can_view, can_edit, allowed) and enforced here in the
queryset and the has_*_permission methods, so a crafted POST gets the same answer as a hidden button.
"""
import datetime

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import OuterRef, Prefetch, Subquery
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html, format_html_join

from .. import presence, revisions, roles, text, views, workflow
from ..bylines import credit_line
from ..forms import ArticleAdminForm
from ..models import Article, Author, Byline, Caption, Correction, Section, Status, Tag, Transition
from ..signals import announce_article_changed
from ..templatetags.newsroom import trusted_body_html
from .pagination import EstimatedCountPaginator


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name"]
    autocomplete_fields = ["portrait"]
    list_select_related = ["user"]


# --- Change list --------------------------------------------------------------------------------------------

class ArticleChangeList(ChangeList):
    """The list never shows bodies: leave the long text columns in the database (50 bodies per page add up)."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer("body", "search_body")


def submitted_at():
    """When the story was last sent for review (for the review queue, oldest first)."""
    return Subquery(
        Transition.objects.filter(article=OuterRef("pk"), action="submit").order_by("-at").values("at")[:1]
    )


class QuickViewFilter(admin.SimpleListFilter):
    title = "xem nhanh"
    parameter_name = "xem"

    def lookups(self, request, model_admin):
        return [("cua-toi", "Bài của tôi"), ("cho-duyet", "Chờ duyệt"), ("hen-gio", "Hẹn giờ đăng")]

    def queryset(self, request, queryset):
        if self.value() == "cua-toi":
            return queryset.owned_by(request.user)
        if self.value() == "cho-duyet":
            return queryset.filter(status=Status.REVIEW)
        if self.value() == "hen-gio":
            return queryset.scheduled()
        return queryset


class AuthorFilter(admin.SimpleListFilter):
    title = "tác giả"
    parameter_name = "tac-gia"

    def lookups(self, request, model_admin):
        return list(Author.objects.order_by("name").values_list("pk", "name"))

    def queryset(self, request, queryset):
        if self.value():
            try:
                author_id = int(self.value())
            except ValueError:
                return queryset.none()
            return queryset.filter(pk__in=Byline.objects.filter(author_id=author_id).values("article_id"))
        return queryset


# --- Inlines: editable exactly when the story is ----------------------------------------------------------

class StoryInlineMixin:
    """An inline row may change only when its story may (workflow.can_edit)."""

    def _story_editable(self, request, obj):
        return obj is None or workflow.can_edit(request.user, obj)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._story_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._story_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._story_editable(request, obj)


class KnownChoiceAutocomplete(AutocompleteSelect):
    """An autocomplete whose selected option's label is already known, instead of one query per row."""

    known = None  # {str(pk): label}, set per form by KnownChoicesFormSet

    def optgroups(self, name, value, attr=None):
        selected = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.known is None or any(v not in self.known for v in selected):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        options += [self.create_option(name, v, self.known[v], set(selected), len(options) + i)
                    for i, v in enumerate(selected)]
        return [(None, options, 0)]


class KnownChoicesFormSet(BaseInlineFormSet):
    """Give each row's autocomplete the label of the object it already holds (select_related by the inline)."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        for name in self.autocomplete_fields:
            related = getattr(form.instance, name, None) if getattr(form.instance, f"{name}_id", None) else None
            widget = getattr(form.fields[name].widget, "widget", form.fields[name].widget)
            if related is not None and isinstance(widget, KnownChoiceAutocomplete):
                widget.known = {str(related.pk): str(related)}
        return form


class KnownChoicesInlineMixin:
    """Inline rows whose autocompletes cost no query each: the inline select_relates what they show."""

    formset = KnownChoicesFormSet

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.autocomplete_fields)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.autocomplete_fields = list(self.autocomplete_fields)
        return formset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = KnownChoiceAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class BylineInline(KnownChoicesInlineMixin, StoryInlineMixin, admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "order"]


class CaptionInline(KnownChoicesInlineMixin, StoryInlineMixin, admin.TabularInline):
    model = Caption
    extra = 0
    autocomplete_fields = ["photo"]
    fields = ["thumbnail", "photo", "text", "position", "is_lead", "order"]
    readonly_fields = ["thumbnail"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}

    @admin.display(description="ảnh")
    def thumbnail(self, caption):
        if not caption.pk or not caption.photo_id:
            return "—"
        photo = caption.photo
        missing = photo.missing_metadata
        warning = format_html('<br><span class="nr-warning">Thiếu: {}</span>', ", ".join(str(m) for m in missing)) \
            if missing else ""
        return format_html('<img class="nr-thumb" src="{}" alt="{}" width="120" loading="lazy">{}',
                           photo.image.url, photo.alt_text, warning)


class CorrectionInline(admin.StackedInline):
    """Đính chính: dated notices readers see at the end of a published story, written by editors."""

    model = Correction
    extra = 0
    fields = ["text", "created_at"]
    readonly_fields = ["created_at"]

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and obj is not None and \
            workflow.can_add_correction(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and roles.is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


# --- Stories ------------------------------------------------------------------------------------------------

def _parse_publish_at(value: str):
    """The publish time from the button panel (a datetime-local input), in the newsroom's time zone."""
    value = (value or "").strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"):
        try:
            return timezone.make_aware(datetime.datetime.strptime(value, pattern))
        except ValueError:
            continue
    raise workflow.WorkflowError("Thời điểm đăng không hợp lệ; hãy chọn ngày và giờ, ví dụ 22/07/2026 08:30.")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "status_badge", "section", "byline_names", "publish_time", "last_editor", "updated_at"]
    list_display_links = ["title"]
    list_filter = [QuickViewFilter, "status", "section", AuthorFilter]
    list_select_related = ["section", "last_edited_by"]
    list_per_page = 50
    # No second, unfiltered COUNT(*) on every changelist page; the bench engineer may swap `paginator`.
    show_full_result_count = False
    paginator = EstimatedCountPaginator  # the unfiltered list's size from PostgreSQL's statistics, not COUNT(*)
    search_fields = ["search_title"]
    search_help_text = "Tìm theo tiêu đề, gõ có dấu hay không dấu đều được."
    ordering = ["-id"]
    autocomplete_fields = ["tags"]
    inlines = [BylineInline, CaptionInline, CorrectionInline]
    actions = ["publish_selected"]
    fieldsets = [
        (None, {"fields": ["title", "kicker", "sapo", "body"]}),
        ("Phân loại", {"fields": ["section", "tags", "is_featured"]}),
        ("Xuất bản", {"fields": ["status_badge", "slug", "published_at", "first_published_at",
                                 "created_by", "last_edited_by", "updated_at"]}),
    ]
    base_readonly_fields = ["status_badge", "first_published_at", "created_by", "last_edited_by", "updated_at"]

    class Media:
        css = {"all": ["admin/newsroom/admin.css"]}
        js = ["admin/newsroom/workflow.js", "admin/newsroom/presence.js"]

    # Who sees and changes what.

    def get_queryset(self, request):
        queryset = self.model._default_manager.get_queryset()
        if request.GET.get(QuickViewFilter.parameter_name) == "cho-duyet":
            queryset = queryset.annotate(submitted_at=submitted_at())  # before ordering by it
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset.visible_to(request.user).prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("order", "id"))
        )

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_ordering(self, request):
        if request.GET.get(QuickViewFilter.parameter_name) == "cho-duyet":
            return ["submitted_at", "id"]
        return super().get_ordering(request)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Another reporter's draft is not there for this user: 404, not a redirect with a hint.
            raise Http404("Không tìm thấy bài viết, hoặc bạn không có quyền xem bài này.")
        return obj

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or roles.is_editor(request.user))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or workflow.can_edit(request.user, obj):
            return fieldsets
        # Read-only: show the body as the reader will see it, not as HTML source.
        return [(name, {**options, "fields": ["rendered_body" if f == "body" else f for f in options["fields"]]})
                for name, options in fieldsets]

    @admin.display(description="nội dung")
    def rendered_body(self, article):
        return format_html('<div class="nr-rendered-body">{}</div>', trusted_body_html(article.body))

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.base_readonly_fields) + ["rendered_body"]
        if not roles.may_set_publish_time(request.user):
            fields.append("published_at")
        if not roles.may_feature(request.user):
            fields.append("is_featured")
        fields += sorted(workflow.workflow_owned_fields(obj) - set(fields))
        if obj is not None and obj.first_published_at is not None:
            fields.append("slug")  # the public address of a story that has been out stays as it is
        return fields

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if obj is None or obj.first_published_at is None:
            inlines = [inline for inline in inlines if not isinstance(inline, CorrectionInline)]
        return inlines

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        author = getattr(request.user, "author", None) if request.user.is_authenticated else None
        if isinstance(inline, BylineInline) and obj.pk is None and author is not None and request.method == "GET":
            kwargs["initial"] = [{"author": author.pk, "order": 0}]
        if request.method == "POST" and f"{prefix}-TOTAL_FORMS" not in kwargs.get("data", request.POST):
            # An inline that appeared after the form was opened (corrections, once a move published the story):
            # the sender never saw it, so it changes nothing, instead of a management-form error on every save.
            data = kwargs.get("data", request.POST).copy()
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
            kwargs["data"] = data
        return kwargs

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public else None

    # Change list columns.

    @admin.display(description="trạng thái", ordering="status")
    def status_badge(self, article):
        if article.is_scheduled:
            return format_html('<span class="nr-badge nr-badge--scheduled" title="{}">Hẹn giờ</span>',
                               text.vietnamese_datetime(article.published_at))
        return format_html('<span class="nr-badge nr-badge--{}">{}</span>', article.status,
                           Status(article.status).label)

    @admin.display(description="tác giả")
    def byline_names(self, article):
        return credit_line(article.bylines.all()) or "—"

    @admin.display(description="xuất bản", ordering="published_at")
    def publish_time(self, article):
        return text.vietnamese_datetime(article.published_at) or "—"

    @admin.display(description="người sửa cuối", ordering="last_edited_by__username")
    def last_editor(self, article):
        user = article.last_edited_by
        return (user.get_full_name() or user.get_username()) if user else "—"

    def get_search_results(self, request, queryset, search_term):
        """Accent-insensitive search by title: every folded word must appear in Article.search_title."""
        for word in text.fold(search_term).split():
            queryset = queryset.filter(search_title__contains=word)
        return queryset, False

    # Saving: who, the version counter, revisions, and the button that was pressed.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with reversion.create_revision():
            if request.user.is_authenticated:
                reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        obj.last_edited_by = request.user
        if not change:
            obj.created_by = request.user
            obj.save()
        else:
            # Status, first publication and a published story's time are the workflow's: a save never writes
            # them, even from a story object loaded before an editor pressed "publish".
            obj.save(update_fields=workflow.content_fields(obj))

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            if formset.model is Correction:
                for correction_form in formset.forms:
                    if correction_form.instance.pk is None:
                        correction_form.instance.created_by = request.user
        super().save_related(request, form, formsets, change)
        article = form.instance
        if reversion.is_active():
            # Inlines and tags are saved only now: store the revision again with the whole story.
            reversion.add_to_revision(article)
            reversion.set_comment(self._revision_comment(form, formsets, change))
        announce_article_changed(article, action="save")
        presence.stop_editing(article.pk, request.user)

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        obj.pk = pk  # listeners purge the old address; the row itself is gone
        announce_article_changed(obj, action="delete")

    def delete_queryset(self, request, queryset):
        doomed = list(queryset.select_related("section"))
        super().delete_queryset(request, queryset)
        for article in doomed:  # these copies keep their pk and address for the listeners
            announce_article_changed(article, action="delete")

    def _revision_comment(self, form, formsets, change):
        if not change:
            return "Tạo bài"
        labels = [str(form.fields[name].label or name) for name in form.changed_data if name != "version"]
        labels += [str(formset.model._meta.verbose_name_plural) for formset in formsets if formset.has_changed()]
        return "Sửa: " + ", ".join(labels) if labels else "Lưu, không đổi nội dung"

    def response_add(self, request, obj, post_url_continue=None):
        if request.POST.get("_transition"):
            return self._save_and_move(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if request.POST.get("_transition"):
            return self._save_and_move(request, obj)
        return super().response_change(request, obj)

    def _save_and_move(self, request, obj):
        self.message_user(request, f"Đã lưu bài “{obj.title}”.", messages.SUCCESS)
        self._move(request, obj)
        return HttpResponseRedirect(self._change_url(obj))

    def _move(self, request, article):
        """Run the button's transition through workflow.py and tell the user what happened."""
        action = request.POST.get("_transition", "")
        try:
            publish_at = None
            if action == "publish":
                # The panel's time first; else a future "thời điểm xuất bản" the editor just saved in the form.
                publish_at = _parse_publish_at(request.POST.get("_publish_at", ""))
                if publish_at is None and article.published_at and article.published_at > timezone.now():
                    publish_at = article.published_at
            moved = workflow.article_transition(action, article=article, by=request.user,
                                                comment=request.POST.get("_transition_comment", ""),
                                                publish_at=publish_at)
        except workflow.WorkflowError as error:
            if error.missing:
                self.message_user(request, format_html(
                    "{}<ul>{}</ul>", f"Chưa thể “{workflow.TRANSITIONS[action].label}”, bài còn thiếu:",
                    format_html_join("", "<li>{}</li>", ((item,) for item in error.missing)),
                ), messages.ERROR)
            else:
                self.message_user(request, error.message, messages.ERROR)
            return None
        self.message_user(request, workflow.done_message(action, moved), messages.SUCCESS)
        return moved

    def _change_url(self, obj):
        return reverse("admin:articles_article_change", args=[quote(obj.pk)], current_app=self.admin_site.name)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(self._workflow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _workflow_context(self, request, obj):
        if obj is None or obj.pk is None:
            return {"workflow_moves": [], "story_editable": True, "submit_on_add": True}
        moves = workflow.available_moves(request.user, obj)
        editable = workflow.can_edit(request.user, obj)
        presence_text = ""
        if editable:
            presence.mark_editing(obj.pk, request.user)
            presence_text = presence.describe(presence.others_editing(obj.pk, request.user))
        publish_at = ""
        if obj.published_at and obj.published_at > timezone.now():
            publish_at = timezone.localtime(obj.published_at).strftime("%Y-%m-%dT%H:%M")
        return {
            "workflow_moves": moves,
            "story_editable": editable,
            "transition_url": reverse("admin:articles_article_transition", args=[quote(obj.pk)]),
            "preview_url": reverse("admin:articles_article_preview", args=[quote(obj.pk)]),
            "transitions": list(obj.transitions.select_related("actor")[:100]),
            # Editors' notes are internal: only those who may read the story's history read them here too.
            "hide_transition_comments": not workflow.can_read_history(request.user, obj),
            "presence_text": presence_text,
            "presence_url": reverse("admin:articles_article_presence", args=[quote(obj.pk)]) if editable else "",
            "presence_every": presence.HEARTBEAT_EVERY,
            "action_labels": workflow.ACTION_LABELS,
            "missing": workflow.missing_for_publication(obj) if obj.status == Status.DRAFT else [],
            "publish_at_value": request.POST.get("_publish_at", publish_at),
            "transition_comment": request.POST.get("_transition_comment", ""),
        }

    # Admin actions.

    def has_publish_permission(self, request):
        """Who sees the publish action (Django asks this for actions declaring permissions=["publish"])."""
        return roles.may_publish(request.user)

    @admin.action(description="Duyệt và xuất bản các bài đã chọn", permissions=["publish"])
    def publish_selected(self, request, queryset):
        done, refused = 0, []
        for article in queryset:
            try:
                workflow.article_publish(article=article, by=request.user)
                done += 1
            except workflow.WorkflowError as error:
                refused.append(f"“{article.title}”: {error.message}")
        if done:
            self.message_user(request, f"Đã xuất bản {done} bài.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    # Extra pages: transition without editing, preview, history, compare, restore.

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path("<path:object_id>/chuyen-trang-thai/", wrap(self.transition_view), name="articles_article_transition"),
            path("<path:object_id>/xem-truoc/", wrap(self.preview_view), name="articles_article_preview"),
            path("<path:object_id>/dang-mo/", wrap(self.presence_view), name="articles_article_presence"),
            path("<path:object_id>/lich-su/so-sanh/", wrap(self.compare_view), name="articles_article_compare"),
            path("<path:object_id>/lich-su/<int:version_id>/khoi-phuc/", wrap(self.restore_view),
                 name="articles_article_restore"),
        ] + super().get_urls()

    def _visible_story(self, request, object_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return self.get_object(request, object_id)

    def _story_with_history(self, request, object_id):
        article = self._visible_story(request, object_id)
        if not workflow.can_read_history(request.user, article):
            raise PermissionDenied
        return article

    def transition_view(self, request, object_id):
        """A button pressed on a story the user may move but not edit (a reporter withdrawing, say)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._visible_story(request, object_id)
        self._move(request, article)
        presence.stop_editing(article.pk, request.user)
        if not workflow.can_view(request.user, Article.objects.get(pk=article.pk)):
            return HttpResponseRedirect(reverse("admin:articles_article_changelist"))
        return HttpResponseRedirect(self._change_url(article))

    def presence_view(self, request, object_id):
        """The open form's heartbeat: note that this user is still editing, answer who else is."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._visible_story(request, object_id)
        if not workflow.can_edit(request.user, article):
            raise PermissionDenied
        presence.mark_editing(article.pk, request.user)
        response = JsonResponse({"message": presence.describe(presence.others_editing(article.pk, request.user))})
        add_never_cache_headers(response)
        return response

    def preview_view(self, request, object_id):
        """The story as readers will see it, in the public template; staff only, never cached, never indexed."""
        article = self._visible_story(request, object_id)
        article = (
            Article.objects.select_related("section")
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author")),
                Prefetch("captions", queryset=Caption.objects.select_related("photo")),
                "corrections",
            )
            .get(pk=article.pk)
        )
        context = views.article_context(article)
        context.update({"preview": True, "preview_status": Status(article.status).label})
        response = TemplateResponse(request, "articles/article_detail.html", context)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def history_view(self, request, object_id, extra_context=None):
        """Revisions (compare, restore) and the audit trail of status changes."""
        article = self._story_with_history(request, object_id)
        versions = list(revisions.article_versions(article)[:200])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Lịch sử: {article.title}",
            "versions": [(version, revisions.describe(version)) for version in versions],
            "transitions": list(article.transitions.select_related("actor")),
            "action_labels": workflow.ACTION_LABELS,
            "can_restore": workflow.can_edit(request.user, article),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/articles/article/object_history.html", context)

    def compare_view(self, request, object_id):
        article = self._story_with_history(request, object_id)
        old = revisions.get_version(article, request.GET.get("cu"))
        new = revisions.get_version(article, request.GET.get("moi"))
        if old is None or new is None:
            self.message_user(request, "Hãy chọn hai phiên bản của bài này để so sánh.", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:articles_article_history", args=[quote(article.pk)]))
        if old.revision.date_created > new.revision.date_created:
            old, new = new, old
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"So sánh hai phiên bản: {article.title}",
            "old": old, "new": new,
            "old_label": revisions.describe(old), "new_label": revisions.describe(new),
            "rows": revisions.compare_versions(old, new),
            "can_restore": workflow.can_edit(request.user, article),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        article = self._visible_story(request, object_id)
        version = revisions.get_version(article, version_id)
        if version is None:
            raise Http404("Không có phiên bản này.")
        if not workflow.can_edit(request.user, article):
            raise PermissionDenied
        if request.method == "POST":
            try:
                revisions.article_restore(article=article, version=version, by=request.user)
            except workflow.WorkflowError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, f"Đã khôi phục phiên bản lưu lúc {revisions.describe(version)}. "
                                           "Trạng thái bài không đổi.", messages.SUCCESS)
            return HttpResponseRedirect(self._change_url(article))
        current = {name: getattr(article, name) for name, _ in revisions.COMPARED_FIELDS}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Khôi phục phiên bản: {article.title}",
            "version": version,
            "version_label": revisions.describe(version),
            "rows": revisions.compare(current, version.field_dict),
        }
        return TemplateResponse(request, "admin/articles/article/restore.html", context)


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    """The audit trail, read-only for everyone: it outlives the story's edits and even the story."""

    list_display = ["at", "article_link", "action_label", "from_status", "to_status", "actor_name", "comment"]
    list_filter = ["action", "to_status"]
    search_fields = ["article_title", "actor_name"]
    list_select_related = ["article"]
    date_hierarchy = "at"
    show_full_result_count = False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if roles.is_editor(request.user):
            return queryset
        return queryset.filter(article__in=Article.objects.visible_to(request.user).values("pk"))

    @admin.display(description="bài viết", ordering="article_title")
    def article_link(self, transition):
        if transition.article_id is None:
            return transition.article_title
        url = reverse("admin:articles_article_change", args=[quote(transition.article_id)])
        return format_html('<a href="{}">{}</a>', url, transition.article_title)

    @admin.display(description="thao tác", ordering="action")
    def action_label(self, transition):
        return workflow.ACTION_LABELS.get(transition.action, transition.action)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
