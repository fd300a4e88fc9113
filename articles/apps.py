from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Tòa soạn"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The public page cache listens to content changes (post_save, article_changed) from here on.
        from . import caching  # noqa: F401
