from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MastheadConfig(AppConfig):
    name = "masthead"
    verbose_name = _("The paper")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from articles.caching import add_state_part, purge_everything

        from .identity import state_part
        from .models import Masthead

        add_state_part("masthead", state_part)
        # Every page shows the masthead (the key `site`): a change empties the page cache and the site state.
        def changed(sender, **kwargs):
            purge_everything()

        post_save.connect(changed, sender=Masthead, weak=False, dispatch_uid="public-cache-save-Masthead")
        post_delete.connect(changed, sender=Masthead, weak=False, dispatch_uid="public-cache-delete-Masthead")
