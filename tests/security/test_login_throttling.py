"""Login throttling (django-axes): an account locks after a few failures, an address after many, and the lockout page."""
import datetime

import pytest
import time_machine
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.security.htmlcheck import visible_text

PASSWORD = "mat-khau-thu-nghiem-42"
LIMIT = settings.AXES_FAILURE_LIMIT
ADDRESS_LIMIT = settings.NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT


@pytest.fixture(autouse=True)
def clean_axes_state(db):
    """Every test starts and ends with no recorded attempts (the live-server tests share the database)."""
    axes_reset()
    yield
    axes_reset()


@pytest.fixture
def editor(db):
    return factories.make_user("bientapvien", superuser=True, password=PASSWORD)


@pytest.fixture
def reporter(db):
    return factories.make_user("phongvien", password=PASSWORD)


def attempt(username, password, ip="203.0.113.7", client=None):
    client = client or Client()
    response = client.post(reverse("admin:login"), {"username": username, "password": password,
                                                     "next": reverse("admin:index")}, REMOTE_ADDR=ip)
    return client, response


def logged_in(client):
    return SESSION_KEY in client.session


def fail(username, times, ip="203.0.113.7"):
    for _ in range(times):
        _, response = attempt(username, "sai-mat-khau", ip)
    return response


def fail_as_many_people(times, ip="203.0.113.7"):
    """`times` failures from one address, each under another username (a guesser, or a whole office's typos)."""
    for n in range(times):
        fail(f"doan-ten-{n}", 1, ip=ip)


def test_settings_lock_by_account_and_by_address():
    """The axes backend comes first, both keys count, and an address takes several accounts' worth of failures."""
    assert settings.AUTHENTICATION_BACKENDS[0] == "newsroom.login_throttle.LoginThrottleBackend"
    assert settings.AXES_HANDLER == "newsroom.login_throttle.OfficeLoginHandler"
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.AXES_COOLOFF_TIME >= datetime.timedelta(minutes=5)
    assert ADDRESS_LIMIT >= 3 * LIMIT
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE


