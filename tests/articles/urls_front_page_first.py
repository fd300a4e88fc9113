"""The site's URL conf with a new fixed path routed where it belongs: before the section pattern."""
from django.http import HttpResponse
from django.urls import path

from newsroom.urls import handler400, handler404, handler500, urlpatterns as site_urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]


def front_page(request):
    return HttpResponse("Trang nhất")


urlpatterns = [path("trang-nhat/", front_page, name="front-page"), *site_urlpatterns]
