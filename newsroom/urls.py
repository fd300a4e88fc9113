from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = f"{settings.NEWSROOM_NAME} - Tòa soạn"
admin.site.site_title = "Tòa soạn"
admin.site.index_title = "Quản trị nội dung"

urlpatterns = [
    path(settings.ADMIN_PATH, admin.site.urls),
    path("", include("articles.urls")),
]

if settings.NEWSROOM_BENCH_VIEWS:
    # The benchmark's reference view (bench/views.py); only ever routed when the bench turns it on.
    from bench.views import urlpatterns as bench_urlpatterns

    urlpatterns = bench_urlpatterns + urlpatterns

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
