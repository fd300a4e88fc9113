from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PhotosConfig(AppConfig):
    name = "photos"
    verbose_name = _("Photos")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core.signals import setting_changed
        from django.db.models.signals import post_migrate

        from articles.roles import sync_roles

        from . import storage, validation

        # The roles hand out this app's permissions too; Django makes them on this app's post_migrate, after the
        # articles app's (whose handler syncs the roles first), so the roles are synced again once they exist.
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="photos.roles.sync_roles")
        # Pillow's own bomb guard is process-wide: aligned with our limit here, once the settings are loaded,
        # so that every Pillow call in the process is guarded, not only the pipeline's.
        validation.align_pillow_limit()
        setting_changed.connect(validation.setting_changed, dispatch_uid="photos.validation.setting_changed")
        setting_changed.connect(storage.setting_changed, dispatch_uid="photos.storage.setting_changed")
