"""The public site. Every query starts from Article.objects.published(); every page goes through the page cache."""
from datetime import timedelta

from django.conf import settings
from django.db import connection, router
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from photos.models import Photo
from photos.renditions import with_renditions
from prerender import reads as prerender_reads
from prerender import shell

from . import cachekeys, related, seo
from . import search as story_search
from .bylines import credit_groups
from .caching import public_page, shows, site_state
from .compiled import CompiledQuery
from .models import Article, Author, Byline, Caption, Correction, Section, Status, Tag
from .pagination import page_query, story_page
from .rendering import body_with_photos, photos_shown, placed_photo_ids

# A story edited this long after it went out shows "Cập nhật" with the time of the edit.
UPDATE_NOTICE_AFTER = timedelta(minutes=10)
# The cursors of a list of stories (articles/pagination.py): the only query parameters list pages read.
LIST_PARAMETERS = ("truoc", "sau")


def read_only(view):
    """Let only GET and HEAD reach a public view; every other method gets 405 with Allow: GET, HEAD."""
    # CsrfViewMiddleware checks a PUT, PATCH, DELETE or POST before the view runs and refuses it with 403
    # (no token), which tells a client the wrong thing. Exempting these views loses nothing: require_safe
    # lets only GET and HEAD through, and the CSRF check never looks at those; nothing here changes state.
    return csrf_exempt(require_safe(view))


def ids_of_any(querysets):
    """One id filter matching the union of several small, sliced id querysets (one SQL query in all)."""
    if connection.features.supports_slicing_ordering_in_compound:
        first, *rest = querysets
        return Q(id__in=first.union(*rest, all=True)) if rest else Q(id__in=first)
    condition = Q()
    for queryset in querysets:
        condition |= Q(id__in=queryset)
    return condition


def newest(queryset):
    return queryset.order_by("-published_at", "-id")


def for_teasers(queryset):
    """Stories as teasers: section, bylines, lead photo and its renditions, in a fixed number of queries.

    The body and the search copies are the bulk of a row and a teaser shows none of them.
    """
    return queryset.for_listing().defer("body", "search_title", "search_body")


def shows_teasers(request, stories):
    """The page shows these teasers (each story and its lead photo, as their stored render says)."""
    shows(request, *[key for story in stories for key in story.teaser_keys])


# The stories of each list, from published(): scope -> the queryset of the stories of `value` at `now`.
LIST_SCOPES = {
    "section": lambda now, value: Article.objects.published(now=now).filter(section_id=value),
    "author": lambda now, value: Article.objects.published(now=now).filter(bylines__author_id=value),
    "tag": lambda now, value: Article.objects.published(now=now).filter(tags__id=value),
}
_LISTS = {
    scope: CompiledQuery(f"{scope} list", lambda direction, size, *, now, value, stamp=None, pk=None, scope=scope:
                         page_query(LIST_SCOPES[scope](now, value), direction, stamp, pk, size)
                         .values_list(*prerender_reads.LISTED), prepare=True)
    for scope in LIST_SCOPES
}


def list_stories(scope, value):
    """A reader of the list `scope` of `value` for articles/pagination.py's story_page: its rows as Listed."""
    def read(direction, stamp, pk, size):
        values = {"stamp": stamp, "pk": pk} if direction else {}
        rows = _LISTS[scope].rows(shape=(direction, size), using=router.db_for_read(Article), now=timezone.now(),
                                  value=value, **values)
        return prerender_reads.listed(rows)
    return read


