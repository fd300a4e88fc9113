"""Sitemaps: an index, one sitemap for the site's pages, one per month of stories, and a Google News sitemap.

Stories are split by month of publication rather than by page number, so each sitemap URL keeps
listing the same stories for ever (a good cache key) and no query needs an OFFSET. A month holds at
most MAX_URLS stories, the protocol's limit.
"""
import datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, Min, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import cachekeys, seo
from .text import iso_datetime
from .caching import public_page, shows, site_state
from .models import Article, Author, Byline, Tag
from .views import read_only

MAX_URLS = 50_000
NEWS_WINDOW = datetime.timedelta(days=2)
NEWS_MAX = 1000
TAG_WINDOW = datetime.timedelta(days=31)
XML = "application/xml; charset=utf-8"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _local_month_start(year, month):
    return datetime.datetime(year, month, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _next_month(year, month):
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _months(since, until):
    """(year, month) from the month of `since` to the month of `until`, newest first, local time."""
    since, until = timezone.localtime(since), timezone.localtime(until)
    year, month = since.year, since.month
    months = []
    while (year, month) <= (until.year, until.month):
        months.append((year, month))
        year, month = _next_month(year, month)
    return list(reversed(months))


@read_only
@public_page
def index(request):
    now = timezone.now()
    shows(request, cachekeys.LATEST)
    first = Article.objects.published(now=now).aggregate(first=Min("published_at"))["first"]
    sitemaps = [seo.absolute(reverse("sitemap-pages"))]
    if first:
        sitemaps += [seo.absolute(reverse("sitemap-month", kwargs={"year": y, "month": m}))
                     for y, m in _months(first, now)]
    return render(request, "sitemaps/index.xml", {"sitemaps": sitemaps}, content_type=XML)


@read_only
@public_page
def pages(request):
    """The home page, the sections, the authors and the tags."""
    shows(request, cachekeys.LATEST)
    urls = [{"loc": seo.absolute("/"), "changefreq": "hourly", "priority": "1.0"}]
    urls += [{"loc": seo.absolute(reverse("articles:section", kwargs={"slug": s["slug"]})),
              "changefreq": "hourly", "priority": "0.8"} for s in site_state(request)["sections"]]
    now = timezone.now()
    published = Article.objects.published(now=now)
    authors = Author.objects.filter(Exists(Byline.objects.filter(author=OuterRef("pk"), article__in=published)))
    authors = list(authors.order_by("slug").values_list("pk", "slug")[:MAX_URLS // 2])
    shows(request, *(cachekeys.author(pk) for pk, _ in authors))
    urls += [{"loc": seo.absolute(reverse("articles:author", kwargs={"slug": slug})), "changefreq": "daily"}
             for _, slug in authors]
    # Topics of the last month only: a big archive holds a tag for nearly every story, and old, thin tag
    # pages are found through the stories that link to them.
    recent = published.filter(published_at__gte=now - TAG_WINDOW)
    tags = list(Tag.objects.filter(articles__in=recent).values_list("pk", "slug").distinct().order_by("slug")
                [:MAX_URLS // 2])
    shows(request, *(cachekeys.tag(pk) for pk, _ in tags))
    urls += [{"loc": seo.absolute(reverse("articles:tag", kwargs={"slug": slug})), "changefreq": "daily"}
             for _, slug in tags]
    return render(request, "sitemaps/urlset.xml", {"urls": urls}, content_type=XML)


@read_only
@public_page
def month(request, year, month):
    if not (1 <= month <= 12 and 1990 <= year <= 9000):
        raise Http404(_("There is no such sitemap."))
    start = _local_month_start(year, month)
    end = _local_month_start(*_next_month(year, month))
    stories = (
        Article.objects.published().filter(published_at__gte=start, published_at__lt=end)
        .order_by("-published_at", "-id").select_related("section")
        .only("slug", "published_at", "updated_at", "section__slug")[:MAX_URLS]
    )
    stories = list(stories)
    # Each story's address and last change; a month of many stories names only `latest` to a CDN (caching.py).
    shows(request, cachekeys.LATEST, *(cachekeys.story(a.pk) for a in stories))
    # Built as a string: a month can hold thousands of stories, too many for a template loop to be quick.
    # One reverse() for the pattern instead of one per story (slugs are [a-z0-9-], nothing to escape).
    pattern = seo.absolute(reverse("articles:detail", kwargs={"section": "_SECTION_", "slug": "_SLUG_"}))
    rows = (f"<url><loc>{escape(pattern.replace('_SECTION_', a.section.slug).replace('_SLUG_', a.slug))}</loc>"
            f"<lastmod>{iso_datetime(seo.article_modified(a))}</lastmod></url>"
            for a in stories)
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n'
    body = head + "\n".join(rows) + "\n</urlset>\n"
    return HttpResponse(body, content_type=XML)


@read_only
@public_page
def news(request):
    """Google News: the stories of the last two days."""
    now = timezone.now()
    stories = (
        Article.objects.published(now=now).filter(published_at__gte=now - NEWS_WINDOW)
        .order_by("-published_at", "-id").select_related("section")
        .only("title", "slug", "published_at", "section__slug")[:NEWS_MAX]
    )
    shows(request, cachekeys.LATEST, *(cachekeys.story(a.pk) for a in stories))
    stories = [{"loc": seo.absolute(a.get_absolute_url()), "title": a.title, "published_at": a.published_at}
               for a in stories]
    return render(request, "sitemaps/news.xml", {"stories": stories, "publication": seo.paper_name()},
                  content_type=XML)
