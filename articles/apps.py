from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newsroom")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Wire the app's signal handlers, revisions and checks, here rather than as a side effect of an import."""
        from django.core import checks
        from django.core.signals import setting_changed
        from django.db.models.signals import post_migrate, pre_save

        from . import caching, cachekeys, models, photouses, related, revisions, richtext, roles, search, urlspace

        # After auth's own post_migrate handler has made the permissions: a permission added to a role reaches
        # databases migrated before it was added.
        post_migrate.connect(roles.sync_roles, sender=self, dispatch_uid="articles.roles.sync_roles")
        # Raw saves (a django-reversion revert, loaddata) skip Article.save(): the body is cleaned on them too.
        pre_save.connect(richtext.sanitize_body_before_save, sender=models.Article,
                         dispatch_uid="richtext-sanitize-body")
        # Every save in a revision block keeps the story with its bylines and captions.
        revisions.register_models()
        # The public page cache purges, by key, what each change to what the public sees changes.
        cachekeys.listen_for_changes()
        # The page cache reads a few settings once (tests change them).
        setting_changed.connect(caching.forget_settings_read, dispatch_uid="articles.caching.forget_settings_read")
        # Xem thêm: a block filled into story pages per request, purged with its section's and tags' lists.
        related.register()
        # Fixed paths are routed before the section pattern that would answer them first.
        checks.register(urlspace.check_url_space, checks.Tags.urls)
        # Search reads captions, photo credits and bylines: their changes reach the story's searchable text.
        search.connect_signals()
        # Which stories show which photo (PhotoUse), for the photo library: in step with every story and caption save.
        photouses.connect_signals()
