"""The framework floor for the bench: a view that does nothing but answer a small fixed page.

Routed only by the bench's own settings (bench/settings.py, bench/urls.py), so a real deployment never has it.
It still goes through every middleware the site has, which is the point: the gap between it and a static file
is what Django itself costs, and the gap between it and a story page is what the newsroom's code costs.
"""
from django.http import HttpResponse
from django.urls import path

FLOOR_PAGE = (
    b'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Bench</title></head>'
    b"<body><p>Trang tham chi\xe1\xba\xbfu cho \xc4\x91o t\xe1\xbb\x91c \xc4\x91\xe1\xbb\x99.</p></body></html>"
)


def floor(request):
    """Answer a small fixed page, the cheapest thing a Django view can do."""
    return HttpResponse(FLOOR_PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("__bench__/floor/", floor, name="bench-floor")]
