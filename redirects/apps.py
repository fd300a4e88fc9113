from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RedirectsConfig(AppConfig):
    name = "redirects"
    verbose_name = _("Old addresses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_init, post_save

        from articles.models import Article

        from . import addresses

        # A story remembers the address it was loaded with; a save that moves it keeps the old one as a redirect.
        post_init.connect(addresses.note_loaded_address, sender=Article, dispatch_uid="redirects-loaded")
        post_save.connect(addresses.story_saved, sender=Article, dispatch_uid="redirects-saved")
