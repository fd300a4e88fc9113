"""Staff sessions last a shift and end when the browser closes, unless the deployment says otherwise."""
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]


def test_login_session_ends_with_the_browser_and_after_twelve_hours(client, editor):
    """A login through the admin form sets a browser-session cookie, and the server forgets it after 12 hours."""
    response = client.post(reverse("admin:login"), {"username": editor.username, "password": "mat-khau-thu-nghiem-42",
                                                    "next": reverse("admin:index")})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # no date: the browser drops it on closing
    session = Session.objects.get(session_key=cookie.value)
    left = session.expire_date - timezone.now()
    assert timedelta(hours=11, minutes=59) < left <= timedelta(hours=12)


def test_session_length_comes_from_the_environment():
    """DJANGO_SESSION_HOURS and DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE change both, for a paper that wants otherwise."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.settings.test", "DJANGO_SESSION_HOURS": "1.5",
           "DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE": "0"}
    script = ("import django; django.setup(); from django.conf import settings; "
              "print(settings.SESSION_COOKIE_AGE, settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["5400", "False"]
