"""Which API library: a list page of Django Ninja and of Django REST framework against the HTML section page.

    pip install -r bench/requirements.txt          # DRF, the candidate the project did not take
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nr_api_bench python -m bench.api_choice --stories 2000

Same machine, same process, same run, same database, production settings with the page cache off
(CACHE_URL=dummy://, so every request is what a cache miss costs; a hit costs the same for all three). Each
round asks the three pages once, in turn, through Django's test client and every middleware; the table
gives the median and 90th percentile per request, the ratio to the HTML page and the SQL queries per page.
The three pages show the same 20 newest stories of the biggest section: the HTML page as readers see it;
the Ninja endpoint is the project's own (/api/v1/articles/?section=...); the DRF one is written here the
way DRF is usually written (nested serializers over the same prefetched queryset, JSON renderer only).
"""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
WORK = Path(os.environ.get("TMPDIR", "/tmp")) / "newsroom-api-choice"


def _setup_django(database_url):
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_ALLOWED_HOSTS": "testserver", "DJANGO_LOG_LEVEL": "ERROR",
        "DATABASE_URL": database_url, "CACHE_URL": "dummy://",
        "DJANGO_STATIC_ROOT": str(WORK / "static"), "DJANGO_MEDIA_ROOT": str(WORK / "media"),
    })
    os.environ.pop("DATABASE_REPLICA_URL", None)
    import django

    django.setup()


def drf_urlpatterns():
    """The DRF candidate: the same list as /api/v1/articles/, as DRF code usually reads."""
    from django.urls import include, path
    from rest_framework import serializers
    from rest_framework.renderers import JSONRenderer
    from rest_framework.response import Response
    from rest_framework.views import APIView

    from api import stories
    from articles import seo
    from articles.caching import public_page
    from articles.pagination import story_page

    class SectionSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        slug = serializers.CharField()
        description = serializers.CharField()
        url = serializers.SerializerMethodField()

        def get_url(self, section):
            return seo.absolute(section.get_absolute_url())

    class TagSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        slug = serializers.CharField()
        url = serializers.SerializerMethodField()

        def get_url(self, tag):
            return seo.absolute(tag.get_absolute_url())

    class BylineSerializer(serializers.Serializer):
        name = serializers.CharField(source="author.name")
        slug = serializers.CharField(source="author.slug")
        role = serializers.SerializerMethodField()
        url = serializers.SerializerMethodField()

        def get_role(self, byline):
            return byline.role

        def get_url(self, byline):
            return seo.absolute(byline.author.get_absolute_url())

    class PhotoSerializer(serializers.Serializer):
        id = serializers.IntegerField(source="photo.pk")
        caption = serializers.CharField(source="text")
        alt_text = serializers.CharField(source="photo.alt_text")
        credit = serializers.CharField(source="photo.credit")
        is_lead = serializers.BooleanField()
        width = serializers.IntegerField(source="photo.width")
        height = serializers.IntegerField(source="photo.height")
        renditions = serializers.SerializerMethodField()

        def get_renditions(self, caption):
            return stories.renditions_of(caption.photo)

    class ArticleSummarySerializer(serializers.Serializer):
        id = serializers.IntegerField()
        headline = serializers.CharField(source="title")
        kicker = serializers.CharField()
        sapo = serializers.CharField()
        section = SectionSerializer()
        bylines = BylineSerializer(many=True)
        tags = TagSerializer(many=True)
        lead_photo = serializers.SerializerMethodField()
        canonical_url = serializers.SerializerMethodField()
        published_at = serializers.DateTimeField()
        updated_at = serializers.SerializerMethodField()

        def get_lead_photo(self, article):
            return PhotoSerializer(article.lead_captions[0]).data if article.lead_captions else None

        def get_canonical_url(self, article):
            return seo.absolute(article.get_absolute_url())

        def get_updated_at(self, article):
            return serializers.DateTimeField().to_representation(seo.article_modified(article))

    class ArticleList(APIView):
        renderer_classes = [JSONRenderer]
        authentication_classes = []
        permission_classes = []

        def get(self, request):
            queryset = stories.public_stories()
            if request.GET.get("section"):
                queryset = queryset.filter(section__slug=request.GET["section"])
            page = story_page(stories.for_list(queryset), {})
            return Response({"items": ArticleSummarySerializer(page.stories, many=True).data, "next": None})

    return [path("__bench__/drf/articles/", public_page(parameters=("section",))(ArticleList.as_view())),
            path("", include("newsroom.urls"))]


urlpatterns = []  # filled by main(): this module is the bench's ROOT_URLCONF


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--database-url", default=os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/nr_api_bench"))
    args = parser.parse_args(argv)
    _setup_django(args.database_url)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article, Section

    from . import seed

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if Article.objects.count() != args.stories:
        seed.seed(args.stories, quiet=True)
    urlpatterns[:] = drf_urlpatterns()
    settings.ROOT_URLCONF = __name__
    section = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
    pages = {
        "HTML section page": section.get_absolute_url(),
        "Django Ninja list": f"/api/v1/articles/?section={section.slug}",
        "DRF list": f"/__bench__/drf/articles/?section={section.slug}",
    }
    client = Client()
    queries, timings = {}, {name: [] for name in pages}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        queries[name] = len(ctx.captured_queries)
        for _ in range(20):  # warm up: imports, template loading, first connections
            client.get(url)
    for _ in range(args.rounds):
        for name, url in pages.items():
            started = time.perf_counter()
            client.get(url)
            timings[name].append((time.perf_counter() - started) * 1000)
    base = statistics.median(timings["HTML section page"])
    rows = []
    for name in pages:
        ordered = sorted(timings[name])
        median = statistics.median(ordered)
        rows.append({"page": name, "url": pages[name], "median_ms": round(median, 2),
                     "p90_ms": round(ordered[int(len(ordered) * 0.9)], 2),
                     "ratio_to_html": round(median / base, 2), "queries": queries[name]})
    lines = ["| page | median ms | p90 ms | cost vs HTML page | SQL queries |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {r['page']} | {r['median_ms']} | {r['p90_ms']} | {r['ratio_to_html']} | {r['queries']} |"
              for r in rows]
    header = (f"{args.stories} stories ({connection.vendor}), {args.rounds} rounds, "
              f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}")
    print(header)
    print("\n".join(lines))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "api-choice.json").write_text(json.dumps({"setup": header, "rows": rows}, indent=2))
    (RESULTS / "api-choice.md").write_text(f"# API library choice\n\n{header}\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
