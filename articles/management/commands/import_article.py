"""Import scraped plain-text stories: a thin shell around articles.importers."""
import argparse
import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from articles import importers
from articles.models import Section, Status


def _one_line(message: str) -> str:
    return " ".join(message.splitlines())


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}” không phải số nguyên dương") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"“{value}” không phải số nguyên dương")
    return number


class Terminated(BaseException):
    """SIGTERM during an import: a BaseException, so no `except Exception` on the way swallows it."""


def _terminated(signum, frame):
    raise Terminated()


class Command(BaseCommand):
    help = "Nhập bài viết từ tệp văn bản lấy về từ trang báo (định dạng xem README). Bài nhập vào là bản nháp."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="Các tệp .txt cần nhập (tệp thường, không nhận liên kết)")
        parser.add_argument("--section", default="Thời sự", help="Tên hoặc đường dẫn chuyên mục (tạo mới nếu chưa có)")
        parser.add_argument("--status", default=Status.DRAFT, choices=[Status.DRAFT, Status.REVIEW, Status.PUBLISHED],
                            help="Trạng thái của bài mới sau khi nhập (mặc định: bản nháp; chuyển kho bài cũ "
                                 "thì ghi rõ --status published)")
        parser.add_argument("--image", action="append", default=[], dest="images",
                            help="Ảnh cho chú thích thứ nhất, thứ hai... (lặp lại tùy chọn theo thứ tự)")
        parser.add_argument("--photo-credit", default="", help="Tác giả ảnh; mặc định là tác giả bài")
        parser.add_argument("--max-bytes", type=_positive_int, default=importers.DEFAULT_MAX_BYTES,
                            help=f"Dung lượng lớn nhất của một tệp, tính bằng byte (mặc định "
                                 f"{importers.DEFAULT_MAX_BYTES})")
        parser.add_argument("--max-captions", type=_positive_int, default=importers.DEFAULT_MAX_CAPTIONS,
                            help=f"Số chú thích ảnh nhiều nhất trong một bài (mặc định {importers.DEFAULT_MAX_CAPTIONS})")

    def handle(self, *args, files, section, status, images, photo_credit, max_bytes, max_captions, **options):
        # `kill` (SIGTERM, what a supervisor or a timeout sends) becomes an exception like Ctrl-C, so the
        # transaction rolls back and the photo files written so far are removed; only SIGKILL can leave some.
        in_main_thread = threading.current_thread() is threading.main_thread()  # signal() works only there
        previous = signal.signal(signal.SIGTERM, _terminated) if in_main_thread else None
        try:
            # A new section is kept only if the stories are, and photo files only if the commit succeeds.
            with importers.images.files_removed_on_rollback():
                target = Section.objects.filter(slug=section).first() or Section.objects.filter(name=section).first()
                if target is None:
                    target = Section.objects.create(name=section)
                results = importers.import_files(
                    files, section=target, status=status, image_paths=images, photo_credit=photo_credit,
                    max_bytes=max_bytes, max_captions=max_captions,
                )
        except importers.StoryFormatError as exc:
            raise CommandError(_one_line(f"{exc} Không bài nào được nhập.")) from exc
        except importers.images.PhotoRejected as exc:
            raise CommandError(_one_line(f"Ảnh không hợp lệ: {' '.join(exc.messages)} Không bài nào được nhập.")) from exc
        except Terminated:
            raise CommandError("Lệnh nhập bị dừng (SIGTERM). Không bài nào được nhập.") from None
        except Exception as exc:
            # One line for the operator, never a traceback; --traceback still shows the cause.
            raise CommandError(_one_line(
                f"Không nhập được {', '.join(files)} ({type(exc).__name__}: {exc}). Không bài nào được nhập. "
                "Chạy lại với --traceback để xem chi tiết."
            )) from exc
        finally:
            if in_main_thread:
                signal.signal(signal.SIGTERM, previous)
        for article, created in results:
            verb = "Đã tạo" if created else "Đã cập nhật"
            self.stdout.write(self.style.SUCCESS(
                f"{verb}: {article.title} ({article.get_status_display().lower()}, {article.get_absolute_url()})"
            ))
