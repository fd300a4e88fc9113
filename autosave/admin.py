"""Autosave in a ModelAdmin's story form: the two endpoints the page script calls, the offer, and the clean-up on save.

The admin class mixes AutosaveAdminMixin in (articles/admin); its change form template includes
"autosave/_panel.html". Nothing here writes the story.
"""
from django import forms
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from . import drafts

NEW_STORY = "moi"  # the address of the slot for a story not saved yet
IDLE_SECONDS = 3  # typing pauses this long before the form is autosaved


def _answer(payload, status=200):
    response = JsonResponse(payload, status=status)
    add_never_cache_headers(response)
    return response


class AutosaveAdminMixin:
    """Per-person draft slots for the add and change forms of this ModelAdmin (see autosave/drafts.py)."""

    @property
    def media(self):
        return super().media + forms.Media(js=["autosave/autosave.js"], css={"all": ["autosave/autosave.css"]})

    def _autosave_url_name(self, suffix=""):
        return f"{self.opts.app_label}_{self.opts.model_name}_autosave{suffix}"

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path("tu-luu/<str:story>/", wrap(self.autosave_view), name=self._autosave_url_name()),
            path("tu-luu/<str:story>/bo/", wrap(self.autosave_discard_view), name=self._autosave_url_name("_discard")),
        ] + super().get_urls()

    def _autosave_story(self, request, story):
        """The story a slot belongs to (None for a new one), if this user may edit it; else DraftRefused."""
        if story == NEW_STORY:
            if not self.has_add_permission(request):
                raise drafts.DraftRefused(_("You may not write stories, so nothing typed here is kept."), 403)
            return None
        if not story.isdigit():
            raise drafts.DraftRefused(_("This story was not found, or you may not see it."), 404)
        try:
            article = self.get_object(request, story)
        except Http404:
            article = None
        if article is None:
            raise drafts.DraftRefused(_("This story was not found, or you may not see it."), 404)
        if not self.has_change_permission(request, article):
            raise drafts.DraftRefused(_("You may not edit this story, so nothing typed in it is kept."), 403)
        return article

    def autosave_view(self, request, story):
        """Keep what the form holds now in this person's slot for the story (POST, JSON); answer when."""
        if request.method != "POST":
            return _answer({"error": _("Autosave takes only POST.")}, 405)
        try:
            if int(request.META.get("CONTENT_LENGTH") or 0) > drafts.max_bytes():
                raise drafts.DraftRefused(_("The autosave is too large to keep; save the story to keep everything."),
                                          413)
            article = self._autosave_story(request, story)
            try:
                body = request.body
            except RequestDataTooBig:
                raise drafts.DraftRefused(
                    _("The autosave is too large to keep; save the story to keep everything."), 413) from None
            fields, captions, version = drafts.parse(body)
            draft = drafts.draft_save(user=request.user, article=article, fields=fields, captions=captions,
                                      version=version)
        except drafts.DraftRefused as refused:
            return _answer({"error": refused.message}, refused.status)
        except ValueError:  # a Content-Length that is not a number
            return _answer({"error": _("The autosave could not be read.")}, 400)
        if draft is None:
            return _answer({"saved": False, "message": ""})
        saved_at = drafts.saved_label(draft)
        return _answer({"saved": True, "saved_at": saved_at,
                        "message": _("Autosaved at %(time)s") % {"time": saved_at}})

    def autosave_discard_view(self, request, story):
        """Forget this person's slot for the story (POST)."""
        if request.method != "POST":
            return _answer({"error": _("Autosave takes only POST.")}, 405)
        try:
            article = self._autosave_story(request, story)
        except drafts.DraftRefused as refused:
            return _answer({"error": refused.message}, refused.status)
        drafts.draft_discard(user=request.user, article=article)
        return _answer({"discarded": True})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["autosave"] = self._autosave_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _autosave_context(self, request, obj):
        """What the panel needs: its addresses, and on opening the form (GET) the offer of a draft kept earlier."""
        article = obj if obj is not None and obj.pk else None
        if article is None and not self.has_add_permission(request):
            return None
        if article is not None and not self.has_change_permission(request, article):
            return None
        story = str(article.pk) if article is not None else NEW_STORY
        draft = drafts.draft_for(user=request.user, article=article) if request.method == "GET" else None
        return {
            "url": reverse(f"{self.admin_site.name}:{self._autosave_url_name()}", args=[story]),
            "discard_url": reverse(f"{self.admin_site.name}:{self._autosave_url_name('_discard')}", args=[story]),
            "fields": list(drafts.TEXT_FIELDS),
            "caption_prefix": drafts.CAPTION_PREFIX,
            "idle_seconds": IDLE_SECONDS,
            "unsaved": request.method == "POST",  # shown again after a refused save: its text is in no story yet
            "offer": drafts.offer(draft, article) if draft is not None else None,
        }

    def save_related(self, request, form, formsets, change):
        """Saving the story ends its draft (a new story's: the person's slot for new stories), in the same transaction."""
        super().save_related(request, form, formsets, change)
        drafts.draft_discard(user=request.user, article=form.instance if change else None)
