"""Import scraped plain-text stories: a thin shell around articles.importers."""
from django.core.management.base import BaseCommand, CommandError

from articles import importers
from articles.models import Section, Status


class Command(BaseCommand):
    help = "Nhập bài viết từ tệp văn bản lấy về từ trang báo (định dạng xem README)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="Các tệp .txt cần nhập")
        parser.add_argument("--section", default="Thời sự", help="Tên hoặc đường dẫn chuyên mục (tạo mới nếu chưa có)")
        parser.add_argument("--status", default=Status.PUBLISHED, choices=[Status.DRAFT, Status.REVIEW, Status.PUBLISHED],
                            help="Trạng thái của bài sau khi nhập")
        parser.add_argument("--image", action="append", default=[], dest="images",
                            help="Ảnh cho chú thích thứ nhất, thứ hai... (lặp lại tùy chọn theo thứ tự)")
        parser.add_argument("--photo-credit", default="", help="Tác giả ảnh; mặc định là tác giả bài")

    def handle(self, *args, files, section, status, images, photo_credit, **options):
        target = Section.objects.filter(slug=section).first() or Section.objects.filter(name=section).first()
        if target is None:
            target = Section.objects.create(name=section)
        try:
            results = importers.import_files(
                files, section=target, status=status, image_paths=images, photo_credit=photo_credit,
            )
        except importers.StoryFormatError as exc:
            raise CommandError(f"{exc} Không bài nào được nhập.") from exc
        except importers.images.PhotoRejected as exc:
            raise CommandError(f"Ảnh không hợp lệ: {' '.join(exc.messages)} Không bài nào được nhập.") from exc
        for article, created in results:
            verb = "Đã tạo" if created else "Đã cập nhật"
            self.stdout.write(self.style.SUCCESS(f"{verb}: {article.title} ({article.get_absolute_url()})"))
