import io
import os
import subprocess

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from articles.models import Article, Section


def seed(**kwargs):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_content_is_published_and_logins_are_printed(settings, client):
    """The demo fills every section with the project's stories, readable on the site, and prints two logins."""
    settings.DEBUG = True
    output = seed(force=True)  # the test database is not the project's SQLite file
    assert Article.objects.published().count() == 5
    assert Section.objects.count() == 6
    assert "phongvien" in output and "bientap" in output
    users = get_user_model().objects.filter(username__in=["phongvien", "bientap"])
    assert users.count() == 2 and all(u.is_staff for u in users)
    for article in Article.objects.all():
        assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_demo_runs_again_without_losing_changes(settings):
    """A second run keeps edits and adds nothing twice."""
    settings.DEBUG = True
    seed(force=True)
    article = Article.objects.order_by("pk").first()
    article.title = "Tiêu đề do người dùng sửa"
    article.save()
    user = get_user_model().objects.get(username="phongvien")
    user.set_password("mat-khau-rieng-cua-toi")
    user.save()
    output = seed(force=True)
    assert Article.objects.count() == 5
    assert Article.objects.get(pk=article.pk).title == "Tiêu đề do người dùng sửa"
    assert get_user_model().objects.get(username="phongvien").check_password("mat-khau-rieng-cua-toi")
    assert "đã có sẵn" in output


@pytest.mark.django_db
def test_demo_refuses_to_run_in_production(settings):
    """With DEBUG off the demo command refuses unless forced."""
    settings.DEBUG = False
    with pytest.raises(CommandError):
        seed()


@pytest.mark.django_db
def test_demo_prints_the_admin_address_of_the_site_url(settings):
    """The admin address printed after the logins is NEWSROOM_SITE_URL's, so another port shows as such."""
    settings.DEBUG = True
    settings.NEWSROOM_SITE_URL = "http://127.0.0.1:8010"
    output = seed(force=True)
    assert f"Trang quản trị: http://127.0.0.1:8010/{settings.ADMIN_PATH}" in output
    assert ":8000" not in output


def make_dry_run(*arguments, **environment):
    env = {key: value for key, value in os.environ.items() if key != "NEWSROOM_SITE_URL"}
    done = subprocess.run(["make", "--dry-run", "--always-make", "run", *arguments], cwd=settings.BASE_DIR,
                          env={**env, **environment}, capture_output=True, text=True, check=True)
    return [line for line in done.stdout.splitlines() if "manage.py seed_demo" in line or "runserver" in line]


def test_make_run_port_reaches_the_printed_and_mailed_addresses():
    """`make run PORT=8010` serves on 8010 and hands the demo and the server that port as the site's address."""
    lines = make_dry_run("PORT=8010")
    assert len(lines) == 2
    assert all(line.startswith("NEWSROOM_SITE_URL='http://127.0.0.1:8010' ") for line in lines)
    assert lines[1].endswith("runserver 127.0.0.1:8010")


def test_make_run_keeps_a_site_url_that_is_set():
    """NEWSROOM_SITE_URL from the environment wins over the port."""
    lines = make_dry_run("PORT=8010", NEWSROOM_SITE_URL="https://baotin.example.vn")
    assert all(line.startswith("NEWSROOM_SITE_URL='https://baotin.example.vn' ") for line in lines)
