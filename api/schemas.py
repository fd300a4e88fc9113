"""The shapes the public API answers with; Django Ninja checks every answer against them and publishes them
in the OpenAPI schema (/api/v1/schema/)."""
from datetime import datetime

from ninja import Field, Schema


class SectionOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    url: str = Field(description="The section's page on the public site.")


class AuthorOut(Schema):
    id: int
    name: str
    slug: str
    bio: str
    url: str = Field(description="The author's page on the public site.")


class TagOut(Schema):
    id: int
    name: str
    slug: str
    url: str


class BylineOut(Schema):
    name: str
    slug: str
    role: str = Field(description="writer, photos, video, graphics or translation.")
    url: str


class RenditionOut(Schema):
    href: str
    width: int | None
    height: int | None
    format: str
    contenttype: str


class PhotoOut(Schema):
    id: int
    caption: str = Field(description="The caption of this photo in this story.")
    alt_text: str
    credit: str
    is_lead: bool
    in_body: bool = Field(description='Placed in the text: body_html holds it as <figure data-photo="id">.')
    width: int | None
    height: int | None
    renditions: list[RenditionOut] = Field(description="Resized copies, narrowest first, then the full-size master.")


class CorrectionOut(Schema):
    text: str
    published_at: datetime


class ArticleSummaryOut(Schema):
    id: int
    headline: str
    kicker: str
    sapo: str
    section: SectionOut
    bylines: list[BylineOut]
    tags: list[TagOut]
    lead_photo: PhotoOut | None
    canonical_url: str
    published_at: datetime
    updated_at: datetime


class ArticleOut(Schema):
    id: int
    headline: str
    kicker: str
    sapo: str
    body_html: str = Field(description="The body as sanitised HTML (the site's allow-list); photos placed in the "
                                       "text stand in it as figures with an <img>; the lead photo does not.")
    section: SectionOut
    bylines: list[BylineOut]
    tags: list[TagOut]
    photos: list[PhotoOut] = Field(description="The lead photo first, then the others in reading order.")
    corrections: list[CorrectionOut]
    canonical_url: str
    first_published_at: datetime
    published_at: datetime
    updated_at: datetime


class ArticlePage(Schema):
    items: list[ArticleSummaryOut]
    next: str | None = Field(description="The next (older) page; the same address always shows the same stories.")


class AuthorPage(Schema):
    items: list[AuthorOut]
    next: str | None


class TagPage(Schema):
    items: list[TagOut]
    next: str | None


class SectionList(Schema):
    items: list[SectionOut]


class Problem(Schema):
    detail: str
