from django.urls import URLPattern, path

from frontpage import views as frontpage_views

from . import feeds, views
from .urlspace import SectionSpaceRoute

app_name = "articles"
SECTION_ROUTE = "<slug:slug>/"
STORY_ROUTE = "<slug:section>/<slug:slug>/"

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
    path(SECTION_ROUTE, views.section_detail, name="section"),
    path(STORY_ROUTE, views.article_detail, name="detail"),
]

# The same two routes for the top of the site's URL conf (newsroom/urls.py), taking only paths whose first segment
# no fixed path uses (urlspace.SectionSpaceRoute): answered there without trying every other route first. Those
# above stay for reverse() and the namespace.
first_routes = [
    URLPattern(SectionSpaceRoute(STORY_ROUTE), views.article_detail),
    URLPattern(SectionSpaceRoute(SECTION_ROUTE), views.section_detail),
]
