"""The framework floors for the bench: views that do nothing but answer fixed bytes.

Routed only by the bench's own settings (bench/settings.py, bench/urls.py), so a real deployment never has them.
They still go through every middleware the site has, which is the point: the gap between a floor and a static
file is what Django itself costs, and the gap between a floor and a story page is what the newsroom's code costs.

- `floor`: a small fixed page (about 200 bytes), the cheapest answer there is.
- `same_bytes`: the bytes a measured page answered, as the bench saved them (SAME_BYTES_DIR/<page>.html) right
  before measuring it: issue 12's "bare Django view returning the same bytes", so a page's ratio to it counts what
  the newsroom's code costs and not what sending a larger page costs.
"""
import re
from pathlib import Path

from django.http import Http404, HttpResponse
from django.urls import path

SAME_BYTES_DIR = Path(__file__).resolve().parent / "results" / "tmp" / "same-bytes"
_same_bytes = {}

FLOOR_PAGE = (
    b'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Bench</title></head>'
    b"<body><p>Trang tham chi\xe1\xba\xbfu cho \xc4\x91o t\xe1\xbb\x91c \xc4\x91\xe1\xbb\x99.</p></body></html>"
)


def floor(request):
    """Answer a small fixed page, the cheapest thing a Django view can do."""
    return HttpResponse(FLOOR_PAGE, content_type="text/html; charset=utf-8")


def same_bytes(request, name):
    """Answer the saved bytes of the page `name`, read from disk once per process."""
    content = _same_bytes.get(name)
    if content is None:
        if not re.fullmatch(r"[a-z0-9_]+", name):
            raise Http404
        try:
            content = _same_bytes[name] = (SAME_BYTES_DIR / f"{name}.html").read_bytes()
        except FileNotFoundError:
            raise Http404 from None
    return HttpResponse(content, content_type="text/html; charset=utf-8")


urlpatterns = [
    path("__bench__/floor/", floor, name="bench-floor"),
    path("__bench__/same/<str:name>/", same_bytes, name="bench-same-bytes"),
]
