"""Find the bench's URLs in a seeded database and count the SQL queries each page makes.

Run in its own process with the server's settings (`python -m bench.probe --out probe.json`), once per
database: the counts at 1k and at 100k stories come from the same code on the same pages. Each page is
fetched twice through Django's test client with a fresh local-memory cache: the first request is a cache
miss (every query the page needs), the second shows what a cached page still costs.
"""
import argparse
import json
import os
import random
import sys
from urllib.parse import quote

# The pages the bench measures, in the order of the table. `kind` says how the load generator uses them.
PAGES = [
    ("static", "Static file (whitenoise), ceiling"),
    ("floor", "Minimal Django view, floor"),
    ("home", "Home"),
    ("article_warm", "Article, cache warm"),
    ("article_cold", "Article, cache miss (a new story each request)"),
    ("section_first", "Section, page 1"),
    ("section_deep", "Section, deep page"),
    ("search_common", "Search, common word"),
    ("search_rare", "Search, rare word"),
    ("search_plain", "Search, no diacritics"),
    ("rss", "RSS feed"),
    ("sitemap", "Sitemap"),
    ("admin_changelist", "Admin changelist (editor)"),
    ("admin_change", "Admin change form (editor)"),
]
SEARCHES = {"search_common": "tỉnh", "search_rare": "Khuổi Ún", "search_plain": "dai hoi dang"}
FEED_CANDIDATES = ["rss", "articles:rss", "feed", "articles:feed", "/rss/", "/feeds/", "/feed/", "/rss.xml"]
SITEMAP_CANDIDATES = ["sitemap-index", "sitemap", "django.contrib.sitemaps.views.sitemap", "/sitemap.xml"]
COLD_URLS = 30_000


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def _first_url(candidates):
    """The first candidate (URL name or path) that resolves; a path is returned as is."""
    from django.urls import NoReverseMatch, reverse

    for candidate in candidates:
        if candidate.startswith("/"):
            return candidate
        try:
            return reverse(candidate)
        except NoReverseMatch:
            continue
    return None


