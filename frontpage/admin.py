"""The front page in the admin: the arranging board, the log of layouts, preview, undo. Editors only (roles.py).

Thin: it reads the board's form and calls frontpage/layouts.py, which checks and saves; refusals come back as
messages with everything the editor had placed still on the board.
"""
import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Subquery
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import roles
from articles.models import Article, Section

from . import arrangement, layouts, views
from .models import Layout

CANDIDATES = 100  # newest published stories offered on the board
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


def _parse_local(value):
    """A datetime-local value as an aware datetime in the site's time zone; None if empty; ValueError if bad."""
    value = (value or "").strip()
    if not value:
        return None
    parsed = datetime.datetime.strptime(value[:16], LOCAL_INPUT)
    return timezone.make_aware(parsed)


def _local_value(moment):
    return timezone.localtime(moment).strftime(LOCAL_INPUT) if moment else ""


def read_board(post, sections):
    """({slot: (article id, expires_at)}, goes_live_at, errors, raw) from the board's POST."""
    pins, errors, raw = {}, [], {}
    for slot in arrangement.all_slots(sections):
        article_value = post.get(f"slot-{slot}", "").strip()[:20]
        expires_value = post.get(f"expires-{slot}", "").strip()[:20]
        raw[slot] = (article_value, expires_value)
        if not article_value:
            continue
        try:
            article_id = int(article_value)
        except ValueError:
            errors.append(_("“%(value)s” is not a story number.") % {"value": article_value})
            continue
        try:
            expires_at = _parse_local(expires_value)
        except ValueError:
            errors.append(_("“%(value)s” is not a date and time.") % {"value": expires_value})
            continue
        pins[slot] = (article_id, expires_at)
    try:
        goes_live_at = _parse_local(post.get("goes_live_at", "")[:20])
    except ValueError:
        goes_live_at = None
        errors.append(_("The switch time is not a date and time."))
    return pins, goes_live_at, errors, raw


