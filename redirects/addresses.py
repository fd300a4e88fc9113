"""Addresses never break: every address a story has had, and every old address an editor added, answers 301.

A story's earlier addresses point at the story itself, not at the address that followed, so a story moved
three times answers each of its old addresses with one hop to where it is now. A by-hand redirect whose new
address is a story's (current or old) address is stored against that story for the same reason.

A redirect leads only to what the public may see: a story answers through Article.objects.published();
an old address of a taken-down story answers 410 like the story's own page, any other hidden story 404.

Redirects are answered by RedirectFallbackMiddleware only where the site itself would answer 404, so a live
page always wins over an old address. They never enter the page cache (articles/caching.py): each one is
looked up when asked (one indexed query), so a story that moves again, is taken down or goes to the trash
is followed at once, with nothing to purge; browsers and CDNs may keep a 301 as long as any public page.
"""
from urllib.parse import unquote, urlsplit

from django.utils.translation import gettext as _
from django.conf import settings
from django.db import transaction
from django.urls import Resolver404, resolve, reverse

from articles.models import Article, Status

from .models import Redirect, Source

MAX_PATH = 500


class AddressError(ValueError):
    """An address that cannot be used, with a message in Vietnamese."""


def normalize(value) -> str:
    """An address as stored and looked up: the path (decoded) and the raw query string, without host or fragment.

    Full URLs are accepted (the old site's addresses are often pasted whole); a missing leading slash is added.
    """
    value = str(value or "").strip()
    if not value or any(ch in value for ch in "\r\n\t\x00") or " " in value.strip():
        raise AddressError(_("“%(address)s” is not a valid address.") % {"address": value[:80]})
    scheme = urlsplit(value).scheme
    if scheme and scheme.lower() not in ("http", "https"):
        raise AddressError(_("“%(address)s” is not a web address (http, https).") % {"address": value[:80]})
    parts = urlsplit(value if scheme or value.startswith("//") else "/" + value.lstrip("/"))
    path = unquote(parts.path or "/")
    if not path.startswith("/"):
        path = "/" + path
    address = path + (f"?{parts.query}" if parts.query else "")
    if len(address) > MAX_PATH:
        raise AddressError(_("“%(address)s…” is longer than %(limit)d characters.") % {"address": value[:80], "limit": MAX_PATH})
    return address


def _site_host():
    return urlsplit(settings.NEWSROOM_SITE_URL).netloc.lower()


def _match(path: str):
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        return None
    return match


def story_at(path: str):
    """The story `path` shows (any status; the page itself redirects a wrong section to the right one), or None."""
    from articles import views

    match = _match(path)
    if match is None or match.func is not views.article_detail:  # by its view: a story has two routes (newsroom/urls.py)
        return None
    return Article.objects.filter(slug=match.kwargs["slug"]).first()


def page_exists(path: str) -> bool:
    """Whether the site has a page at `path` (in any state): a story, a section, an author, a tag, or a fixed page."""
    from articles import views
    from articles.models import Author, Section, Tag

    match = _match(path)
    if match is None:
        return False
    # By the view: story and section pages have two routes each (newsroom/urls.py, articles/urls.py).
    pages = {views.article_detail: Article, views.section_detail: Section, views.author_detail: Author,
             views.tag_detail: Tag}
    model = pages.get(match.func)
    if model is None:
        return True
    return model.objects.filter(slug=match.kwargs["slug"]).exists()


def is_live_page(path: str) -> bool:
    """Whether `path` is itself an address the site answers (then a redirect there would never be asked):
    the home page, a story's page, a section's page."""
    match = _match(path)
    if match is None:
        return False
    return path.split("?", 1)[0] == "/" or (match.url_name in ("detail", "section") and page_exists(path))


