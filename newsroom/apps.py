"""The project's configuration of two contrib apps (INSTALLED_APPS names these classes instead of the apps)."""
from django.contrib.admin.apps import AdminConfig
from django.contrib.staticfiles.apps import StaticFilesConfig


class NewsroomAdminConfig(AdminConfig):
    """django.contrib.admin whose admin.site is articles.adminsite's: hostile query strings never reach a query."""

    default_site = "articles.adminsite.NewsroomAdminSite"


class NewsroomStaticFilesConfig(StaticFilesConfig):
    """django.contrib.staticfiles, leaving django-ckeditor's sample and manual-test pages out of collectstatic.

    They are HTML pages with their own scripts that no editor needs (our toolbar has neither preview nor
    spell-check); served from the site's origin they would only be more code an attacker could point at.
    """

    # Matched against each file's path under its app's static folder; "*" also crosses "/".
    ignore_patterns = [*StaticFilesConfig.ignore_patterns,
                       "ckeditor/*.html", "ckeditor/*/tests/*", "ckeditor/*/samples/*"]