def test_a_few_wrong_passwords_are_forgiven(editor):
    """Fewer failures than the limit, then the right password: the editor is logged in."""
    fail("bientapvien", LIMIT - 1)
    client, response = attempt("bientapvien", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_account_is_locked_after_the_limit_even_with_the_right_password(editor):
    """After LIMIT failures the right password is refused too, with a Vietnamese page and 429."""
    with time_machine.travel(timezone.now(), tick=False):
        response = fail("bientapvien", LIMIT)
        assert response.status_code == 429
        client, response = attempt("bientapvien", PASSWORD)
    assert response.status_code == 429 and not logged_in(client)
    text = visible_text(response.content.decode())
    assert "Tạm khóa đăng nhập" in text
    assert f"{int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} phút" in text
    assert int(response["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())


def test_lockout_page_says_how_many_failures_and_how_long_is_left(editor):
    """The page counts the failures as they were (not "more than"), gives the minutes and clock time left, no sidebar."""
    start = timezone.now().replace(second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        fail("bientapvien", LIMIT)
    with time_machine.travel(start + datetime.timedelta(minutes=6), tick=False):
        _, response = attempt("bientapvien", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    text = visible_text(page)
    assert f"“bientapvien” đã đăng nhập sai {LIMIT} lần liên tiếp" in text
    assert "quá" not in text
    left = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) - 6
    until = timezone.localtime(start + settings.AXES_COOLOFF_TIME)
    assert f"sau {left} phút nữa (lúc {until:%H:%M})" in text
    assert int(response["Retry-After"]) == left * 60
    assert "Đồng nghiệp vẫn đăng nhập" in text
    assert 'id="nav-sidebar"' not in page and "logout" not in page


def test_one_persons_typos_never_lock_a_colleague_out(editor, reporter):
    """A reporter who keeps mistyping locks only their own account; the editor at the next desk logs in."""
    fail("phongvien", LIMIT * 4, ip="203.0.113.7")  # keeps trying well past the lock
    assert attempt("phongvien", PASSWORD, ip="203.0.113.7")[1].status_code == 429
    client, response = attempt("bientapvien", PASSWORD, ip="203.0.113.7")
    assert response.status_code == 302 and logged_in(client)


def test_an_office_of_typists_stays_below_the_address_limit(editor):
    """Several colleagues each one typo short of their own lock, on one address: nobody else is locked out."""
    people = ADDRESS_LIMIT // (LIMIT - 1) - 1
    for n in range(people):
        fail(f"dong-nghiep-{n}", LIMIT - 1, ip="203.0.113.7")
    client, response = attempt("bientapvien", PASSWORD, ip="203.0.113.7")
    assert response.status_code == 302 and logged_in(client)


def test_failures_during_a_lock_do_not_restart_the_wait(editor):
    """Retrying during the lockout neither counts nor extends it: the lock ends a cool-off after the failure that set it."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail("bientapvien", LIMIT)
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1), tick=False):
        assert fail("bientapvien", 3).status_code == 429
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=5), tick=False):
        client, response = attempt("bientapvien", PASSWORD)
        assert response.status_code == 302 and logged_in(client)


def test_account_lockout_follows_the_account_across_addresses(editor):
    """Failures spread over many addresses still lock the account, also from a fresh address."""
    for n in range(LIMIT):
        fail("bientapvien", 1, ip=f"198.51.100.{n + 1}")
    client, response = attempt("bientapvien", PASSWORD, ip="192.0.2.200")
    assert response.status_code == 429 and not logged_in(client)


def test_address_lockout_covers_every_account(editor, reporter):
    """One address guessing many usernames is locked for every account, including a real one, and is told so."""
    fail_as_many_people(ADDRESS_LIMIT - 1, ip="203.0.113.50")
    assert attempt("phongvien", PASSWORD, ip="203.0.113.50")[1].status_code == 302
    fail_as_many_people(ADDRESS_LIMIT, ip="203.0.113.51")
    client, response = attempt("phongvien", PASSWORD, ip="203.0.113.51")
    assert response.status_code == 429 and not logged_in(client)
    text = visible_text(response.content.decode())
    assert f"đã đăng nhập sai {ADDRESS_LIMIT} lần với nhiều tài khoản khác nhau" in text
    client, response = attempt("phongvien", PASSWORD, ip="198.51.100.9")
    assert response.status_code == 302 and logged_in(client)


def test_a_good_login_does_not_wipe_a_guessers_count_on_the_address(editor):
    """A colleague's successful login clears only their own failures, not the guesses made from the same address."""
    fail_as_many_people(ADDRESS_LIMIT - 1, ip="203.0.113.52")
    assert attempt("bientapvien", PASSWORD, ip="203.0.113.52")[1].status_code == 302
    fail("mot-ten-nua", 1, ip="203.0.113.52")
    assert attempt("bientapvien", PASSWORD, ip="203.0.113.52")[1].status_code == 429


def test_other_accounts_and_addresses_are_not_affected(editor, reporter):
    """A locked account does not stop a colleague on another machine from logging in."""
    fail("bientapvien", LIMIT, ip="203.0.113.7")
    client, response = attempt("phongvien", PASSWORD, ip="198.51.100.9")
    assert response.status_code == 302 and logged_in(client)


def test_lockout_ends_after_the_cool_off(editor):
    """Once the cool-off has passed, the right password works again."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail("bientapvien", LIMIT)
        assert attempt("bientapvien", PASSWORD)[1].status_code == 429
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1), tick=False):
        client, response = attempt("bientapvien", PASSWORD)
        assert response.status_code == 302 and logged_in(client)


def test_success_resets_the_count(editor):
    """A successful login clears earlier failures, so a later typo does not lock the editor out."""
    fail("bientapvien", LIMIT - 1)
    assert attempt("bientapvien", PASSWORD)[1].status_code == 302
    fail("bientapvien", LIMIT - 1)
    client, response = attempt("bientapvien", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_lockout_page_answers_without_a_500_for_odd_usernames(db):
    """Hostile usernames (markup, NUL, 5,000 characters) count as failures and end on the lockout page."""
    for username in ["<script>alert(1)</script>", "a\x00b", "x" * 5000, "' OR 1=1 --", "Đặng\u202eNgọc"]:
        _, response = attempt(username, "sai", ip="203.0.113.90")
        assert response.status_code in (200, 429)
    # A name with NUL is refused by the form itself and never reaches authentication; the rest count.
    assert fail("ten-binh-thuong", LIMIT, ip="203.0.113.90").status_code == 429


def test_overlong_username_is_counted_not_a_crash(db):
    """A 5,000-character username is recorded (cut to the table's 255) and locks like any other, on PostgreSQL too."""
    from axes.models import AccessAttempt

    for _ in range(LIMIT):
        _, response = attempt("đ" * 5000, "sai", ip="203.0.113.91")
    assert response.status_code == 429
    assert AccessAttempt.objects.get(ip_address="203.0.113.91").username == "đ" * 255


def test_test_client_login_is_not_throttled(editor):
    """Code that logs in without a request (the test client, a shell) is let through by the axes backend."""
    client = Client()
    assert client.login(username="bientapvien", password=PASSWORD)


def test_behind_a_proxy_each_client_is_counted_apart(editor, reporter, settings):
    """With one trusted proxy, the address it appended counts, not the proxy's own nor one the client forged."""
    settings.NEWSROOM_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for n in range(ADDRESS_LIMIT):
        Client().post(reverse("admin:login"), {"username": f"doan-{n}", "password": "sai"}, REMOTE_ADDR=proxy,
                      HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.66")  # forged left part changes every time
    client = Client()
    locked = client.post(reverse("admin:login"), {"username": "phongvien", "password": PASSWORD},
                         REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert locked.status_code == 429
    colleague = Client()
    response = colleague.post(reverse("admin:login"), {"username": "bientapvien", "password": PASSWORD,
                                                       "next": reverse("admin:index")},
                              REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.23")
    assert response.status_code == 302 and logged_in(colleague)


def test_without_trusted_proxies_forwarded_for_is_ignored(editor):
    """By default X-Forwarded-For is not believed: rotating it does not escape the address lockout."""
    for n in range(ADDRESS_LIMIT):
        Client().post(reverse("admin:login"), {"username": f"doan-{n}", "password": "sai"},
                      REMOTE_ADDR="203.0.113.77", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}")
    response = Client().post(reverse("admin:login"), {"username": "bientapvien", "password": PASSWORD},
                             REMOTE_ADDR="203.0.113.77", HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert response.status_code == 429
