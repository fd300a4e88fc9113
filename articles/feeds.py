"""RSS 2.0 and Atom feeds of the latest published stories, for the whole paper and for each section."""
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.translation import gettext as _

from . import cachekeys, seo
from .bylines import credit_line
from .caching import current_request, shows
from .models import Article, Section

FEED_SIZE = 30


class LatestStoriesFeed(Feed):
    """The newest stories of the paper, or of one section when the URL names it."""

    language = "vi"
    ttl = 5  # minutes; RSS readers may poll that often

    def get_object(self, request, slug=None):
        return get_object_or_404(Section, slug=slug) if slug else None

    def title(self, section):
        return f"{section.name} - {seo.paper_name()}" if section else seo.paper_name()

    def description(self, section):
        if section:
            return section.description or _("Latest news in the %(section)s section of %(paper)s") % {
                "section": section.name, "paper": seo.paper_name()}
        return _("Latest news from %(paper)s") % {"paper": seo.paper_name()}

    subtitle = description

    def link(self, section):
        return seo.absolute(section.get_absolute_url() if section else reverse("articles:home"))

    def feed_url(self, section):
        name = "articles:atom" if isinstance(self, AtomStoriesFeed) else "articles:rss"
        if section:
            return seo.absolute(reverse(name + "-section", kwargs={"slug": section.slug}))
        return seo.absolute(reverse(name))

    def items(self, section):
        stories = (Article.objects.published().for_listing().defer("body", "search_title", "search_body")
                   .order_by("-published_at", "-id"))
        if section:
            stories = stories.filter(section=section)
        stories = list(stories[:FEED_SIZE])
        # The feed shows the list, each story with its lead photo (the enclosure) and its people (author names).
        request = current_request()
        shows(request, cachekeys.section(section.pk) if section else cachekeys.LATEST)
        for story in stories:
            shows(request, *cachekeys.teaser_keys(story), *cachekeys.bylines_keys(story.bylines.all()))
        return stories

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.sapo

    def item_link(self, item):
        return seo.absolute(item.get_absolute_url())

    def item_guid(self, item):
        return seo.absolute(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return seo.article_modified(item)

    def item_author_name(self, item):
        return credit_line(item.bylines.all()) or None

    def item_categories(self, item):
        return [item.section.name]

    def item_enclosures(self, item):
        lead = item.lead_captions[0] if item.lead_captions else None
        if not lead or not lead.photo.image:
            return []
        mime = {"png": "image/png", "webp": "image/webp"}.get(lead.photo.image.name.rsplit(".", 1)[-1], "image/jpeg")
        return [Enclosure(seo.absolute(lead.photo.image.url), str(lead.photo.file_size or 0), mime)]


class AtomStoriesFeed(LatestStoriesFeed):
    feed_type = Atom1Feed
