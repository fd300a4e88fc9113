"""The story admin: the list, the form and who may change what, saving with revisions, preview and presence.

Who sees and edits what is decided in workflow.py and roles.py (can_view, can_edit, may_*) and enforced here in
the queryset and the has_*_permission methods, so a crafted POST gets the same answer as a hidden button. The
workflow buttons (moves.py), the history pages (history.py) and deleting into the trash (trash.py) are mixed in.
"""
import reversion
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from autosave.admin import AutosaveAdminMixin

from .. import presence, revisions, richtext, roles, text, views, workflow
from ..bylines import credit_line
from ..forms import ArticleAdminForm
from ..models import Article, Byline, Caption, Correction, Status
from ..people import display_name
from ..signals import announce_article_changed
from .filters import AuthorFilter, QuickViewFilter
from .history import StoryHistoryMixin
from .inlines import BylineInline, CaptionInline, CorrectionInline
from .moves import StoryMovesMixin
from .pagination import EstimatedCountPaginator
from .trash import StoryTrashMixin


class ArticleChangeList(ChangeList):
    """The list never shows bodies: leave the long text columns in the database (50 bodies per page add up)."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer("body", "search_body")


class StoryListPaginator(EstimatedCountPaginator):
    """The story list always leaves out the trash; with no other condition it is estimated as unfiltered."""

    def baseline(self):
        return Article.objects.outside_trash()


@admin.register(Article)
class ArticleAdmin(AutosaveAdminMixin, StoryMovesMixin, StoryHistoryMixin, StoryTrashMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["title", "status_badge", "section", "byline_names", "publish_time", "last_editor", "updated_at"]
    list_display_links = ["title"]
    list_filter = [QuickViewFilter, "status", "section", AuthorFilter]
    list_select_related = ["section", "last_edited_by__author"]
    list_per_page = 50
    # No second, unfiltered COUNT(*) on every changelist page; the bench engineer may swap `paginator`.
    show_full_result_count = False
    paginator = StoryListPaginator  # the unfiltered list's size from PostgreSQL's statistics, not COUNT(*)
    search_fields = ["search_title"]
    search_help_text = gettext_lazy("Search by title, with or without diacritics.")
    ordering = ["-id"]
    autocomplete_fields = ["tags"]
    inlines = [BylineInline, CaptionInline, CorrectionInline]
    actions = ["publish_selected", "trash_selected"]
    fieldsets = [
        (None, {"fields": ["title", "kicker", "sapo", "body"]}),
        (gettext_lazy("Classification"), {"fields": ["section", "tags", "is_featured"]}),
        (gettext_lazy("Publication"), {"fields": ["status_badge", "slug", "published_at", "first_published_at",
                                 "created_by", "last_edited_by", "updated_at"]}),
    ]
    base_readonly_fields = ["status_badge", "first_published_at", "created_by", "last_edited_by", "updated_at"]

    class Media:
        # admin.css and a11y.js come with every admin page (templates/admin/base_site.html).
        js = ["admin/newsroom/workflow.js", "admin/newsroom/presence.js", "admin/newsroom/counters.js"]

    # Who sees and changes what.

    def get_queryset(self, request):
        queryset = self.model._default_manager.get_queryset()
        if QuickViewFilter.shows_waiting(request):
            queryset = queryset.with_submission()  # before ordering by it
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset.visible_to(request.user).outside_trash().prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("order", "id"))
        )

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def get_ordering(self, request):
        if QuickViewFilter.shows_waiting(request):
            return ["submitted_at", "id"]
        return super().get_ordering(request)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Another reporter's draft is not there for this user: 404, not a redirect with a hint.
            raise Http404(_("Story not found, or you may not see it."))
        return obj

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or workflow.can_edit(request.user, obj))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or workflow.can_edit(request.user, obj):
            return fieldsets
        # Read-only: show the body as the reader will see it, not as HTML source.
        return [(name, {**options, "fields": ["rendered_body" if f == "body" else f for f in options["fields"]]})
                for name, options in fieldsets]

    @admin.display(description=gettext_lazy("body"))
    def rendered_body(self, article):
        return format_html('<div class="nr-rendered-body">{}</div>', richtext.trusted(article.body))

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.base_readonly_fields) + ["rendered_body"]
        if not roles.may_set_publish_time(request.user):
            fields.append("published_at")
        if not roles.may_feature(request.user):
            fields.append("is_featured")
        fields += sorted(workflow.workflow_owned_fields(obj) - set(fields))
        if obj is not None and obj.first_published_at is not None and not roles.may_change_address(request.user):
            fields.append("slug")  # an editor may move a story that has been out: its old address answers 301
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

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, article):
        if article.is_scheduled:
            return format_html('<span class="nr-badge nr-badge--scheduled" title="{}">{}</span>',
                               text.vietnamese_datetime(article.published_at), pgettext("status badge", "Scheduled"))
        return format_html('<span class="nr-badge nr-badge--{}">{}</span>', article.status,
                           Status(article.status).label)

    @admin.display(description=gettext_lazy("author"))
    def byline_names(self, article):
        return credit_line(article.bylines.all()) or "—"

    @admin.display(description=gettext_lazy("published"), ordering="published_at")
    def publish_time(self, article):
        return text.vietnamese_datetime(article.published_at) or "—"

    @admin.display(description=gettext_lazy("last edited by"), ordering="last_edited_by__username")
    def last_editor(self, article):
        user = article.last_edited_by
        return display_name(user) if user else "—"

    def get_search_results(self, request, queryset, search_term):
        """Accent-insensitive search by title: every folded word must appear in Article.search_title."""
        for word in text.fold(search_term).split():
            queryset = queryset.filter(search_title__contains=word)
        return queryset, False

    # Saving: who, the version counter, revisions. The button that was pressed is moves.py's.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Manually: save_related adds the story, with its bylines and captions, once they are all saved, and
        # only when the save changed something or was not a workflow button's.
        with reversion.create_revision(manage_manually=True):
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
            fields = workflow.content_fields(obj)
            before = revisions.stored_content(obj, fields)
            obj.save(update_fields=fields)
            # What the save really changed: the form also reports a body the editor only laid out again.
            form.saved_changes = revisions.changed_fields(before, obj)

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            if formset.model is Correction:
                for correction_form in formset.forms:
                    if correction_form.instance.pk is None:
                        correction_form.instance.created_by = request.user
        super().save_related(request, form, formsets, change)
        article = form.instance
        changes = self._changed_labels(form, formsets) if change else []
        # A workflow button on an unchanged story is a move, not an edit: the log records it, not a revision.
        if reversion.is_active() and (changes or not change or not request.POST.get("_transition")):
            # Inlines and tags are saved only now: the revision holds the whole story.
            reversion.add_to_revision(article)
            reversion.set_comment(self._revision_comment(changes, change))
        announce_article_changed(article, action="save")
        presence.stop_editing(article.pk, request.user)

    def _changed_labels(self, form, formsets) -> list[str]:
        """The labels of what an edit changed: fields whose stored value moved, tags, inline rows."""
        saved = getattr(form, "saved_changes", set())
        columns = {field.name for field in Article._meta.concrete_fields}
        labels = [str(form.fields[name].label or name) for name in form.changed_data
                  if name != "version" and (name not in columns or name in saved)]
        return labels + [str(formset.model._meta.verbose_name_plural) for formset in formsets if formset.has_changed()]

    def _revision_comment(self, changes, change):
        if not change:
            return _("Created the story")
        return _("Edited: %(fields)s") % {"fields": ", ".join(changes)} if changes else _("Saved, text unchanged")

    # Extra pages: the preview and the open form's heartbeat (history.py and moves.py add theirs).

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/xem-truoc/", wrap(self.preview_view), name="articles_article_preview"),
            path("<path:object_id>/dang-mo/", wrap(self.presence_view), name="articles_article_presence"),
        ] + super().get_urls()

    def presence_view(self, request, object_id):
        """The open form's heartbeat: note that this user is still editing, answer who else is. The page's
        last word as it closes (roi=1) forgets the user at once, so nobody is warned of someone who left."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._visible_story(request, object_id)
        if request.POST.get("roi"):
            presence.stop_editing(article.pk, request.user)
            return HttpResponse(status=204)
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
