from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontPageConfig(AppConfig):
    name = "frontpage"
    verbose_name = _("Front page")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles import cachekeys
        from articles.caching import add_state_part

        from .layouts import state_part

        # The live layout's pins ride in the cached site state; its expiry follows the next switch or pin end.
        add_state_part("frontpage", state_part, keys=(cachekeys.HOME,))
