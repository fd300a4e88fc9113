"""Empty the trash of stories older than NEWSROOM_TRASH_DAYS (the operator schedules it daily; see DEPLOY.md).

    python manage.py purge_trash [--dry-run]

Each story goes for good with its revisions; an audit entry (the story's log, Lịch sử duyệt bài) stays.
Stories that were ever published, taken-down ones included, are kept and listed (Luật Báo chí, art. 52).
"""
from django.conf import settings
from django.core.management.base import BaseCommand

from articles import trash


class Command(BaseCommand):
    help = "Xóa hẳn các bài đã nằm trong thùng rác quá thời hạn (bài từng xuất bản được giữ lại)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không xóa gì.")

    def handle(self, *args, dry_run=False, **options):
        days = settings.NEWSROOM_TRASH_DAYS
        deleted = 0
        for article in trash.due_for_purge().order_by("trashed_at", "id"):
            if dry_run:
                self.stdout.write(f"Sẽ xóa hẳn: “{article.title}” (bài số {article.pk})")
            else:
                trash.article_purge(article=article, days=days)
            deleted += 1
        kept = trash.kept_past_due().count()
        verb = "Sẽ xóa hẳn" if dry_run else "Đã xóa hẳn"
        self.stdout.write(f"{verb} {deleted} bài quá {days} ngày trong thùng rác; "
                          f"giữ lại {kept} bài từng xuất bản (Luật Báo chí, điều 52).")
