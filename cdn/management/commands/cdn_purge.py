"""Purge the CDN by hand, at once (DEPLOY.md, "Purging the CDN by key").

    python manage.py cdn_purge KEY [KEY ...]   # e.g. story-42 section-3; `site` empties every page
    python manage.py cdn_purge --all           # the CDN's purge of everything (pages, static files, media)
    python manage.py cdn_purge --queued        # send again every key still waiting, given-up ones included

Exits with an error when a call fails, after trying every target.
"""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cdn import backends, purging


class Command(BaseCommand):
    help = _("Purge pages from the CDN now: by key, everything, or every key still waiting.")

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="*", metavar="KEY", help=_("Keys to purge, e.g. story-42 site."))
        parser.add_argument("--all", action="store_true", dest="everything",
                            help=_("Purge everything the CDN holds for the site."))
        parser.add_argument("--queued", action="store_true",
                            help=_("Send every key still waiting (given-up ones included) now."))

    def handle(self, *args, keys=(), everything=False, queued=False, **options):
        if sum((bool(keys), everything, queued)) != 1:
            raise CommandError(_("Give keys to purge, or --all, or --queued (one of them)."))
        try:
            backend = backends.current()
        except ValueError as error:
            raise CommandError(str(error)) from None
        if backend is None:
            raise CommandError(_("No CDN is configured (NEWSROOM_CDN_BACKEND=none): there is nothing to purge."))
        problems = backend.problems()
        if problems:
            raise CommandError(_("The CDN settings are incomplete: set %(names)s.") % {"names": ", ".join(problems)})
        if queued:
            count = purging.requeue_all()
            self.stdout.write(_("Sending the %(count)d waiting keys now.") % {"count": count})
            purging.send_purges.call()
            left = purging.PendingPurge.objects.count()
            self.stdout.write(_("Still waiting after this run: %(count)d keys.") % {"count": left})
            if left:
                raise CommandError(_("Some keys could not be purged; see the log or the admin."))
            return
        if everything:
            calls = purging.purge_everything_now()
        else:
            refused = [key for key in keys if not backends.KEY_PATTERN.match(key)]
            if refused:
                raise CommandError(_("Not a key: %(keys)s") % {"keys": ", ".join(refused)})
            calls = purging.purge_now(keys)
        failed = 0
        for call in calls:
            what = call.keys or _("everything")
            if call.ok:
                self.stdout.write(_("Purged at %(target)s: %(what)s") % {"target": call.target, "what": what})
            else:
                failed += 1
                self.stderr.write(_("NOT purged at %(target)s: %(what)s (%(error)s)") % {
                    "target": call.target, "what": what, "error": call.error or call.status})
        if failed:
            raise CommandError(_("%(failed)d/%(total)d calls to the CDN failed.") % {
                "failed": failed, "total": len(calls)})
