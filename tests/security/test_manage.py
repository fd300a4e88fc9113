"""manage.py and seed_demo never take the dev settings or the demo logins to a database that is not the newcomer's.

Each test runs manage.py in a fresh process, as an operator would; none touches the worktree's own db.sqlite3.
"""
import io
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from articles.management.commands.seed_demo import is_local_default_database, local_default_database

ROOT = Path(__file__).resolve().parents[2]
# What a newcomer's checkout runs from: every package of the project (each app, so a new one is not
# forgotten) and the folders beside them that Django reads.
PROJECT_PARTS = ["manage.py", "templates", "static", "locale", "locale_django"] + sorted(
    path.name for path in ROOT.iterdir() if (path / "__init__.py").exists() and path.name not in ("tests", "bench"))


def run_manage(*args, cwd=ROOT, **environ):
    """manage.py in a new process with no settings module and no database URL unless given."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DATABASE_REPLICA_URL"}}
    env.update(environ)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=180)


@pytest.mark.parametrize("variable", ["DATABASE_URL", "DATABASE_REPLICA_URL"])
def test_manage_refuses_a_server_database_without_settings(variable):
    """Without DJANGO_SETTINGS_MODULE, a PostgreSQL URL is refused with what to set, and no password is echoed."""
    done = run_manage("seed_demo", **{variable: "postgres://toasoan:mat-khau-that@db.baothat.vn:5432/baothat"})
    assert done.returncode != 0
    assert "DJANGO_SETTINGS_MODULE=newsroom.settings.production" in done.stderr
    assert "newsroom.settings.dev" in done.stderr
    assert "db.baothat.vn/baothat" in done.stderr
    assert "mat-khau-that" not in done.stderr + done.stdout
    assert "Nội dung mẫu" not in done.stdout


def test_manage_accepts_a_local_sqlite_database_without_settings(tmp_path):
    """The newcomer's case still works without a settings module: a sqlite:// URL (or none) gets the dev settings."""
    script = "from django.conf import settings; print(settings.DEBUG, settings.SETTINGS_MODULE)"
    done = run_manage("shell", "-c", script,
                      DATABASE_URL=f"sqlite:///{tmp_path / 'thu.sqlite3'}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].split() == ["True", "newsroom.settings.dev"]
    done = run_manage("check")
    assert done.returncode == 0, done.stderr


def test_manage_with_explicit_settings_reaches_any_database():
    """An explicit settings module is the operator's choice: manage.py does not second-guess it."""
    done = run_manage("shell", "-c", "from django.conf import settings; print(settings.DATABASES['default']['HOST'])",
                      DJANGO_SETTINGS_MODULE="newsroom.settings.dev",
                      DATABASE_URL="postgres://postgres@db.baothu.vn:5432/baothu")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "db.baothu.vn"


def test_seed_demo_refuses_another_sqlite_file(tmp_path):
    """The dev settings on some other SQLite file: seed_demo refuses before writing anything."""
    database = tmp_path / "khac.sqlite3"
    assert run_manage("migrate", "--noinput", "-v0", DATABASE_URL=f"sqlite:///{database}").returncode == 0
    done = run_manage("seed_demo", DATABASE_URL=f"sqlite:///{database}")
    assert done.returncode != 0
    assert "seed_demo chỉ chạy trên cơ sở dữ liệu SQLite mặc định" in done.stderr
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM auth_user").fetchone() == (0,)


@pytest.mark.django_db
def test_seed_demo_refuses_the_test_database_even_with_debug(settings):
    """In-process too: any database but the project's file is refused, DEBUG on or not, and nobody is created."""
    settings.DEBUG = True
    with pytest.raises(CommandError, match="SQLite mặc định"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not get_user_model().objects.filter(username="bientap").exists()


def test_only_the_project_sqlite_file_is_the_local_default():
    """The project's db.sqlite3 is the local default; another file, memory or a server are not."""
    assert is_local_default_database({"ENGINE": "django.db.backends.sqlite3", "NAME": local_default_database()})
    assert is_local_default_database({"ENGINE": "django.db.backends.sqlite3", "NAME": str(local_default_database())})
    assert not is_local_default_database({"ENGINE": "django.db.backends.sqlite3", "NAME": "/tmp/db.sqlite3"})
    assert not is_local_default_database({"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"})
    assert not is_local_default_database({"ENGINE": "django.db.backends.postgresql", "NAME": "db.sqlite3"})


@pytest.mark.slow
def test_newcomer_first_run_still_works(tmp_path):
    """`make run`'s steps in a copy of the project: migrate and seed_demo on its SQLite file, no settings module."""
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tmp_path / part)
    assert run_manage("migrate", "--noinput", "-v0", cwd=tmp_path).returncode == 0
    done = run_manage("seed_demo", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "bientap" in done.stdout and "Nội dung mẫu" in done.stdout
    with sqlite3.connect(tmp_path / "db.sqlite3") as connection:
        assert connection.execute("SELECT COUNT(*) FROM auth_user WHERE username = 'bientap'").fetchone() == (1,)
