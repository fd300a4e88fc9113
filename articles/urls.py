from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("tac-gia/<slug:slug>/", views.author_detail, name="author"),
    path("chu-de/<slug:slug>/", views.tag_detail, name="tag"),
    path("<slug:slug>/", views.section_detail, name="section"),
    path("<slug:section>/<slug:slug>/", views.article_detail, name="detail"),
]