def target_of(new_address: str):
    """Where a redirect to `new_address` should lead, one hop: (story, "") or (None, path). AddressError if nowhere."""
    parts = urlsplit(new_address.strip())
    if parts.netloc and parts.netloc.lower() != _site_host():
        raise AddressError(_("The new address “%(address)s” is not on this site (%(host)s).") % {
            "address": new_address[:80], "host": _site_host()})
    path = normalize(new_address)
    story = story_at(path)
    if story is not None:
        return story, ""
    earlier = Redirect.objects.filter(old_path=path).first()
    if earlier is not None:  # an old address: lead straight to where it leads
        return earlier.article, earlier.target_path
    if not page_exists(path):
        raise AddressError(_("The new address “%(address)s” is not a page of this site.") % {"address": new_address[:80]})
    return None, path


def redirect_save(*, old_address: str, new_address: str, by=None, source=Source.MANUAL) -> Redirect:
    """Add (or change) the redirect from old_address to new_address, after checking both."""
    old_path = normalize(old_address)
    if is_live_page(old_path):
        raise AddressError(_("“%(address)s” is a page of this site: it cannot lead elsewhere.") % {"address": old_path})
    article, target_path = target_of(new_address)
    if target_path == old_path or (article is not None and article.get_absolute_url() == old_path):
        raise AddressError(_("“%(address)s” leads to itself.") % {"address": old_path})
    redirect, _created = Redirect.objects.update_or_create(
        old_path=old_path,
        defaults={"article": article, "target_path": target_path, "source": source, "created_by": by},
    )
    # Redirects that led to this old address now lead where it leads: still one hop.
    Redirect.objects.filter(target_path=old_path).update(article=article, target_path=target_path)
    return redirect


# --- Answering an old address -------------------------------------------------------------------------------

GONE = object()


def destination(path: str, query: str = ""):
    """Where an address the site does not know leads: a URL, GONE (the story was taken down), or None (404)."""
    if len(path) + len(query) > MAX_PATH or "\x00" in path + query:
        return None  # longer than any stored address, or what no address can hold (PostgreSQL refuses NUL)
    paths = [path] if path.endswith("/") else [path, path + "/"]  # the slash forgotten: still one hop
    candidates = [p + f"?{query}" for p in paths] + paths if query else paths
    redirect = (Redirect.objects.filter(old_path__in=candidates).select_related("article__section")
                .order_by("-old_path").first())  # with its query string first
    if redirect is None:
        return None
    if redirect.article_id is None:
        return redirect.target_path
    article = redirect.article
    if Article.objects.published().filter(pk=article.pk).exists():
        return article.get_absolute_url()
    if article.status == Status.UNPUBLISHED:
        return GONE
    return None


# --- Keeping a story's old addresses ------------------------------------------------------------------------

def note_loaded_address(sender, instance, **kwargs):
    """post_init: remember the story's section and slug as loaded (without loading a deferred field)."""
    fields = instance.__dict__
    instance._loaded_address = (fields.get("section_id"), fields.get("slug"))


def story_saved(sender, instance, created=False, raw=False, **kwargs):
    """post_save: a story that has been public and moved keeps its old address as a redirect to itself."""
    loaded = getattr(instance, "_loaded_address", (None, None))
    instance._loaded_address = (instance.section_id, instance.slug)
    if raw or created or None in loaded or loaded == (instance.section_id, instance.slug):
        return
    current = instance.get_absolute_url()
    with transaction.atomic():
        # The address is the story's again (an editor undid a change): it must not redirect any more.
        Redirect.objects.filter(old_path=current).delete()
        if instance.first_published_at is None:
            return  # never public: nobody has the old address
        from articles.models import Section

        section_slug = Section.objects.filter(pk=loaded[0]).values_list("slug", flat=True).first()
        if section_slug is None:
            return
        old_path = reverse("articles:detail", kwargs={"section": section_slug, "slug": loaded[1]})
        if old_path != current:
            Redirect.objects.update_or_create(
                old_path=old_path,
                defaults={"article": instance, "target_path": "", "source": Source.MOVED, "created_by": None},
            )
