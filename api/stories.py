"""What the public API shows of stories, sections, authors and tags, as plain data.

Every story comes from Article.objects.published(); an author or tag is listed only while a published story
carries it. Lists read a fixed number of queries whatever their length (pinned in tests/api/test_api.py).
"""
import html

from django.db.models import Exists, OuterRef, Prefetch
from django.utils.html import escape

from articles import seo
from articles.models import Article, Author, Byline, Caption, Correction, Section, Tag
from articles.richtext import PHOTO_FIGURE
from articles.views import placed_photos

def public_stories():
    return Article.objects.published()


def _bylines():
    return Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("order", "id"))


def for_list(queryset):
    """Stories with what a list item shows (section, bylines, tags, lead photo with renditions): five queries."""
    return queryset.select_related("section").defer("body", "search_title", "search_body").prefetch_related(
        _bylines(),
        Prefetch("captions", queryset=Caption.objects.filter(is_lead=True).select_related("photo"),
                 to_attr="lead_captions"),
        "lead_captions__photo__renditions",
        "tags",
    )


def for_detail(queryset):
    """A story with everything the detail shows: every photo with renditions, corrections, tags."""
    return queryset.select_related("section").defer("search_title", "search_body").prefetch_related(
        _bylines(),
        Prefetch("captions", queryset=Caption.objects.select_related("photo")),
        "captions__photo__renditions",
        "tags",
        Prefetch("corrections", queryset=Correction.objects.order_by("created_at", "id")),
    )


def public_authors():
    """Authors with at least one published story (the others have nothing public to show)."""
    bylined = Byline.objects.filter(author=OuterRef("pk"), article__in=public_stories().values("pk"))
    return Author.objects.filter(Exists(bylined))


def public_tags():
    """Tags carried by at least one published story."""
    tagged = Article.tags.through.objects.filter(tag=OuterRef("pk"), article__in=public_stories().values("pk"))
    return Tag.objects.filter(Exists(tagged))


def public_sections():
    return Section.objects.all()


# --- plain data -------------------------------------------------------------------------------------------

def public_url(obj, known=None) -> str:
    """The object's public address; `known` remembers them for one answer (a list repeats its sections,
    authors and tags, and each address is a URL-conf lookup)."""
    if known is None:
        return seo.absolute(obj.get_absolute_url())
    key = (type(obj), obj.pk)
    if key not in known:
        known[key] = seo.absolute(obj.get_absolute_url())
    return known[key]


def section_data(section, known=None) -> dict:
    return {"id": section.pk, "name": section.name, "slug": section.slug, "description": section.description,
            "url": public_url(section, known)}


def author_data(author, known=None) -> dict:
    return {"id": author.pk, "name": author.name, "slug": author.slug, "bio": author.bio,
            "url": public_url(author, known)}


def tag_data(tag, known=None) -> dict:
    return {"id": tag.pk, "name": tag.name, "slug": tag.slug, "url": public_url(tag, known)}


def byline_data(byline, known=None) -> dict:
    author = byline.author
    return {"name": author.name, "slug": author.slug, "role": byline.role, "url": public_url(author, known)}


def renditions_of(photo) -> list[dict]:
    """The photo's public files, widest last: the resized copies, then the master."""
    files = [
        {"href": seo.absolute(r.file.url), "width": r.width, "height": r.height,
         "format": r.format.lower(), "contenttype": f"image/{r.format.lower()}"}
        for r in sorted(photo.renditions.all(), key=lambda r: (r.width, r.format))
    ]
    if photo.image:
        fmt = (photo.format or photo.image.name.rsplit(".", 1)[-1]).lower().replace("jpg", "jpeg")
        files.append({"href": seo.absolute(photo.image.url), "width": photo.width, "height": photo.height,
                      "format": fmt, "contenttype": f"image/{fmt}"})
    return files


def photo_data(caption) -> dict:
    photo = caption.photo
    return {"id": photo.pk, "caption": caption.text, "alt_text": photo.alt_text, "credit": photo.credit,
            "is_lead": caption.is_lead, "in_body": False, "width": photo.width,
            "height": photo.height, "renditions": renditions_of(photo)}


def body_photos(body, photos) -> list[dict]:
    """The library photos placed in the body's text (<figure data-photo="id">), with the caption each has there."""
    found = []
    for match in PHOTO_FIGURE.finditer(body or ""):
        photo = photos.get(int(match.group(1)))
        if photo is not None:
            found.append({"id": photo.pk, "caption": html.unescape(match.group(2)), "alt_text": photo.alt_text,
                          "credit": photo.credit, "is_lead": False, "in_body": True,
                          "width": photo.width, "height": photo.height, "renditions": renditions_of(photo)})
    return found


def self_contained_body(body, photos) -> str:
    """The body with each placed photo's figure holding its picture: an <img> of a mid-sized rendition with its alt
    text, and the credit after the caption, so a reader of the API needs nothing else; a photo gone is left out."""

    def figure(match):
        photo = photos.get(int(match.group(1)))
        if photo is None:
            return ""
        files = renditions_of(photo)
        picked = min(files, key=lambda f: (f["format"] != "jpeg", abs((f["width"] or 0) - 800)))
        size = f' width="{picked["width"]}" height="{picked["height"]}"' if picked["width"] else ""
        credit = f" {escape(photo.credit)}" if photo.credit else ""
        return (f'<figure data-photo="{photo.pk}"><img src="{escape(picked["href"])}" alt="{escape(photo.alt_text)}"'
                f'{size}><figcaption>{match.group(2)}{credit}</figcaption></figure>')

    return PHOTO_FIGURE.sub(figure, body or "")


def _times(article) -> dict:
    return {"published_at": article.published_at, "updated_at": seo.article_modified(article)}


def article_summary(article, known=None) -> dict:
    """A story as a list shows it (`known`: the addresses already looked up for this list)."""
    lead = article.lead_captions[0] if article.lead_captions else None
    return {
        "id": article.pk, "headline": article.title, "kicker": article.kicker, "sapo": article.sapo,
        "section": section_data(article.section, known),
        "bylines": [byline_data(b, known) for b in article.bylines.all()],
        "tags": [tag_data(t, known) for t in article.tags.all()], "lead_photo": photo_data(lead) if lead else None,
        "canonical_url": seo.absolute(article.get_absolute_url()), **_times(article),
    }


def article_detail(article) -> dict:
    """A story in full: the sanitised body (cleaned on every save, articles/richtext.py) with its placed photos,
    every photo, corrections."""
    captions = list(article.captions.all())
    placed = placed_photos(article.body)  # one query, none for a body without placed photos
    return {
        "id": article.pk, "headline": article.title, "kicker": article.kicker, "sapo": article.sapo,
        "body_html": self_contained_body(article.body, placed),
        "section": section_data(article.section), "bylines": [byline_data(b) for b in article.bylines.all()],
        "tags": [tag_data(t) for t in article.tags.all()],
        "photos": [photo_data(c) for c in sorted(captions, key=lambda c: (not c.is_lead, c.order, c.pk))]
                  + body_photos(article.body, placed),
        "corrections": [{"text": c.text, "published_at": c.created_at} for c in article.corrections.all()],
        "canonical_url": seo.absolute(article.get_absolute_url()),
        "first_published_at": article.first_published_at or article.published_at, **_times(article),
    }
