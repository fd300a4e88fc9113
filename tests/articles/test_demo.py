import io

import pytest
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
