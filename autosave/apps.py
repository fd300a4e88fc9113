from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AutosaveConfig(AppConfig):
    """Per-person, per-story draft slots that keep what is typed in the story form until it is saved."""

    name = "autosave"
    verbose_name = _("Autosave")
    default_auto_field = "django.db.models.BigAutoField"
