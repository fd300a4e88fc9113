"""manage.py render_stories: render every story whose stored render is out of date (after a deploy)."""
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from prerender import store


class Command(BaseCommand):
    help = "Render the stories whose stored render is missing, stale or from other templates or settings."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Render every published story, current or not.")
        parser.add_argument("--limit", type=int, default=None, help="Render at most this many (newest first).")

    def handle(self, *args, all=False, limit=None, **options):
        def progress(done, total):
            self.stdout.write(_("%(done)s of %(total)s stories rendered") % {"done": done, "total": total})

        done = store.render_out_of_date(limit=limit, everything=all, progress=progress)
        self.stdout.write(self.style.SUCCESS(_("%(count)s stories rendered.") % {"count": done}))
