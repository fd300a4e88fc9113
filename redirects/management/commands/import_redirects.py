"""Import redirects from a CSV file: `python manage.py import_redirects dia-chi-cu.csv` (redirects/imports.py)."""
from pathlib import Path

from django.utils.translation import gettext as _
from django.core.management.base import BaseCommand, CommandError

from redirects.imports import MAX_BYTES, ImportRefused, import_csv, imported_message


class Command(BaseCommand):
    help = _("Import old addresses (2 columns: old address, new address) from a CSV file; with a bad row, no row is imported.")

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        file = Path(path)
        if file.is_symlink() or not file.is_file():
            raise CommandError(_("%(path)s: not a regular file.") % {"path": path})
        if file.stat().st_size > MAX_BYTES:
            raise CommandError(_("%(path)s: the file is over %(mb)d MB.") % {"path": path, "mb": MAX_BYTES // (1024 * 1024)})
        try:
            result = import_csv(file.read_bytes())
        except ImportRefused as refused:
            raise CommandError(_("%(path)s: no row imported.") % {"path": path} + "\n" + "\n".join(refused.errors)) from None
        self.stdout.write(imported_message(result))
