"""What a newcomer gets: SQLite, console e-mail, debug on."""
from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
