"""What search engines and social networks read: page metadata, canonical URLs and schema.org JSON-LD.

Every public page hands the template one PageMeta; base.html turns it into the title, description,
canonical link, OpenGraph and Twitter card tags, and prints the page's JSON-LD in one block
(`{% block structured_data %}`), escaped so that no story text can close the script element.
"""
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from masthead import identity

from . import bylines as credits
from .text import iso_datetime

DESCRIPTION_CHARS = 200


def absolute(url: str) -> str:
    """The public address of a site path or media URL ('/thoi-su/' -> 'https://baotin.vn/thoi-su/')."""
    if not url:
        return ""
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return "https:" + url
    return settings.NEWSROOM_SITE_URL + ("" if url.startswith("/") else "/") + url


def describe(text: str) -> str:
    """A meta description: one line, at most DESCRIPTION_CHARS characters."""
    return Truncator(" ".join((text or "").split())).chars(DESCRIPTION_CHARS)


@dataclass
class PageMeta:
    title: str
    description: str = ""
    path: str = "/"
    og_type: str = "website"
    photo: object = None
    published: object = None
    modified: object = None
    section: str = ""
    tags: list = field(default_factory=list)
    noindex: bool = False
    structured_data: object = None

    @property
    def full_title(self):
        return title_with_paper(self.title, paper_name())

    @property
    def canonical(self):
        return absolute(self.path)

    @property
    def image_url(self):
        return absolute(self.photo.image.url) if self.photo and self.photo.image else ""

    @property
    def json_ld(self):
        return render_json_ld(self.structured_data) if self.structured_data else ""


def title_with_paper(title: str, name: str) -> str:
    """The <title>: the page's own title, then the paper's name (once)."""
    return title if name in title else f"{title} - {name}"


def render_json_ld(data) -> str:
    """JSON for a <script type="application/ld+json"> element: '<', '>' and '&' escaped as \\u sequences."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - JSON with the HTML-significant characters escaped above


def publisher():
    """The paper as schema.org NewsMediaOrganization, from its masthead; details not given yet are left out."""
    paper = identity.current()
    organization = {"@type": "NewsMediaOrganization", "name": paper.paper_name, "url": absolute("/")}
    if paper.logo_url:
        organization["logo"] = {"@type": "ImageObject", "url": absolute(paper.logo_url),
                                "width": paper.logo_width, "height": paper.logo_height}
    if paper.governing_body:
        organization["parentOrganization"] = {"@type": "Organization", "name": paper.governing_body}
    if paper.address:
        organization["address"] = {"@type": "PostalAddress", "streetAddress": paper.address, "addressCountry": "VN"}
    if paper.phone:
        organization["telephone"] = paper.phone
    if paper.email:
        organization["email"] = paper.email
    if paper.social_links:
        organization["sameAs"] = [url for _network, url in paper.social_links]
    return organization


def paper_name() -> str:
    return identity.current().paper_name


def breadcrumb_list(crumbs):
    """crumbs: [(name, path)] from the home page down."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute(path)}
            for n, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def _iso(value):
    return iso_datetime(value) if value else None


def article_modified(article):
    """When the story last changed for readers: its last edit, never before its publication."""
    if article.published_at and article.updated_at:
        return max(article.published_at, article.updated_at)
    return article.updated_at or article.published_at


def _person(byline):
    return {"@type": "Person", "name": byline.author.name, "url": absolute(byline.author.get_absolute_url())}


def article_structured_data(article, *, lead_caption, bylines, corrections, photos, paper=None):
    """schema.org NewsArticle (with breadcrumbs) for one story.

    `paper` stands in for the paper (its name and the publisher) when given: prerender/ stores the story's
    JSON-LD with marks there and puts the masthead's current values in when it serves the page.
    """
    section_url = article.section.get_absolute_url()
    news = {
        "@type": "NewsArticle",
        "@id": absolute(article.get_absolute_url()) + "#bai-viet",
        "mainEntityOfPage": absolute(article.get_absolute_url()),
        "headline": Truncator(article.title).chars(110),
        "description": describe(article.sapo),
        "inLanguage": "vi",
        "articleSection": article.section.name,
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(article_modified(article)),
        # Writers are the authors; whoever took the photos, filmed, drew or translated is a contributor.
        "author": [_person(b) for b in credits.writers(bylines)]
        or [{"@type": "Organization", "name": paper["name"] if paper else paper_name()}],
        "publisher": paper["publisher"] if paper else publisher(),
    }
    contributors = credits.contributors(bylines)
    if contributors:
        news["contributor"] = [_person(b) for b in contributors]
    # The lead photo, then those in the text (`photos`, each with .photo), each once.
    images = list({c.photo.pk: c.photo for c in ([lead_caption] if lead_caption else []) + list(photos)}.values())
    if images:
        news["image"] = [
            {"@type": "ImageObject", "url": absolute(p.image.url), "width": p.width, "height": p.height,
             "caption": p.alt_text} for p in images if p.image
        ]
    if corrections:
        news["correction"] = [
            {"@type": "CorrectionComment", "text": c.text, "datePublished": _iso(c.created_at)} for c in corrections
        ]
    crumbs = breadcrumb_list([(_("Home"), "/"), (article.section.name, section_url),
                              (article.title, article.get_absolute_url())])
    return {"@context": "https://schema.org", "@graph": [news, crumbs]}


def website_structured_data():
    """The home page: the paper itself and its search box."""
    return {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "WebSite", "name": paper_name(), "url": absolute("/"), "inLanguage": "vi",
                "potentialAction": {
                    "@type": "SearchAction",
                    "target": {"@type": "EntryPoint", "urlTemplate": absolute(reverse("articles:search")) + "?q={q}"},
                    "query-input": "required name=q",
                },
            },
            publisher(),
        ],
    }


def collection_structured_data(name, path, crumbs):
    """A section, author or tag page."""
    return {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "CollectionPage", "name": name, "url": absolute(path), "inLanguage": "vi"},
            breadcrumb_list(crumbs),
        ],
    }
