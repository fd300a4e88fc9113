from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MostReadConfig(AppConfig):
    name = "mostread"
    verbose_name = _("Most read")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import block

        block.register()
