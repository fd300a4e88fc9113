"""newsroom.security.ContentSecurityPolicyMiddleware: django-csp's header values, its policy built once per process."""
import pytest
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

pytestmark = pytest.mark.django_db


def with_update(request):
    response = HttpResponse("<p>Trang có chính sách riêng</p>")
    response._csp_update = {"img-src": ["https://anh.example"]}
    return response


urlpatterns = [path("cap-nhat/", with_update)]


def test_a_public_page_gets_the_settings_policy_as_django_csp_builds_it(client, published_article):
    response = client.get(published_article.get_absolute_url())
    assert response["Content-Security-Policy"] == build_policy()
    assert "Content-Security-Policy-Report-Only" not in response


def test_a_changed_setting_is_written_at_once(client, published_article, settings):
    """The built policy follows the settings (setting_changed), as django-csp reading them on every response does."""
    client.get(published_article.get_absolute_url())
    policy = {"DIRECTIVES": {"default-src": ["'self'"], "report-uri": ["/csp-bao-cao/"]}}
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY=policy):
        response = client.get("/tim-kiem/")
        assert response["Content-Security-Policy-Report-Only"] == build_policy(report_only=True)
        assert "/csp-bao-cao/" in response["Content-Security-Policy-Report-Only"]
    assert "Content-Security-Policy-Report-Only" not in client.get("/tim-kiem/")


@override_settings(ROOT_URLCONF=__name__)
def test_a_response_that_changes_the_policy_gets_django_csps_own(client):
    response = client.get("/cap-nhat/")
    assert "https://anh.example" in response["Content-Security-Policy"]
