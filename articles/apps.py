from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Tòa soạn"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .roles import sync_roles

        # After auth's own post_migrate handler has made the permissions: a permission added to a role reaches
        # databases migrated before it was added.
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="articles.roles.sync_roles")
        # The public page cache listens to content changes (post_save, article_changed) from here on.
        from . import caching  # noqa: F401
