from django.urls import path

from . import views

app_name = "mostread"

urlpatterns = [
    path("luot-doc/", views.count, name="count"),
]
