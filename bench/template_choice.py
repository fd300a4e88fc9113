"""Which way to make the page shell (base.html: head, header with the section menu, masthead footer).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nr_render_bench python -m bench.template_choice

Same process, same run, production settings: the shell around one story page's stored parts, made per
request in three ways, asked in turn (rounds), timed with perf_counter:

1. Django templates: base.html rendered on every request (prerender/shell.html, the marks filled in);
2. Jinja2 (Django's Jinja2 backend): the same shell written in Jinja2 syntax, rendered on every request;
3. prerendered pieces: base.html rendered once per site state and cut at the marks (prerender/shell.py),
   joined per request.

Prints the median and 90th percentile per page and writes bench/results/template-choice.{md,json}. It
reads the database (the menu and masthead) and needs one published story; it writes nothing there.
"""
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ROUNDS = 2000

# base.html in Jinja2 syntax, as the public site would have it with Django's Jinja2 backend.
JINJA_SHELL = """<!doctype html>
<html lang="vi">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }}</title>
  {{ head }}
  <link rel="alternate" type="application/rss+xml" title="{{ paper }} - {{ gettext('Latest news') }}" href="{{ url('articles:rss') }}">
  {{ feeds }}
  <link rel="icon" href="{{ static('img/favicon.svg') }}" type="image/svg+xml">
  <link rel="preload" href="{{ static('fonts/noto-serif-latin-wght-normal.woff2') }}" as="font" type="font/woff2" crossorigin>
  <link rel="preload" href="{{ static('fonts/noto-serif-vietnamese-wght-normal.woff2') }}" as="font" type="font/woff2" crossorigin>
  <link rel="stylesheet" href="{{ static('css/site.css') }}">
  {% if json_ld %}<script type="application/ld+json">{{ json_ld }}</script>{% endif %}
</head>
<body>
  <a class="skip-link" href="#noi-dung">{{ gettext('Skip to the main content') }}</a>
  <header class="site-header">
    <div class="wrap header-row">
      <a class="site-name" href="{{ url('articles:home') }}">{% if masthead.logo_url %}<img class="site-logo" src="{{ masthead.logo_url }}" alt="" width="{{ masthead.logo_width }}" height="{{ masthead.logo_height }}">{% endif %}{{ paper }}</a>
      <form class="search-form" role="search" action="{{ url('articles:search') }}" method="get">
        <label class="visually-hidden" for="o-tim-kiem">{{ gettext('Search') }}</label>
        <input id="o-tim-kiem" type="search" name="q" placeholder="{{ gettext('Search…') }}" maxlength="200" value="">
        <button type="submit">{{ gettext('Find') }}</button>
      </form>
    </div>
    <nav class="sections-nav" aria-label="{{ gettext('Sections') }}">
      <ul class="wrap">
        <li><a href="{{ url('articles:home') }}">{{ gettext('Home') }}</a></li>
        {% for s in sections %}<li><a href="{{ url('articles:section', slug=s.slug) }}"{% if s.slug == current %} aria-current="page"{% endif %}>{{ s.name }}</a></li>
        {% endfor %}
      </ul>
    </nav>
  </header>
  <main id="noi-dung" class="wrap" tabindex="-1">
    {{ content }}
  </main>
  <footer class="site-footer">
    <div class="wrap">
      <div class="masthead">
        <p class="masthead-name"><strong>{{ masthead.paper_name }}</strong></p>
        <dl class="masthead-legal">
        {% for field, label, value in masthead.legal_lines() %}<div><dt>{{ label }}:</dt> <dd>{% if not value %}<span class="placeholder">[{{ gettext('not given yet') }}]</span>{% else %}{{ value }}{% endif %}</dd></div>
        {% endfor %}
        </dl>
      </div>
      <ul class="footer-links">
        <li><a href="{{ url('articles:rss') }}">RSS</a></li>
        <li><a href="{{ url('articles:atom') }}">Atom</a></li>
        <li><a href="{{ url('articles:search') }}">{{ gettext('Search') }}</a></li>
      </ul>
      <p class="copyright">© {{ paper }}. {{ gettext('Credit the paper when you republish its reporting.') }}</p>
    </div>
  </footer>
</body>
</html>
"""


