from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CdnConfig(AppConfig):
    name = "cdn"
    verbose_name = _("CDN purges")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks

        from articles.signals import keys_purged

        from . import backends, purging

        keys_purged.connect(purging.keys_purged_received, dispatch_uid="cdn-keys-purged")
        checks.register(backends.check_configuration, "cdn")
