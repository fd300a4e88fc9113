"""Settings of the servers the bench drives: production's, with the bench's reference view routed (bench/urls.py).

Only the bench names this module (DJANGO_SETTINGS_MODULE=bench.settings, bench/server.py), so no deployment
can route the reference view by accident.
"""
from newsroom.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
