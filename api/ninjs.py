"""A published story as IPTC ninjs 2.2 (News in JSON), the format news agencies' systems exchange.

What maps where: the title is the "main" headline and the kicker a "kicker" headline; the sapo is the
"summary" description and each correction (Đính chính) a "correction" description; the sanitised body is
the "main" body as text/html (photos placed in the text carry their <img>); bylines make `by` (the page's
credit line, "Bài: Nông Vui - Ảnh: Hà Linh") and `people` with a `rel` per role; tags are `subjects` and the
section a subject with rel "section"; each photo, captioned (the lead one named "featureimage") or placed in
the text, is an association of type picture with its caption, alt text, credit and renditions.
`uri` is the story's address in this API: it does not change when the slug or section does.
Checked against the official schema in tests/api/test_ninjs.py.
"""
import html
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags

from articles import seo
from articles.bylines import credit_line
from articles.rendering import PlacedPhoto
from articles.richtext import PHOTO_FIGURE
from articles.views import placed_photos

from . import stories

NINJS_VERSION = "2.2"
# A byline's role (articles.models.BylineRole) as ninjs people[].rel.
PEOPLE_REL = {
    "writer": "author", "photos": "photographer", "video": "videographer",
    "graphics": "graphic-artist", "translation": "translator",
}


def _iso(value):
    return value.isoformat() if value else None


def _photo_uri(photo) -> str:
    return f"urn:newsroom:{urlsplit(settings.NEWSROOM_SITE_URL).hostname}:photo:{photo.pk}"


def _association(caption, name) -> dict:
    photo = caption.photo
    renditions = [
        {"name": f"{r['width']}w-{r['format']}", "href": r["href"], "contenttype": r["contenttype"],
         "format": r["format"], **({"width": r["width"], "height": r["height"]} if r["width"] else {})}
        for r in stories.renditions_of(photo)
    ]
    if renditions:
        renditions[-1]["name"] = "original"  # the public master, widest of all
    association = {"name": name, "uri": _photo_uri(photo), "type": "picture", "language": "vi",
                   "renditions": renditions}
    descriptions = [{"role": "caption", "value": caption.text}] if caption.text else []
    if photo.alt_text:
        descriptions.append({"role": "alt", "value": photo.alt_text})
    if descriptions:
        association["descriptions"] = descriptions
    if photo.credit:
        association["by"] = photo.credit
        association["copyrightnotice"] = photo.credit
    return association


def story_ninjs(article) -> dict:
    """The story (read with stories.for_detail) as a ninjs 2.2 object."""
    bylines = list(article.bylines.all())
    captions = sorted(article.captions.all(), key=lambda c: (not c.is_lead, c.order, c.pk))
    placed = placed_photos(article.body)
    # Photos placed in the text (<figure data-photo>) are associations too, after the lead photo.
    pictures = captions + [PlacedPhoto(photo=photo, text=html.unescape(match.group(2)))
                           for match in PHOTO_FIGURE.finditer(article.body)
                           if (photo := placed.get(int(match.group(1)))) is not None]
    body_text = strip_tags(article.body)
    headlines = [{"role": "main", "value": article.title}]
    if article.kicker:
        headlines.append({"role": "kicker", "value": article.kicker})
    descriptions = [{"role": "summary", "contenttype": "text/plain", "value": article.sapo}] if article.sapo else []
    descriptions += [{"role": "correction", "contenttype": "text/plain",
                      "value": f"{correction.created_at.date().isoformat()}: {correction.text}"}
                     for correction in article.corrections.all()]
    data = {
        "uri": seo.absolute(reverse("api:article", kwargs={"article_id": article.pk})),
        "type": "text",
        "representationtype": "full",
        "profile": "text-photo" if pictures else "text-only",
        "version": str(article.version),
        "firstcreated": _iso(article.first_published_at or article.published_at),
        "versioncreated": _iso(seo.article_modified(article)),
        "pubstatus": "usable",
        "language": "vi",
        "copyrightholder": settings.NEWSROOM_NAME,
        "headlines": headlines,
        "bodies": [{"role": "main", "contenttype": "text/html",
                    "value": stories.self_contained_body(article.body, placed),
                    "charcount": len(body_text), "wordcount": len(body_text.split())}],
        "people": [{"name": b.author.name, "rel": PEOPLE_REL.get(b.role, "contributor"),
                    "uri": seo.absolute(b.author.get_absolute_url()), "literal": b.author.slug} for b in bylines],
        "subjects": [{"name": article.section.name, "rel": "section", "literal": article.section.slug,
                      "uri": seo.absolute(article.section.get_absolute_url())}]
                    + [{"name": t.name, "rel": "about", "literal": t.slug, "uri": seo.absolute(t.get_absolute_url())}
                       for t in article.tags.all()],
        "altids": [{"role": "canonical-url", "value": seo.absolute(article.get_absolute_url())},
                   {"role": "slug", "value": article.slug}],
        "slugline": article.slug,
    }
    if descriptions:
        data["descriptions"] = descriptions
    if bylines:
        data["by"] = credit_line(bylines)
    if pictures:
        data["associations"] = [_association(c, "featureimage" if getattr(c, "is_lead", False) else f"photo{index}")
                                for index, c in enumerate(pictures, start=1)]
    return data
