"""The read-only public API (/api/v1/), on Django Ninja (chosen by measurement: bench/api_choice.py).

Every answer goes through the public page cache (articles/caching.py) like the HTML pages: the same purges,
Cache-Control, ETag and Last-Modified with 304 answers, and only the query parameters each endpoint declares
are read or become part of the cache key.
"""
import datetime
import re

from django.conf import settings
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja import Status as Answer
from ninja.decorators import decorate_view
from ninja.renderers import JSONRenderer

from articles import cachekeys, seo
from articles.caching import not_stored, public_page, shows
from articles.rendering import placed_photo_ids
from articles.models import Article, Byline, Status
from articles.pagination import story_page

from . import ninjs, schemas, stories


class _Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Vietnamese as it is, not \u escapes


class _NewsroomApi(NinjaAPI):
    @property
    def title(self):
        return f"{settings.NEWSROOM_NAME}: public API"  # the paper's name as configured now, not at import

    @title.setter
    def title(self, value):
        pass


api = _NewsroomApi(
    version="1",
    description=(
        "Read-only public API: published stories, sections, authors and tags. Lists are newest first with "
        "cursor pagination: follow `next` until it is null. Answers carry ETag and Last-Modified; send them "
        "back (If-None-Match, If-Modified-Since) for a 304. Each story is also served as IPTC ninjs 2.2 at "
        "/api/v1/articles/{id}/ninjs."
    ),
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url=None,  # Swagger UI would need inline script and a CDN, both refused by the site's CSP
    renderer=_Renderer(),
)

ARTICLE_FILTERS = ("section", "tag", "author", "updated_since")
LIST_PAGE_SIZE = 100  # authors and tags
SLUG = re.compile(r"[-\w]{1,220}")


@api.exception_handler(Http404)
def _not_found(request, exc):
    message = str(exc) if exc.args else _("Not found.")
    return api.create_response(request, {"detail": message}, status=404)


class _BadRequest(Exception):
    pass


@api.exception_handler(_BadRequest)
def _bad_request(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=400)


def _answer(request, data):
    """The answer as JSON, as built: its shape is the schema's (schemas.py, published in the OpenAPI document and
    checked against every answer in tests/api/test_api.py), so it is not validated again on every request,
    which would cost a list page a quarter of its time."""
    return api.create_response(request, data, status=200)


def _next_link(name, query, cursor):
    if cursor is None:
        return None
    params = {key: value for key, value in query.items() if value} | {"cursor": cursor}
    return seo.absolute(reverse(f"api:{name}") + "?" + urlencode(sorted(params.items())))


def _updated_since(value):
    if not value:
        return None
    try:
        moment = parse_datetime(value.strip())
        if moment is not None:
            moment = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
            # In UTC: PostgreSQL takes no offset past ±15:59, and a time near year 1 or 9999 may not exist there.
            moment = moment.astimezone(datetime.timezone.utc)
    except (ValueError, OverflowError):
        moment = None
    if moment is None:
        raise _BadRequest(_("updated_since must be a time in ISO 8601, e.g. 2026-01-31T08:00:00+07:00."))
    return moment


def _slug(value):
    """A filter's slug as given, or a 400: anything else (a NUL byte, spaces) could never match and never
    reaches the database."""
    if value and not SLUG.fullmatch(value):
        raise _BadRequest(_("section, tag and author take the slug of a section, tag or author."))
    return value


@api.get("/articles/", response={200: schemas.ArticlePage, 400: schemas.Problem, 404: schemas.Problem},
         url_name="articles", summary="Published stories, newest first")
@decorate_view(public_page(parameters=ARTICLE_FILTERS + ("cursor",)))
def article_list(request, section: str = "", tag: str = "", author: str = "", updated_since: str = "",
                 cursor: str = ""):
    """Published stories, 20 a page, newest first. Filters: `section`, `tag` and `author` take slugs;
    `updated_since` an ISO 8601 time (stories published or edited since). `cursor` comes from `next`."""
    section, tag, author = _slug(section), _slug(tag), _slug(author)
    queryset = stories.public_stories()
    if section:
        queryset = queryset.filter(section__slug=section)
    if tag:
        queryset = queryset.filter(tags__slug=tag)
    if author:
        # A subquery, not a join: one person may hold two roles on a story, which would list it twice.
        queryset = queryset.filter(pk__in=Byline.objects.filter(author__slug=author).values("article_id"))
    since = _updated_since(updated_since)
    if since is not None:
        queryset = queryset.filter(Q(updated_at__gte=since) | Q(published_at__gte=since))
    page = story_page(stories.for_list(queryset), {"truoc": cursor} if cursor else {})
    # Every change of a list's members purges `latest`, so filtered lists need no key of their own; a story edited
    # after `updated_since` joins that list with an edit that purges the story only: such answers are not stored.
    shows(request, cachekeys.LATEST)
    for article in page.stories:
        shows(request, *_summary_keys(article))
    if since is not None:
        not_stored(request)
    query = {"section": section, "tag": tag, "author": author, "updated_since": updated_since}
    known = {}
    return _answer(request, {"items": [stories.article_summary(a, known) for a in page.stories],
                             "next": _next_link("articles", query, page.older)})


