"""What every extra page of the story admin starts from: the story this user may see, and its address."""
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.urls import reverse


class StoryPagesMixin:
    """For ModelAdmins of Article: the story named in the address, or 403/404 as the form itself would answer."""

    def _visible_story(self, request, object_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return self.get_object(request, object_id)

    def _change_url(self, obj):
        return reverse("admin:articles_article_change", args=[quote(obj.pk)], current_app=self.admin_site.name)