def _setup_django():
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_ALLOWED_HOSTS": "testserver", "DJANGO_LOG_LEVEL": "ERROR", "CACHE_URL": "locmem://",
        "DJANGO_STATIC_ROOT": "/tmp/newsroom-template-choice/static",
        "DJANGO_MEDIA_ROOT": "/tmp/newsroom-template-choice/media",
    })
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)


def jinja_environment():
    from django.templatetags.static import static
    from django.urls import reverse
    from django.utils.translation import gettext
    from jinja2 import Environment

    def url(name, **kwargs):
        return reverse(name, kwargs=kwargs or None)

    environment = Environment(autoescape=True)
    environment.globals.update(url=url, static=static, gettext=gettext)
    return environment.from_string(JINJA_SHELL)


def main(argv=None):
    _setup_django()
    from django.template.loader import get_template
    from django.test import RequestFactory
    from django.utils.safestring import mark_safe

    from articles.caching import site_state
    from articles.models import Article
    from masthead import identity
    from prerender import reads, shell

    story = Article.objects.published().order_by("-published_at").first()
    if story is None:
        sys.exit("No published story: seed the database first (python -m bench.seed --stories 1000).")
    url = story.get_absolute_url()
    request = RequestFactory().get(url)
    row = reads.published_story(story.slug)
    parts = {"title": row.render.title, "head": row.render.head, "json_ld": row.render.json_ld,
             "content": row.render.story}
    django_shell = get_template("prerender/shell.html")
    jinja_shell = jinja_environment()

    def with_django():
        html = django_shell.render({"section": {"slug": row.section_slug}}, request)
        for mark, value in parts.items():
            html = html.replace(f"<!--shell:{mark}-->", value)
        return html.replace("<!--shell:feeds-->", "")

    def with_jinja():
        state = site_state(request)
        paper = identity.current(request)
        return jinja_shell.render(
            title=parts["title"], head=mark_safe(parts["head"]), feeds="", json_ld=mark_safe(parts["json_ld"]),
            content=mark_safe(parts["content"]), sections=state["sections"], current=row.section_slug,
            masthead=paper, paper=paper.paper_name)

    def with_pieces():
        return shell.page(request, current_slug=row.section_slug, **parts)

    ways = {"Django templates, per request": with_django, "Jinja2, per request": with_jinja,
            "Prerendered pieces, joined per request": with_pieces}
    times = {name: [] for name in ways}
    for _ in range(50):
        for way in ways.values():
            way()
    for _ in range(ROUNDS):
        for name, way in ways.items():
            started = time.perf_counter()
            way()
            times[name].append(time.perf_counter() - started)
    rows = []
    for name, samples in times.items():
        samples.sort()
        rows.append({"way": name, "median_us": round(statistics.median(samples) * 1e6, 1),
                     "p90_us": round(samples[int(len(samples) * 0.9)] * 1e6, 1), "bytes": len(ways[name]())})
    fastest = min(r["median_us"] for r in rows)
    lines = ["# Page shell: Django templates, Jinja2 or prerendered pieces", "",
             f"One process, {ROUNDS} rounds, the three asked in turn; {platform.node()}, Python "
             f"{platform.python_version()}, load average {os.getloadavg()[0]:.2f}. Story page {url}.", "",
             "| way | median µs | p90 µs | × fastest | bytes |", "|---|---:|---:|---:|---:|"]
    for r in rows:
        ratio = r["median_us"] / fastest
        lines.append(f"| {r['way']} | {r['median_us']} | {r['p90_us']} | {ratio:.1f} | {r['bytes']} |")
    lines += ["", "Chosen: prerendered pieces (prerender/shell.py). The public site's shell changes only with the "
              "site state (menu, masthead) and the templates, so rendering it per request, in either engine, "
              "repeats the same work; Jinja2 would also mean a second copy of every public template. The admin "
              "keeps Django's templates; so do the pages around the shell (lists, home), rendered per request."]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "template-choice.md").write_text("\n".join(lines) + "\n")
    (RESULTS / "template-choice.json").write_text(json.dumps({"rounds": ROUNDS, "url": url, "rows": rows}, indent=2))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