def _summary_keys(article):
    """A list item shows the story, its lead photo, its people and its topics."""
    return (cachekeys.teaser_keys(article) | cachekeys.bylines_keys(article.bylines.all())
            | {cachekeys.tag(t.pk) for t in article.tags.all()})


def _shows_story(request, article):
    shows(request, *cachekeys.story_page_keys(article, captions=article.captions.all(), bylines=article.bylines.all(),
                                              tags=article.tags.all(), photo_ids=placed_photo_ids(article.body)))


def _public_story(article_id, queryset):
    article = queryset.filter(pk=article_id).first()
    if article is None:
        if Article.objects.filter(pk=article_id, status=Status.UNPUBLISHED).exists():
            return None
        raise Http404(_("No such story."))
    return article


@api.get("/articles/{int:article_id}/", response={200: schemas.ArticleOut, 404: schemas.Problem,
                                                  410: schemas.Problem},
         url_name="article", summary="One published story")
@decorate_view(public_page)
def article_detail(request, article_id: int):
    """A published story: body, bylines with roles, photos with renditions, corrections. A story taken down
    answers 410."""
    article = _public_story(article_id, stories.for_detail(stories.public_stories()))
    if article is None:
        return Answer(410, {"detail": _("This story has been taken down.")})
    _shows_story(request, article)
    return _answer(request, stories.article_detail(article))


@api.get("/articles/{int:article_id}/ninjs", response={200: dict, 404: schemas.Problem, 410: schemas.Problem},
         url_name="article-ninjs", summary="One published story as IPTC ninjs 2.2")
@decorate_view(public_page)
def article_ninjs(request, article_id: int):
    """The story as IPTC ninjs 2.2 JSON (https://iptc.org/standards/ninjs/): headlines, bodies, people with
    their roles, subjects, photos as associations with renditions and credits. A story taken down answers 410."""
    article = _public_story(article_id, stories.for_detail(stories.public_stories()))
    if article is None:
        return Answer(410, {"detail": _("This story has been taken down.")})
    _shows_story(request, article)
    return _answer(request, ninjs.story_ninjs(article))


def _keyset_page(request, name, queryset, to_data, after, key_of):
    try:
        after_id = int(after) if after else 0
    except ValueError:
        raise _BadRequest(_("This cursor is not valid.")) from None
    rows = list(queryset.filter(pk__gt=after_id).order_by("pk")[:LIST_PAGE_SIZE + 1])
    more = len(rows) > LIST_PAGE_SIZE
    rows = rows[:LIST_PAGE_SIZE]
    # Who is in these lists follows the published stories (`latest`); each row shows its author or tag.
    shows(request, cachekeys.LATEST, *(key_of(row.pk) for row in rows))
    return _answer(request, {"items": [to_data(row) for row in rows],
                             "next": _next_link(name, {}, str(rows[-1].pk) if more else None)})


@api.get("/sections/", response=schemas.SectionList, url_name="sections", summary="Sections, in menu order")
@decorate_view(public_page)
def section_list(request):
    return _answer(request, {"items": [stories.section_data(s) for s in stories.public_sections()]})


@api.get("/authors/", response={200: schemas.AuthorPage, 400: schemas.Problem}, url_name="authors",
         summary="Authors of published stories")
@decorate_view(public_page(parameters=("cursor",)))
def author_list(request, cursor: str = ""):
    """Authors bylined on at least one published story, 100 a page."""
    return _keyset_page(request, "authors", stories.public_authors(), stories.author_data, cursor, cachekeys.author)


@api.get("/tags/", response={200: schemas.TagPage, 400: schemas.Problem}, url_name="tags",
         summary="Tags of published stories")
@decorate_view(public_page(parameters=("cursor",)))
def tag_list(request, cursor: str = ""):
    """Tags carried by at least one published story, 100 a page."""
    return _keyset_page(request, "tags", stories.public_tags(), stories.tag_data, cursor, cachekeys.tag)


@public_page
def index(request):
    """/api/v1/: where the lists and the schema are (takes the place of Ninja's docs index, which is off)."""
    links = {name: seo.absolute(reverse(f"api:{name}")) for name in ("articles", "sections", "authors", "tags")}
    return JsonResponse(links | {"schema": seo.absolute(reverse("api:openapi-json"))})
