"""The site's URL conf with a new fixed path routed after the section pattern, which answers it first."""
from django.urls import path

from newsroom.urls import handler400, handler404, handler500, urlpatterns as site_urlpatterns

from .urls_front_page_first import front_page

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]

urlpatterns = [*site_urlpatterns, path("trang-nhat/", front_page, name="front-page")]