def deep_section_url(section, published):
    """A page near the end of the section: by cursor if the site pages by keyset, else by page number."""
    stories = published.filter(section=section).order_by("-published_at", "-id")
    total = stories.count()
    depth = max(total - 40, 0)
    try:
        from articles.pagination import PAGE_SIZE, make_cursor
    except ImportError:
        page = max(depth // 20, 1)
        return f"{section.get_absolute_url()}?trang={page}", {"stories_in_section": total, "page": page}
    anchor = stories[depth:depth + 1].first() if depth else None
    if anchor is None:
        return section.get_absolute_url(), {"stories_in_section": total, "offset": 0}
    return (f"{section.get_absolute_url()}?truoc={make_cursor(anchor)}",
            {"stories_in_section": total, "offset": depth, "page": depth // PAGE_SIZE + 1})


def discover(out_dir):
    """Every page's URL, plus the editor's session cookie and a file of distinct article URLs for cold runs."""
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from articles.models import Article, Section

    from .seed import bench_editor

    published = Article.objects.published()
    urls, notes = {}, {}
    urls["static"] = settings.STATIC_URL + "css/site.css"
    urls["floor"] = "/__bench__/floor/"
    urls["home"] = "/"
    # A recent story with photos, bylines and tags: a page a reader would actually land on. Of the same shape
    # in every database (a lead photo and one photo in the text, two bylines, two tags, no correction), so that the
    # query counts at 1k and at 100k compare the same page, not a story with a tag against one without (the tag
    # widget of the change form asks for the story's tags only when it has some).
    story = (published.annotate(n_captions=Count("captions", distinct=True), n_bylines=Count("bylines", distinct=True),
                                n_tags=Count("tags", distinct=True), n_corrections=Count("corrections", distinct=True))
             .filter(n_captions=1, n_bylines=2, n_tags=2, n_corrections=0, body__contains="data-photo=")
             .exclude(body__regex=r"data-photo=.*data-photo=")
             .select_related("section").order_by("-published_at").first()
             or published.annotate(n=Count("captions", distinct=True)).filter(n__gte=1, body__contains="data-photo=")
             .select_related("section").order_by("-published_at").first()
             or published.select_related("section").first())
    urls["article_warm"] = story.get_absolute_url()
    notes["article_warm"] = {"id": story.pk, "captions": story.captions.count(),
                             "photos_in_text": story.body.count("data-photo="), "bylines": story.bylines.count(),
                             "tags": story.tags.count(), "corrections": story.corrections.count()}
    biggest = Section.objects.annotate(n=Count("articles")).order_by("-n").first()
    urls["section_first"] = biggest.get_absolute_url()
    urls["section_deep"], notes["section_deep"] = deep_section_url(biggest, published)
    search_path = _first_url(["articles:search", "/tim-kiem/"])
    for name, words in SEARCHES.items():
        urls[name] = f"{search_path}?q={quote(words)}"
    urls["rss"] = _first_url(FEED_CANDIDATES)
    urls["sitemap"] = _first_url(SITEMAP_CANDIDATES)
    admin_list = reverse("admin:articles_article_changelist")
    urls["admin_changelist"] = admin_list
    urls["admin_change"] = reverse("admin:articles_article_change", args=[story.pk])

    # Distinct story URLs for the cold-cache run, shuffled so that neighbours share no cached state.
    rows = list(published.values_list("pk", "slug", "section__slug"))
    random.Random(11).shuffle(rows)
    rows = rows[:COLD_URLS]
    cold = [reverse("articles:detail", kwargs={"section": s, "slug": slug}) for _pk, slug, s in rows]
    cold_file = os.path.join(out_dir, "article-urls.txt")
    with open(cold_file, "w") as fh:
        fh.write("\n".join(cold) + "\n")
    # The page whose queries are counted (and whose bytes the same-bytes floor answers): the first story of the list
    # with the measured story's shape, so that 1k and 100k compare the same kind of page (a story with tags asks
    # for its topics' related parts, one without does not: a difference of data, not of scale).
    shape = {"n_captions": notes["article_warm"]["captions"], "n_bylines": notes["article_warm"]["bylines"],
             "n_tags": notes["article_warm"]["tags"], "n_corrections": notes["article_warm"]["corrections"]}
    first_ids = [pk for pk, _s, _c in rows[:2000]]
    alike = set(published.filter(pk__in=first_ids).annotate(
        n_captions=Count("captions", distinct=True), n_bylines=Count("bylines", distinct=True),
        n_tags=Count("tags", distinct=True), n_corrections=Count("corrections", distinct=True))
        .filter(**shape).values_list("pk", flat=True))
    urls["article_cold"] = next((url for url, pk in zip(cold, first_ids) if pk in alike), cold[0])
    notes["article_cold"] = {"distinct_urls": len(cold), "file": cold_file, "ids": [pk for pk, _s, _c in rows]}

    editor = bench_editor()
    client = Client()
    client.force_login(editor)
    session_cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return urls, notes, session_cookie, editor


def prepare_renders(notes, render_first):
    """Stored renders for the measured story and the first `render_first` stories of the cold runs, as a live
    site has them (bench/renders.py); every story when the database is small."""
    from articles.models import Article

    from . import renders

    if Article.objects.count() <= max(render_first, 5000):
        done = renders.prepare(everything=True)
    else:
        ids = [notes["article_warm"]["id"]] + notes["article_cold"]["ids"][:render_first]
        done = renders.prepare(ids)
    done["cold_urls_rendered"] = min(render_first, notes["article_cold"]["distinct_urls"])
    if done.get("available"):
        # The page-cache-off run goes round these (bench/__main__.py measure(rendered_only=True)).
        with open(notes["article_cold"]["file"]) as fh:
            first = fh.read().splitlines()[:render_first]
        rendered_file = notes["article_cold"]["file"].replace(".txt", "-rendered.txt")
        with open(rendered_file, "w") as fh:
            fh.write("\n".join(first) + "\n")
        notes["article_cold"]["rendered_file"] = rendered_file
    return done


def prime(urls, editor):
    """Ask every page once, so the stored renders of the stories lists show (teasers) exist, as on a live site."""
    from django.test import Client

    anonymous, staff = Client(raise_request_exception=False), Client(raise_request_exception=False)
    staff.force_login(editor)
    for name, _label in PAGES:
        if urls.get(name) and name != "static":
            (staff if name.startswith("admin_") else anonymous).get(urls[name])


def _empty_caches(cache):
    from articles import caching, holes
    from prerender.reads import forget_teasers

    cache.clear()
    with caching._local.lock:
        caching._local.clear()
    holes.forget_blocks()
    forget_teasers()


def count_queries(urls, editor):
    """Status and SQL queries of each page on a cache miss and then on a cache hit."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article

    # A page that fails (the site is being built while the bench runs) is reported, not fatal.
    anonymous, staff = Client(raise_request_exception=False), Client(raise_request_exception=False)
    staff.force_login(editor)
    results = {}
    for name, _label in PAGES:
        path = urls.get(name)
        if not path or name == "static":
            continue
        client = staff if name.startswith("admin_") else anonymous
        # Each page's miss from empty caches (the shared one, this process's copies): otherwise what the pages asked
        # before it happened to leave there (a related block of the same section or topic) decides its count, and
        # the two databases' stories share different sections and topics.
        _empty_caches(cache)
        counts, statuses, sql = [], [], []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(path)
            counts.append(len(ctx.captured_queries))
            statuses.append(response.status_code)
            sql.append([q["sql"][:240] for q in ctx.captured_queries])
        results[name] = {"status": statuses[0], "queries_cold": counts[0], "queries_warm": counts[1],
                         "sql_cold": sql[0]}
    results["_stories"] = Article.objects.count()
    results["_published"] = Article.objects.published().count()
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description="Find the bench URLs and count queries per page.")
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--render-first", type=int, default=3000,
                        help="stories of the cold runs given a stored render beforehand (default 3000)")
    args = parser.parse_args(argv)
    _setup_django()
    out_dir = os.path.dirname(os.path.abspath(args.out))
    urls, notes, cookie, editor = discover(out_dir)
    notes["renders"] = prepare_renders(notes, args.render_first)
    prime(urls, editor)
    queries = count_queries(urls, editor)
    notes["article_cold"].pop("ids")
    with open(args.out, "w") as fh:
        json.dump({"urls": urls, "notes": notes, "cookie": cookie, "queries": queries}, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
