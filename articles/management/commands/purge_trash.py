"""Empty the trash of stories older than NEWSROOM_TRASH_DAYS (the operator schedules it daily; see DEPLOY.md).

    python manage.py purge_trash [--dry-run]

Each story goes for good with its revisions; an audit entry (the story's log, Lịch sử duyệt bài) stays.
Stories that were ever published, taken-down ones included, are kept and listed (Luật Báo chí, art. 52).
"""
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from articles import trash


class Command(BaseCommand):
    help = _("Delete for good the stories in the trash past their time (stories once published are kept).")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help=_("Only list them, delete nothing."))

    def handle(self, *args, dry_run=False, **options):
        days = settings.NEWSROOM_TRASH_DAYS
        deleted = 0
        for article in trash.due_for_purge().order_by("trashed_at", "id"):
            if dry_run:
                self.stdout.write(_("Would delete for good: “%(title)s” (story %(pk)d)") % {
                    "title": article.title, "pk": article.pk})
            else:
                trash.article_purge(article=article, days=days)
            deleted += 1
        kept = trash.kept_past_due().count()
        if dry_run:
            summary = _("Would delete for good %(deleted)d stories past %(days)d days in the trash; "
                        "keeping %(kept)d once published (Press Law, art. 52).")
        else:
            summary = _("Deleted for good %(deleted)d stories past %(days)d days in the trash; "
                        "kept %(kept)d once published (Press Law, art. 52).")
        self.stdout.write(summary % {"deleted": deleted, "days": days, "kept": kept})
