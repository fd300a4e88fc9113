"""The admin's "view on site" redirect (/quan-tri/r/<content type>/<id>/), answering only for what the user may see.

Django's shortcut redirects to any object's address for any staff user, and story ids are sequential: left as
it is, it lists the slug (the working title) of every draft. Stories follow workflow.py; other models need
the right to view them in the admin.
"""
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .. import workflow
from ..models import Article

NOT_FOUND = _("This page was not found.")


def may_follow(user, article: Article) -> bool:
    """A story's address is shown to those who may edit it, and once it is public to those who may see it."""
    return workflow.can_edit(user, article) or (article.is_public and workflow.can_view(user, article))


def guarded_shortcut(request, content_type_id, object_id):
    """Redirect to the object's public address, or answer 404 when this user may not know it."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    if model is Article:
        try:
            article = Article.objects.get(pk=object_id)
        except (Article.DoesNotExist, ValueError, ValidationError):
            raise Http404(NOT_FOUND) from None
        if not may_follow(request.user, article):
            raise Http404(NOT_FOUND)
    elif model is None or not admin.site.is_registered(model) or \
            not admin.site.get_model_admin(model).has_view_or_change_permission(request):
        raise Http404(NOT_FOUND)
    return shortcut(request, content_type_id, object_id)
