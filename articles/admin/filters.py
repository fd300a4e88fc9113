"""The story list's filters: the quick views of the desk (mine, waiting, scheduled) and by author."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Author, Byline, Status


class QuickViewFilter(admin.SimpleListFilter):
    title = "xem nhanh"
    parameter_name = "xem"
    WAITING = "cho-duyet"  # the review queue, listed oldest submission first (stories.ArticleAdmin)

    def lookups(self, request, model_admin):
        return [("cua-toi", _("My stories")), (self.WAITING, _("Waiting for review")), ("hen-gio", _("Scheduled"))]

    def queryset(self, request, queryset):
        if self.value() == "cua-toi":
            return queryset.owned_by(request.user)
        if self.value() == self.WAITING:
            return queryset.filter(status=Status.REVIEW)
        if self.value() == "hen-gio":
            return queryset.scheduled()
        return queryset

    @classmethod
    def shows_waiting(cls, request) -> bool:
        """Whether the list asked for is the review queue."""
        return request.GET.get(cls.parameter_name) == cls.WAITING


class AuthorFilter(admin.SimpleListFilter):
    title = _("author")
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
