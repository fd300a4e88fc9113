"""Move the hourly view counts from Redis into PostgreSQL, and forget hours past the keeping period.

Scheduled by the operator, every five minutes (see DEPLOY.md): the most-read list is as fresh as the last run.
"""
import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mostread import counter
from mostread.models import HourlyViews


class Command(BaseCommand):
    help = gettext_lazy("Move the hourly view counts from Redis into the database and delete counts past keeping.")

    def add_arguments(self, parser):
        parser.add_argument("--keep-days", type=int, default=30,
                            help=_("How many days of view counts to keep (30 by default)."))

    def handle(self, *args, keep_days, **options):
        written = counter.flush()
        cutoff = counter.hour_of(timezone.now()) - datetime.timedelta(days=max(keep_days, 1))
        removed, _by_model = HourlyViews.objects.filter(hour__lt=cutoff).delete()
        self.stdout.write(_("Moved %(written)s views; deleted %(removed)s rows older than %(days)s days.") % {
            "written": written, "removed": removed, "days": keep_days})
