"""The simulated newsroom's desk: edits and publishes made through the site's own code, in a process of its own.

    python -m bench.editor urls --out urls.json          # the public pages readers ask for, most read first
    python -m bench.editor publish-one --out done.json   # publish one story waiting for review, now
    python -m bench.editor run --start EPOCH --seconds 60 --every 10 --log events.jsonl

Run with the servers' environment (bench/server.py bench_env: same database, same Redis, same key prefix), so
the purges this process sends are the ones a real editor's would be. A publish goes through
articles/workflow.py (article_publish: row lock, conditional UPDATE, Transition, article_changed after the
commit); an edit does what the story admin's save does (articles/admin/stories.py save_model and
save_related: the content columns saved with update_fields, then article_changed). Every signal that fires
for an editor fires here.
"""
import argparse
import json
import os
import sys
import time

from .newsroom import ZipfSampler

EDIT_MARK = " (Đã cập nhật.)"


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def public_stories():
    """(id, section id, URL) of every public story, newest first: the order of the readers' ranks."""
    from articles.models import Article

    rows = (Article.objects.published().select_related("section")
            .order_by("-published_at", "-id").only("id", "slug", "section__slug", "section_id"))
    return [(a.pk, a.section_id, a.get_absolute_url()) for a in rows]


def list_urls():
    """The pages of the simulated newsroom: home, every section's first page, every public story."""
    from articles.models import Section

    sections = [{"id": s.pk, "url": s.get_absolute_url()} for s in Section.objects.order_by("order", "name")]
    stories = [{"id": pk, "section": section, "url": url} for pk, section, url in public_stories()]
    return {"home": "/", "sections": sections, "stories": stories}


def _editor():
    from .seed import bench_editor

    return bench_editor()


def publish_one(editor, *, exclude=()):
    """Approve and publish the newest story waiting for review that is complete; its id, section and URL."""
    from articles import workflow
    from articles.models import Article, Status

    candidates = (Article.objects.filter(status=Status.REVIEW, trashed_at__isnull=True).exclude(pk__in=exclude)
                  .order_by("-id").values_list("pk", flat=True))
    refused = 0
    for pk in candidates[:50]:
        story = Article.objects.get(pk=pk)
        try:
            story = workflow.article_publish(article=story, by=editor)
        except workflow.WorkflowError:
            refused += 1  # incomplete (a photo without credit): the next one
            continue
        story = Article.objects.select_related("section").get(pk=story.pk)
        return {"kind": "publish", "id": story.pk, "section": story.section_id, "url": story.get_absolute_url(),
                "refused_before": refused}
    raise SystemExit("No story waiting for review could be published: seed the newsroom database again.")


def edit_one(editor, story_id):
    """Fix a public story's sapo as the story admin's save would: content columns, then article_changed."""
    from django.db import transaction

    from articles import workflow
    from articles.models import Article
    from articles.signals import announce_article_changed

    with transaction.atomic():
        story = Article.objects.select_for_update().select_related("section").get(pk=story_id)
        if story.sapo.endswith(EDIT_MARK):
            story.sapo = story.sapo[: -len(EDIT_MARK)]
        else:
            story.sapo = story.sapo + EDIT_MARK
        story.last_edited_by = editor
        story.version += 1
        story.save(update_fields=workflow.content_fields(story))
        announce_article_changed(story, action="save")
    return {"kind": "edit", "id": story.pk, "section": story.section_id, "url": story.get_absolute_url()}


def run(start, seconds, every, zipf_s, log_path, seed=5):
    """One change every `every` seconds from start + every/2 until start + seconds: edit, publish, edit, ..."""
    editor = _editor()
    stories = public_stories()
    sampler = ZipfSampler(len(stories), zipf_s, seed=seed)
    published = []
    events = []
    at = start + every / 2
    n = 0
    while at < start + seconds:
        delay = at - time.time()
        if delay > 0:
            time.sleep(delay)
        began = time.time()
        if n % 2 == 0:
            # The story edited is drawn as readers draw theirs: a fix to today's news, mostly.
            event = edit_one(editor, stories[sampler.rank()][0])
        else:
            event = publish_one(editor, exclude=published)
            published.append(event["id"])
        event.update({"at": round(began - start, 3), "took_ms": round((time.time() - began) * 1000, 1)})
        events.append(event)
        with open(log_path, "a") as fh:
            fh.write(json.dumps(event) + "\n")
        n += 1
        at += every
    return events


def main(argv=None):
    parser = argparse.ArgumentParser(description="The simulated newsroom's edits and publishes.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("urls")
    p.add_argument("--out", required=True)
    p = sub.add_parser("publish-one")
    p.add_argument("--out", required=True)
    p = sub.add_parser("run")
    p.add_argument("--start", type=float, required=True, help="epoch seconds at which the load starts")
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--every", type=float, default=10)
    p.add_argument("--zipf", type=float, default=1.1)
    p.add_argument("--log", required=True, help="JSON lines, one per change")
    args = parser.parse_args(argv)
    _setup_django()
    if args.command == "urls":
        result = list_urls()
    elif args.command == "publish-one":
        result = publish_one(_editor())
    else:
        result = run(args.start, args.seconds, args.every, args.zipf, args.log)
    if getattr(args, "out", None):
        with open(args.out, "w") as fh:
            json.dump(result, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
