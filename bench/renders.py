"""Stored renders (the prerender app) for the stories the bench asks for, as a live site has them.

A live site renders each story when it changes and `manage.py render_stories` after a deploy, so every
story page it serves reads a stored render. bench/seed.py inserts rows in bulk, which renders nothing; without
this step every first request for a story would render and store it, and the bench would time that instead
of a cold page. The archive is too big to render whole before every run (100,000 renders take tens of
minutes on two shared cores), so the bench renders what it will ask for: every story of a small database,
and the stories of the cold runs (newest first of their shuffled list) plus the measured story of a big one.
Renders already current (same version, same fingerprint) are skipped.

    python -m bench.renders --all        # every story of the database whose render is out of date
"""
import argparse
import json
import os
import sys
import time


def available() -> bool:
    from django.apps import apps

    return apps.is_installed("prerender")


def prepare(ids=None, *, everything=False):
    """Render the stories `ids` (or every story out of date) unless their stored render is current."""
    if not available():
        return {"available": False}
    from prerender import store

    started = time.monotonic()
    if everything:
        rendered = store.render_out_of_date()
        asked = rendered
    else:
        ids = list(dict.fromkeys(ids or ()))
        asked, rendered = len(ids), 0
        for article_id in ids:
            if store.render_if_out_of_date(article_id) is not None:
                rendered += 1
    return {"available": True, "asked": asked, "rendered": rendered,
            "seconds": round(time.monotonic() - started, 1)}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Render the stored renders of a bench database.")
    parser.add_argument("--all", action="store_true", required=True, help="every story whose render is out of date")
    parser.add_argument("--out", help="write the counts and time to this JSON file")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    result = prepare(everything=args.all)
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(result, fh)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