def _list_page(request, scope, value, *, template_context, heading, description, crumbs, keys):
    # One query: the page's stories and which stored render is current; their teasers from this process's memory
    # of those renders, else one more query (prerender/reads.py).
    variant = "list_in_section" if "section" in template_context else "list"
    page = story_page(list_stories(scope, value), request.GET)
    shows(request, *keys)
    if "sau" in request.GET and page.is_first:
        return redirect(request.path)
    for story in prerender_reads.fill_teasers(page.stories, variant):
        story.teaser = getattr(story, f"teaser_{variant}")
    shows_teasers(request, page.stories)
    path = request.path
    if not page.is_first:
        cursor_name = "truoc" if request.GET.get("truoc") else "sau"
        path = f"{request.path}?{cursor_name}={request.GET[cursor_name]}"

    def frame():
        """The page's title, head tags, feeds and JSON-LD: what its list's header decides, not its stories."""
        meta = seo.PageMeta(
            title=heading if page.is_first else _("%(heading)s - older stories") % {"heading": heading},
            description=seo.describe(description) or _("Stories: %(heading)s - %(paper)s") % {
                "heading": heading, "paper": seo.paper_name()},
            path=path, structured_data=seo.collection_structured_data(heading, request.path, crumbs),
        )
        context = {"heading": heading, "meta": meta, "crumbs": crumbs, **template_context}
        return (meta.title, loader.render_to_string("_head_meta.html", context, request),
                loader.render_to_string("articles/_list_feeds.html", context, request), meta.json_ld)

    if scope == "section":
        # A section's name and description come from the site state (a section's change starts a new one): the
        # page's frame is made once per state and page address.
        title, head, feeds, json_ld = shell.per_state(request, ("list frame", value, path), frame)
    else:  # an author's or topic's come from its own row: made each time
        title, head, feeds, json_ld = frame()
    context = {"heading": heading, "page": page, "crumbs": crumbs, **template_context}
    content = loader.render_to_string("articles/_list_content.html", context, request)
    return HttpResponse(shell.page(
        request, title=title, json_ld=json_ld, head=head, feeds=feeds, content=content,
        current_slug=template_context["section"].slug if "section" in template_context else None,
    ))


def section_from_state(request, slug):
    """The section at `slug` from the site state's menu (a section's change starts a new state), or 404."""
    found = next((s for s in site_state(request)["sections"] if s["slug"] == slug), None)
    if found is None:
        raise Http404
    if "description" not in found:  # a state stored by an earlier release
        return get_object_or_404(Section, pk=found["id"])
    return Section(pk=found["id"], name=found["name"], slug=found["slug"], description=found["description"])


@read_only
@public_page(parameters=LIST_PARAMETERS)
def section_detail(request, slug):
    section = section_from_state(request, slug)
    return _list_page(
        request, "section", section.pk, template_context={"section": section},
        heading=section.name, description=section.description,
        crumbs=[(_("Home"), "/"), (section.name, section.get_absolute_url())], keys=[cachekeys.section(section.pk)],
    )


@read_only
@public_page(parameters=LIST_PARAMETERS)
def author_detail(request, slug):
    author = get_object_or_404(Author.objects.select_related("portrait"), slug=slug)
    return _list_page(
        request, "author", author.pk, template_context={"author": author},
        heading=author.name, description=author.bio,
        crumbs=[(_("Home"), "/"), (_("Author"), None), (author.name, author.get_absolute_url())],
        keys=[cachekeys.author(author.pk), cachekeys.author_list(author.pk)]
        + ([cachekeys.photo(author.portrait_id)] if author.portrait_id else []),
    )


@read_only
@public_page(parameters=LIST_PARAMETERS)
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    return _list_page(
        request, "tag", tag.pk, template_context={"tag": tag},
        heading=tag.name, description=_("Stories on the topic %(topic)s") % {"topic": tag.name},
        crumbs=[(_("Home"), "/"), (_("Topic"), None), (tag.name, tag.get_absolute_url())],
        keys=[cachekeys.tag(tag.pk), cachekeys.tag_list(tag.pk)],
    )


def with_story_parts(queryset):
    """queryset with everything the article page shows, in a fixed number of queries.

    Photos come with their renditions (one query for all, whatever the rendition cache holds).
    Corrections are rare, so the story row says whether it has any and they are read only then.
    """
    captions = Caption.objects.select_related("photo").prefetch_related(with_renditions("photo__renditions"))
    return queryset.select_related("section").annotate(
        has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk")))
    ).prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("order", "id")),
        Prefetch("captions", queryset=captions),
        "tags",
    )


@read_only
@public_page
def article_detail(request, section, slug):
    # One query: the published check and the stored render together (prerender/reads.py).
    story = prerender_reads.published_story(slug)
    if story is None:
        if Article.objects.filter(slug=slug, status=Status.UNPUBLISHED).exists():
            return gone(request)
        raise Http404(_("There is no such story."))
    if story.section_slug != section:
        # A permanent redirect on the database's word, not on a site state a second old (a section just renamed).
        current = prerender_reads.section_slug_now(story.section_id)
        if current != section:
            return redirect("articles:detail", section=current, slug=slug, permanent=True)
    stored = story.render
    shows(request, *stored.key_list)
    # The stored story ends with the related and most-read placeholders and the view beacon (prerender/fragments.py).
    # A render read as current is named by its identity (the ETag made from it); one rendered just now is hashed.
    return shell.page_response(request, identity=getattr(stored, "identity", None), title=stored.title,
                               head=stored.head, json_ld=stored.json_ld, content=stored.story,
                               current_slug=section)


