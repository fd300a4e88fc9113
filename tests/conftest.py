import os

import pytest
from django.db import connection

from articles.roles import EDITOR, REPORTER
from tests import factories


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` skip on SQLite, except in CI where a skipped PostgreSQL test is a failure."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def section(db):
    return factories.make_section("Thời sự")


@pytest.fixture
def author(db):
    return factories.make_author("Nông Vui")


@pytest.fixture
def published_article(db, section, author):
    article = factories.make_article(
        "Đại hội Đảng bộ tỉnh Bắc Kạn", section=section, authors=[author], status="published"
    )
    factories.place_photo(article, text="Các đại biểu dự đại hội.", after=1)
    return article


@pytest.fixture(autouse=True)
def _roles_after_flush(request):
    """Transactional tests (live server, threads) start after a flush that removed the migration's groups."""
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        factories.ensure_roles()


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Each test gets its own media folders and an empty cache (the shared one, and this process's teasers)."""
    from django.core.cache import cache

    from articles.holes import forget_blocks
    from prerender.reads import forget_teasers

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "originals": {**settings.STORAGES["originals"], "OPTIONS": {
            **settings.STORAGES["originals"].get("OPTIONS", {}), "location": str(tmp_path / "private")}},
    }
    cache.clear()
    forget_teasers()
    forget_blocks()
    yield
    cache.clear()
    forget_teasers()
    forget_blocks()


def pytest_report_header(config):
    return f"database: {os.environ.get('DATABASE_URL', 'sqlite (default)')}"


# Newsroom roles (groups of articles/roles.py), each with an author profile for bylines.
def _staff_with_role(username, group, full_name):
    factories.ensure_roles()
    user = factories.make_user(username, groups=[group], first_name=full_name.split()[0],
                               last_name=" ".join(full_name.split()[1:]))
    factories.make_author(full_name, user=user)
    return user


@pytest.fixture
def reporter(db):
    return _staff_with_role("phongvien", REPORTER.group, "Nông Vui")


@pytest.fixture
def other_reporter(db):
    return _staff_with_role("phongvien2", REPORTER.group, "Hà Thu")


@pytest.fixture
def editor(db):
    return _staff_with_role("bientap", EDITOR.group, "Lý Minh")


@pytest.fixture
def superuser(db):
    return factories.make_user("quantri", superuser=True)
