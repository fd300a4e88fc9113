"""Demo content for a newcomer's first run: sections, the project's own stories, a reporter and an editor.

Safe to run again: it creates what is missing and keeps everything else (including changed passwords).
It refuses any database but the project's own SQLite file, and any run with DEBUG off, unless --force:
the editor it creates has a password printed in the README.
"""
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import importers
from articles.models import Article, Author, Section, Status
from articles.people import name_parts
from articles.roles import EDITOR, REPORTER

DEMO_DIR = Path(importers.__file__).resolve().parent / "demo"

SECTIONS = ["Thời sự", "Kinh tế", "Xã hội", "Giáo dục", "Y tế", "Văn hóa"]  # i18n: data
# Demo file -> section; the files are the project's own stories in the scraped format.
STORIES = {
    "01-mua-vang-cho-moi.txt": "Kinh tế",  # i18n: data
    "02-khai-giang-diem-truong.txt": "Giáo dục",  # i18n: data
    "03-duong-ba-be.txt": "Thời sự",  # i18n: data
    "04-tram-y-te.txt": "Y tế",  # i18n: data
    "05-le-hoi-long-tong.txt": "Văn hóa",  # i18n: data
}
# Login, role, the person's name (shown on the desk and in mails), and whether they sign stories (an author profile).
ACCOUNTS = [
    ("phongvien", REPORTER.group, "Hà Linh", True),  # i18n: data
    ("bientap", EDITOR.group, "Lý Minh", False),  # i18n: data
]


def local_default_database() -> Path:
    """The project's SQLite file: what newsroom/settings/base.py uses when DATABASE_URL is not set."""
    return Path(settings.BASE_DIR) / "db.sqlite3"


def is_local_default_database(database: dict) -> bool:
    """Whether a DATABASES entry is the project's own SQLite file, the one a newcomer's `make run` creates."""
    if database.get("ENGINE") != "django.db.backends.sqlite3":
        return False
    try:
        return Path(str(database.get("NAME", ""))).resolve() == local_default_database().resolve()
    except (OSError, ValueError):
        return False


def describe_database(database: dict) -> str:
    """Engine, host and name of a database, for a message (never its password)."""
    engine = str(database.get("ENGINE", "")).rsplit(".", 1)[-1]
    host = f"{database['HOST']}/" if database.get("HOST") else ""
    return f"{engine} {host}{database.get('NAME', '')}"


class Command(BaseCommand):
    help = gettext_lazy("Create demo content (sections, stories, a reporter's and an editor's account).")

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help=_("Run even with DEBUG off or another database (never for a real paper)"))

    def handle(self, *args, force=False, **options):
        if not force:
            database = connections["default"].settings_dict
            if not is_local_default_database(database):
                raise CommandError(
                    _("seed_demo runs only on the project's default SQLite database (%(default)s), not on %(database)s: it "
                    "creates an editor's account with a demo password everyone knows. Use --force if you are sure this is a "
                    "test machine.") % {"default": local_default_database(), "database": describe_database(database)}
                )
            if not settings.DEBUG:
                raise CommandError(_("seed_demo is for development machines only (DEBUG on). Use --force if you are sure."))
        password = os.environ.get("NEWSROOM_DEMO_PASSWORD", "toasoan-demo-2026")
        with transaction.atomic():
            sections = {}
            for order, name in enumerate(SECTIONS):
                sections[name], _created = Section.objects.get_or_create(name=name, defaults={"order": order})
            created_stories = 0
            now = timezone.now()
            for index, (filename, section_name) in enumerate(STORIES.items()):
                key = importers.source_key_for(DEMO_DIR / filename)
                if Article.objects.filter(source_key=key).exists():
                    continue  # keep whatever the newcomer changed
                story = importers.read_story_file(DEMO_DIR / filename)
                importers.import_story(
                    story, source_key=key, section=sections[section_name], status=Status.PUBLISHED,
                    published_at=now - timedelta(hours=3 * index + 1),
                )
                created_stories += 1
            logins = [self._account(*account, password) for account in ACCOUNTS]

        self.stdout.write(self.style.SUCCESS(
            _("Demo content: %(sections)s sections, %(stories)s stories (%(new)s new).") % {
            "sections": Section.objects.count(), "stories": Article.objects.count(), "new": created_stories}
        ))
        self.stdout.write(_("Demo accounts (first password, unless changed):"))
        for username, group, created in logins:
            note = "" if created else _(" (already there)")
            self.stdout.write(f"  {group:<14} {username} / {password}{note}")
        self.stdout.write(_("Admin: %(url)s") % {"url": f"{settings.NEWSROOM_SITE_URL}/{settings.ADMIN_PATH}"})

    def _account(self, username, group_name, full_name, signs, password):
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        if created:
            user.set_password(password)
            user.email = f"{username}@localhost"
            user.save()
        if not user.get_full_name():
            user.first_name, user.last_name = name_parts(full_name)
            user.save(update_fields=["first_name", "last_name"])
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            user.groups.add(group)
        if signs:
            author = Author.objects.filter(name=full_name).first() or Author.objects.create(name=full_name)
            if author.user_id is None and not hasattr(user, "author"):
                author.user = user
                author.save(update_fields=["user"])
        return username, group_name, created
