"""Import redirects from a CSV file: `python manage.py import_redirects dia-chi-cu.csv` (redirects/imports.py)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from redirects.imports import MAX_BYTES, ImportRefused, import_csv


class Command(BaseCommand):
    help = "Nhập các địa chỉ cũ (2 cột: địa chỉ cũ, địa chỉ mới) từ tệp CSV; có dòng sai thì không nhập dòng nào."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        file = Path(path)
        if file.is_symlink() or not file.is_file():
            raise CommandError(f"{path}: không phải tệp thường.")
        if file.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path}: tệp lớn quá {MAX_BYTES // (1024 * 1024)} MB.")
        try:
            result = import_csv(file.read_bytes())
        except ImportRefused as refused:
            raise CommandError(f"{path}: không nhập dòng nào.\n" + "\n".join(refused.errors)) from None
        self.stdout.write(f"Đã nhập {result.created} địa chỉ mới, cập nhật {result.updated} địa chỉ đã có.")
