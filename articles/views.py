"""The public site. Every query starts from Article.objects.published()."""
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from .models import Article, Author, Byline, Caption, Section, Tag
from .rendering import body_with_photos

PAGE_SIZE = 20


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("trang"))


def home(request):
    latest = list(Article.objects.published().for_listing()[:PAGE_SIZE + 1])
    lead = next((a for a in latest if a.is_featured), latest[0] if latest else None)
    rest = [a for a in latest if a is not lead][:PAGE_SIZE]
    return render(request, "articles/home.html", {"lead": lead, "latest": rest})


def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    page = _page(request, Article.objects.published().filter(section=section).for_listing())
    return render(request, "articles/article_list.html", {"heading": section.name, "page": page, "section": section})


def author_detail(request, slug):
    author = get_object_or_404(Author.objects.select_related("portrait"), slug=slug)
    page = _page(request, Article.objects.published().filter(bylines__author=author).for_listing())
    return render(request, "articles/article_list.html", {"heading": author.name, "page": page, "author": author})


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = _page(request, Article.objects.published().filter(tags=tag).for_listing())
    return render(request, "articles/article_list.html", {"heading": tag.name, "page": page, "tag": tag})


def article_detail(request, section, slug):
    article = get_object_or_404(
        Article.objects.published()
        .select_related("section")
        .prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            Prefetch("captions", queryset=Caption.objects.select_related("photo")),
            "corrections",
        ),
        slug=slug,
    )
    if article.section.slug != section:
        return redirect(article, permanent=True)
    return render(request, "articles/article_detail.html", article_context(article))


def article_context(article):
    """What the article template needs; shared with the staff preview."""
    captions = list(article.captions.all())
    lead = next((c for c in captions if c.is_lead), None)
    inline = [c for c in captions if c is not lead]
    related = (
        Article.objects.published().filter(section_id=article.section_id).exclude(pk=article.pk)
        .select_related("section").only("title", "slug", "published_at", "section__slug")[:5]
    )
    return {
        "article": article,
        "lead_caption": lead,
        "body_items": body_with_photos(article.body, inline),
        "bylines": list(article.bylines.all()),
        "related": related,
    }
