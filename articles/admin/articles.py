"""Admin for stories, sections, authors and the audit trail. Thin: status changes go through workflow.py."""
from django.contrib import admin

from ..models import Article, Author, Byline, Caption, Correction, Section, Tag, Transition


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user"]
    search_fields = ["name"]
    autocomplete_fields = ["portrait"]


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]


class CaptionInline(admin.TabularInline):
    model = Caption
    extra = 0
    autocomplete_fields = ["photo"]


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "section", "status", "published_at"]
    list_filter = ["status", "section"]
    search_fields = ["title"]
    inlines = [BylineInline, CaptionInline, CorrectionInline]
    readonly_fields = ["status", "version"]


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ["article_title", "from_status", "to_status", "actor_name", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
