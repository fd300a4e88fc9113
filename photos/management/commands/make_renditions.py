"""Make the renditions old photos lack (after a width joins RENDITION_WIDTHS, or for photos stored before the
pipeline made them). Safe to run again: a photo that has all its renditions is only counted."""
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from photos import renditions
from photos.models import Photo
from photos.validation import PhotoRejected


class Command(BaseCommand):
    help = gettext_lazy("Make the renditions old photos lack; safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200, help=gettext_lazy("Photos read per batch (200)."))

    def handle(self, *args, batch_size, **options):
        counts = {"made": 0, "photos": 0, "complete": 0, "failed": 0}
        photos = Photo.objects.only("pk", "image", "width", "height", "checksum").order_by("pk")
        last = 0
        while batch := list(photos.filter(pk__gt=last).prefetch_related(renditions.with_renditions())[:batch_size]):
            last = batch[-1].pk
            for photo in batch:
                if not renditions.lacks_renditions(photo):
                    counts["complete"] += 1
                    continue
                try:
                    made = renditions.make_missing(photo)
                except FileNotFoundError:
                    counts["failed"] += 1
                    self.stderr.write(_("Photo #%(pk)s: its file “%(name)s” is not in storage.")
                                      % {"pk": photo.pk, "name": photo.image.name})
                    continue
                except (OSError, PhotoRejected, ValueError) as error:
                    counts["failed"] += 1
                    reason = " ".join(getattr(error, "messages", None) or [str(error)])
                    self.stderr.write(_("Photo #%(pk)s: its file “%(name)s” is broken and cannot be read (%(reason)s).")
                                      % {"pk": photo.pk, "name": photo.image.name, "reason": reason})
                    continue
                counts["photos"] += 1
                counts["made"] += len(made)
        self.stdout.write(_("Made %(made)s renditions for %(photos)s photos; %(complete)s photos were complete; "
                            "%(failed)s photos failed.") % counts)
        if counts["failed"]:
            self.stderr.write(_("The photos above keep the renditions they have (or their public master); upload "
                                "each of them again in the photo library."))