@admin.register(Layout)
class LayoutAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "state", "goes_live_at", "created_by", "created_at", "links"]
    list_select_related = ["created_by", "cancelled_by"]
    change_list_template = "frontpage/layout_change_list.html"

    @admin.display(description=gettext_lazy("no."))
    def number(self, layout):
        return f"#{layout.pk}"

    @admin.display(description=gettext_lazy("state"))
    def state(self, layout):
        now = timezone.now()
        if layout.cancelled_at:
            return _("cancelled by %(user)s") % {"user": layout.cancelled_by or "?"}
        if layout.goes_live_at is None:
            return _("draft")
        if layout.goes_live_at > now:
            return _("scheduled")
        return _("live") if layout.pk == layout.live_id else _("earlier")

    @admin.display(description="")
    def links(self, layout):
        links = [(reverse("admin:frontpage_layout_preview", args=[layout.pk]), _("Preview")),
                 (reverse("admin:frontpage_layout_arrange") + f"?tu={layout.pk}", _("Open on the board")),
                 (reverse("admin:frontpage_layout_restore", args=[layout.pk]), _("Put back on the front page"))]
        if layout.goes_live_at and layout.goes_live_at > timezone.now():
            links.append((reverse("admin:frontpage_layout_cancel", args=[layout.pk]), _("Cancel the switch")))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def get_queryset(self, request):
        # Each row knows whether it is the layout on the front page now (one subquery, not one per row).
        return super().get_queryset(request).annotate(live_id=Subquery(Layout.objects.live().values("id")[:1]))

    def changelist_view(self, request, extra_context=None):
        scheduled = list(Layout.objects.scheduled())
        return super().changelist_view(request, {**(extra_context or {}), "scheduled": scheduled})

    # Who may: editors, by the one predicate. The log is read-only; changes go through the board.
    def has_module_permission(self, request):
        return roles.may_arrange_front_page(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.may_arrange_front_page(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("sap-xep/", wrap(self.arrange_view), name="frontpage_layout_arrange"),
            path("hoan-tac/", wrap(self.undo_view), name="frontpage_layout_undo"),
            path("<int:layout_id>/xem-truoc/", wrap(self.preview_view), name="frontpage_layout_preview"),
            path("<int:layout_id>/khoi-phuc/", wrap(self.restore_view), name="frontpage_layout_restore"),
            path("<int:layout_id>/huy-hen-gio/", wrap(self.cancel_view), name="frontpage_layout_cancel"),
            *super().get_urls(),
        ]

    def _check(self, request):
        if not roles.may_arrange_front_page(request.user):
            raise PermissionDenied

    def arrange_view(self, request):
        """The board: published stories on one side, the front page's slots on the other."""
        self._check(request)
        sections = list(Section.objects.all())
        if request.method == "POST":
            pins, goes_live_at, errors, raw = read_board(request.POST, sections)
            action = request.POST.get("action")
            kinds = {"preview": Layout.Kind.DRAFT, "publish": Layout.Kind.PUBLISH, "schedule": Layout.Kind.SCHEDULE}
            if action not in kinds:
                errors.append(_("Choose what to do with the layout."))
            if not errors:
                try:
                    layout = layouts.layout_save(pins=pins, by=request.user, kind=kinds[action],
                                                 goes_live_at=goes_live_at)
                except layouts.FrontPageError as error:
                    errors += error.messages
                else:
                    return self._after_save(request, layout)
            for message in errors:
                self.message_user(request, message, messages.ERROR)
            return self._board(request, sections, raw, request.POST.get("goes_live_at", "")[:20], status=400)
        base = Layout.objects.filter(pk=request.GET.get("tu")).first() if request.GET.get("tu", "").isdigit() else None
        base = base or Layout.objects.live().first()
        raw = {slot: (str(article_id), _local_value(expires)) for slot, (article_id, expires)
               in (layouts.pins_of(base).items() if base else ())}
        return self._board(request, sections, raw, "")

    def _after_save(self, request, layout):
        if layout.kind == Layout.Kind.DRAFT:
            self.message_user(request, _("Draft saved: this is how the front page would look."), messages.SUCCESS)
            return redirect("admin:frontpage_layout_preview", layout.pk)
        if layout.kind == Layout.Kind.SCHEDULE:
            when = timezone.localtime(layout.goes_live_at).strftime("%H:%M %d/%m/%Y")
            self.message_user(request, _("The front page switches to this layout at %(when)s.") % {"when": when},
                              messages.SUCCESS)
        else:
            self.message_user(request, _("The front page now shows this layout."), messages.SUCCESS)
        return redirect("admin:frontpage_layout_changelist")

    def _board(self, request, sections, raw, goes_live_value, status=200):
        sections_by_id = {s.pk: s for s in sections}
        wanted_ids = {int(v) for v, _e in raw.values() if v.isdigit()}
        stories = list(Article.objects.published().select_related("section")
                       .only("id", "title", "section__name", "section_id", "published_at")[:CANDIDATES])
        known = {s.pk for s in stories}
        titles = {s.pk: s.title for s in stories}
        titles.update(Article.objects.filter(pk__in=wanted_ids - known).values_list("id", "title"))
        groups = [(_("Lead and sub-leads"), [arrangement.LEAD, *arrangement.sublead_slots()], None)]
        groups += [(s.name, arrangement.section_slots(s.pk), s.pk) for s in sections]
        slot_groups = []
        for title, keys, section_id in groups:
            slots = []
            for key in keys:
                article_value, expires_value = raw.get(key, ("", ""))
                article_id = int(article_value) if article_value.isdigit() else None
                slots.append({"key": key, "label": arrangement.slot_label(key, sections_by_id),
                              "article": article_value, "title": titles.get(article_id, ""),
                              "expires": expires_value})
            slot_groups.append({"title": title, "slots": slots, "section_id": section_id})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Arrange the front page"),
            "stories": stories,
            "slot_groups": slot_groups,
            "goes_live_at": goes_live_value,
        }
        return TemplateResponse(request, "frontpage/arrange.html", context, status=status)

    def preview_view(self, request, layout_id):
        """The front page as this layout would show it now; staff only, never cached, never indexed."""
        self._check(request)
        layout = get_object_or_404(Layout.objects.prefetch_related("pins"), pk=layout_id)
        context = views.front_page_context(pins=layouts.pins_for_preview(layout),
                                           sections=list(Section.objects.values("id", "name", "slug")),
                                           now=timezone.now())
        context.update({"meta": views.home_meta(), "preview": True, "preview_layout": layout})
        response = TemplateResponse(request, "articles/home.html", context)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def _post_action(self, request, action, success, question=None):
        """Ask on GET (when there is a question), act on POST, then back to the log with the outcome."""
        self._check(request)
        if request.method == "GET" and question:
            context = {**self.admin_site.each_context(request), "opts": self.opts, "title": question}
            return TemplateResponse(request, "frontpage/confirm.html", context)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            action()
        except layouts.FrontPageError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, success, messages.SUCCESS)
        return redirect("admin:frontpage_layout_changelist")

    def undo_view(self, request):
        return self._post_action(request, lambda: layouts.layout_undo(by=request.user),
                                 _("Undone: the previous front page is back."))

    def restore_view(self, request, layout_id):
        layout = get_object_or_404(Layout, pk=layout_id)
        return self._post_action(request, lambda: layouts.layout_restore(layout=layout, by=request.user),
                                 _("Layout #%(number)s is back on the front page.") % {"number": layout.pk},
                                 _("Put layout #%(number)s back on the front page now?") % {"number": layout.pk})

    def cancel_view(self, request, layout_id):
        layout = get_object_or_404(Layout, pk=layout_id)
        return self._post_action(request, lambda: layouts.layout_cancel(layout=layout, by=request.user),
                                 _("The scheduled switch is cancelled."),
                                 _("Cancel the switch to layout #%(number)s?") % {"number": layout.pk})
