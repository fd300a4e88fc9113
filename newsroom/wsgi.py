"""WSGI entry point (gunicorn newsroom.wsgi)."""
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from newsroom.collector import FreezeWhenWarm, freeze

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.production")

application = get_wsgi_application()
if settings.NEWSROOM_GC_FREEZE_AFTER:
    freeze()  # what loading made (Django, the apps, the models) lives as long as the process
    application = FreezeWhenWarm(application)
