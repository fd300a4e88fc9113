"""Import scraped plain-text stories: a thin shell around articles.importers."""
import argparse
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import importers
from articles.models import Section, Status
from photos import storage, validation


def _one_line(message: str) -> str:
    return " ".join(message.splitlines())


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("“%(value)s” is not a positive whole number") % {"value": value}) from None
    if number < 1:
        raise argparse.ArgumentTypeError(_("“%(value)s” is not a positive whole number") % {"value": value})
    return number


class Terminated(BaseException):
    """SIGTERM during an import: a BaseException, so no `except Exception` on the way swallows it."""


def _terminated(signum, frame):
    raise Terminated()


class Command(BaseCommand):
    help = gettext_lazy("Import stories from text files saved from a paper's pages (format in README). They come in as drafts.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help=_("The .txt files to import (regular files, no links)"))
        parser.add_argument("--section", default="Thời sự",  # i18n: data (the demo's first section)
                            help=_("Name or slug of the section (created if missing)"))
        parser.add_argument("--status", default=Status.DRAFT, choices=[Status.DRAFT, Status.REVIEW, Status.PUBLISHED],
                            help=_("Status of a new story once imported (default: draft; to move an archive that was "
                                 "already published, say --status published)"))
        parser.add_argument("--image", action="append", default=[], dest="images",
                            help=_("Photo for the first, second... caption (repeat the option in order)"))
        parser.add_argument("--photo-credit", default="", help=_("Photo credit; by default the story's authors"))
        parser.add_argument("--max-bytes", type=_positive_int, default=importers.DEFAULT_MAX_BYTES,
                            help=_("Largest size of one file, in bytes (default %(default)s)") % {
                                 "default": importers.DEFAULT_MAX_BYTES})
        parser.add_argument("--max-captions", type=_positive_int, default=importers.DEFAULT_MAX_CAPTIONS,
                            help=_("Most photo captions in one story (default %(default)s)") % {
                                "default": importers.DEFAULT_MAX_CAPTIONS})

    def handle(self, *args, files, section, status, images, photo_credit, max_bytes, max_captions, **options):
        # `kill` (SIGTERM, what a supervisor or a timeout sends) becomes an exception like Ctrl-C, so the
        # transaction rolls back and the photo files written so far are removed; only SIGKILL can leave some.
        in_main_thread = threading.current_thread() is threading.main_thread()  # signal() works only there
        previous = signal.signal(signal.SIGTERM, _terminated) if in_main_thread else None
        try:
            # A new section is kept only if the stories are, and photo files only if the commit succeeds.
            with storage.files_removed_on_rollback():
                target = Section.objects.filter(slug=section).first() or Section.objects.filter(name=section).first()
                if target is None:
                    target = Section.objects.create(name=section)
                results = importers.import_files(
                    files, section=target, status=status, image_paths=images, photo_credit=photo_credit,
                    max_bytes=max_bytes, max_captions=max_captions,
                )
        except importers.StoryFormatError as exc:
            raise CommandError(_one_line(_("%(error)s No story was imported.") % {"error": exc})) from exc
        except validation.PhotoRejected as exc:
            raise CommandError(_one_line(_("Photo not valid: %(error)s No story was imported.") % {
                "error": " ".join(exc.messages)})) from exc
        except Terminated:
            raise CommandError(_("The import was stopped (SIGTERM). No story was imported.")) from None
        except Exception as exc:
            # One line for the operator, never a traceback; --traceback still shows the cause.
            raise CommandError(_one_line(
                _("Could not import %(files)s (%(error)s). No story was imported. Run again with --traceback to see "
                "the details.") % {"files": ", ".join(files), "error": f"{type(exc).__name__}: {exc}"}
            )) from exc
        finally:
            if in_main_thread:
                signal.signal(signal.SIGTERM, previous)
        for article, created in results:
            verb = _("Created") if created else _("Updated")
            self.stdout.write(self.style.SUCCESS(
                f"{verb}: {article.title} ({article.get_status_display().lower()}, {article.get_absolute_url()})"
            ))
