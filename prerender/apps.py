from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrerenderConfig(AppConfig):
    name = "prerender"
    verbose_name = _("Stored renders")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Keep the stored renders in step with what they show (prerender/receivers.py) and with the settings."""
        from django.core.signals import setting_changed

        from . import fragments, receivers

        receivers.connect()
        setting_changed.connect(fragments.forget_fingerprint, dispatch_uid="prerender.fragments.forget_fingerprint")
