"""The site's URLs with the bench's reference view (bench/views.py) in front of them."""
from newsroom.urls import handler400, handler404, handler500, urlpatterns as site_urlpatterns

from .views import urlpatterns as bench_urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]

urlpatterns = bench_urlpatterns + site_urlpatterns
