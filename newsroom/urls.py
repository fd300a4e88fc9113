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

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
