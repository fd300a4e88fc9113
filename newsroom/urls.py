from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from articles import sitemaps as newsroom_sitemaps
from articles import urls as articles_urls
from api import urls as api_urls
from articles.admin.view_on_site import guarded_shortcut
from articles import views as public_views
from photos.admin import moved_address

admin.site.site_header = format_lazy("{} - {}", settings.NEWSROOM_NAME, _("Newsroom"))
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Content administration")

urlpatterns = [
    # Story and section pages answered first, for first segments that are no fixed path's (articles/urls.py).
    *articles_urls.first_routes,
    # Ahead of the admin's own "view on site" route (same path), which would show any story's slug to any staff.
    path(f"{settings.ADMIN_PATH}r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(guarded_shortcut)),
    # The photo library moved from the articles app to its own: bookmarks to its old admin addresses still work.
    re_path(rf"^{settings.ADMIN_PATH}articles/(?P<rest>(?:photo|rendition)/.*)$", moved_address),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("robots.txt", public_views.robots_txt, name="robots-txt"),
    path("sitemap.xml", newsroom_sitemaps.index, name="sitemap-index"),
    path("sitemap-trang.xml", newsroom_sitemaps.pages, name="sitemap-pages"),
    path("sitemap-<int:year>-<int:month>.xml", newsroom_sitemaps.month, name="sitemap-month"),
    path("sitemap-news.xml", newsroom_sitemaps.news, name="sitemap-news"),
    # The API and the beacon under their own prefixes, not include()d at the root: a path that is neither is
    # passed over at the prefix, where an include at the root raised and caught a Resolver404 for each (a story
    # page's resolving took 27.6 us, the bare view's 3.9).
    *api_urls.urlpatterns,  # api/v1/...
    path("luot-doc/", include("mostread.urls")),
    path("", include("articles.urls")),
]

# Error pages in the site's design (templates/404.html, templates/500.html). The 400 and 500 handlers
# render without the database; the 500 one answers the 503 page when the database was what failed.
handler400 = "newsroom.errors.bad_request"
handler404 = "articles.views.page_not_found"
handler500 = "newsroom.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
