from django.urls import path

from frontpage import views as frontpage_views

from . import feeds, views

app_name = "articles"

# Section slugs share the top of the URL space: fixed paths first, the section and story patterns last
# (urlspace.py reserves every fixed first segment and its system check newsroom.E001 enforces the order).
urlpatterns = [
    path("", frontpage_views.home, name="home"),
    path("tim-kiem/", views.search, name="search"),
    path("rss/", views.read_only(views.public_page(feeds.LatestStoriesFeed())), name="rss"),
    path("rss/<slug:slug>/", views.read_only(views.public_page(feeds.LatestStoriesFeed())), name="rss-section"),
    path("atom/", views.read_only(views.public_page(feeds.AtomStoriesFeed())), name="atom"),
    path("atom/<slug:slug>/", views.read_only(views.public_page(feeds.AtomStoriesFeed())), name="atom-section"),
    path("tac-gia/<slug:slug>/", views.author_detail, name="author"),
    path("chu-de/<slug:slug>/", views.tag_detail, name="tag"),
    path("<slug:slug>/", views.section_detail, name="section"),
    path("<slug:section>/<slug:slug>/", views.article_detail, name="detail"),
]