def placed_photos(body):
    """The library photos placed in a body, with their renditions: one query, none for a body without any."""
    ids = placed_photo_ids(body)
    if not ids:
        return {}
    return {photo.pk: photo for photo in Photo.objects.filter(pk__in=ids).prefetch_related(with_renditions())}


def story_context(article, *, paper=None):
    """What the story page shows of the story itself (related and most read are holes): what prerender/ stores.

    `paper`: see seo.article_structured_data.
    """
    captions = list(article.captions.all())
    lead = next((c for c in captions if c.is_lead), None)  # other photos stand in the body's text
    placed = placed_photos(article.body)
    body_items = body_with_photos(article.body, placed)
    bylines = list(article.bylines.all())
    # Read only if the story has any (with_story_parts says so); the staff preview prefetches them itself.
    corrections = list(article.corrections.all()) if getattr(article, "has_corrections", True) else []
    tags = list(article.tags.all())
    modified = seo.article_modified(article)
    went_out = article.first_published_at or article.published_at
    updated = modified if went_out and modified and modified - went_out > UPDATE_NOTICE_AFTER else None
    crumbs = [(_("Home"), "/"), (article.section.name, article.section.get_absolute_url())]
    meta = seo.PageMeta(
        title=article.title, description=seo.describe(article.sapo) or seo.describe(article.title),
        path=article.get_absolute_url(), og_type="article", photo=lead.photo if lead else None,
        published=article.published_at, modified=modified, section=article.section.name,
        tags=[t.name for t in tags],
        structured_data=seo.article_structured_data(
            article, lead_caption=lead, bylines=bylines, corrections=corrections, photos=photos_shown(body_items),
            paper=paper),
    )
    return {
        "article": article,
        "lead_caption": lead,
        "body_items": body_items,
        "bylines": bylines,
        "byline_groups": credit_groups(bylines),
        "corrections": corrections,
        "tags": tags,
        "updated_at": updated,
        "crumbs": crumbs,
        "meta": meta,
        "share_url": meta.canonical,
        # Every photo the story shows (prerender/ keys its stored render by them).
        "photo_ids": {c.photo_id for c in captions} | set(placed),
    }


def article_context(article):
    """What the article template needs; the staff preview renders it live."""
    context = story_context(article)
    # Xem thêm and Đọc nhiều are holes (articles/related.py, mostread/block.py), filled in per request.
    return {**context, "related_hole": related.hole_params(article, [tag.pk for tag in context["tags"]])}


MAX_SEARCH_PAGE = story_search.MAX_PAGES


def _page_number(value):
    try:
        number = int(str(value or "1")[:6])
    except ValueError:
        return 1
    return min(max(number, 1), MAX_SEARCH_PAGE)


@read_only
@public_page(parameters=("q", "trang"), shared=False)
def search(request):
    raw = request.GET.get("q", "")
    results = story_search.search(raw, page=_page_number(request.GET.get("trang")))
    meta = seo.PageMeta(
        title=_("Search: %(query)s") % {"query": results.query} if results.query else _("Search"),
        description=_("Find stories on %(paper)s") % {"paper": seo.paper_name()}, path=reverse("articles:search"), noindex=True,
    )
    return render(request, "articles/search.html", {"results": results, "meta": meta})


def gone(request):
    """410: the story was withdrawn (unpublished) by the newsroom."""
    meta = seo.PageMeta(title=_("Story taken down"), path="", noindex=True)
    return render(request, "410.html", {"meta": meta}, status=410)


def page_not_found(request, exception=None):
    """404 in the site's design."""
    meta = seo.PageMeta(title=pgettext("public site", "Page not found"), path="", noindex=True)
    return render(request, "404.html", {"meta": meta}, status=404)


def server_error(request):
    """500 in the site's design, rendered without the database (it may be what failed)."""
    template = loader.get_template("500.html")
    return HttpResponse(template.render({"NEWSROOM_NAME": settings.NEWSROOM_NAME}), status=500)


@read_only
@public_page
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: " + reverse("articles:search"),
        "",
        "Sitemap: " + seo.absolute(reverse("sitemap-index")),
        "Sitemap: " + seo.absolute(reverse("sitemap-news")),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
