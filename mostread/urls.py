from django.urls import path

from . import views

app_name = "mostread"

urlpatterns = [
    path("", views.count, name="count"),  # /luot-doc/: the prefix is newsroom/urls.py's
]
