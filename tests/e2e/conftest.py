"""Real-browser tests: Debian's Chromium driven by Playwright, against pytest-django's live_server."""
import os
import time
from pathlib import Path

import pytest


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
QUIET_BEFORE_FLUSH = 0.4  # seconds the live server must answer nothing before a test's tables are flushed


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright(django_db_setup):
    """Playwright's sync API runs an event loop in the test's thread; the ORM calls in tests stay synchronous.

    Session-wide for the browser tests: the test database is made before the browser starts (hence
    django_db_setup first), and pytest-django flushes it after function fixtures are undone, while
    Playwright's loop still runs. `make test` runs the browser tests in their own pytest process.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _page_quiet_before_flush(request):
    """The page leaves, and the live server finishes what it was answering, before the database is flushed.

    A page that is left tells the server (the presence banner's "left" beacon; autosave may be saving), and
    such a request still in its transaction when pytest-django truncates every table deadlocks with the
    TRUNCATE on PostgreSQL, failing the teardown and leaving rows behind for the next test.
    """
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    server = request.getfixturevalue("live_server") if "live_server" in request.fixturenames else None
    yield
    try:
        page.goto("about:blank")  # the page's own "I left" requests go now
        page.context.close()  # and its kept-alive connections end, so the server's threads can finish
    except Exception:  # a page already closed or crashed has nothing left to send
        pass
    if server is None:
        return
    # The live server answers each connection in a thread of its own (socketserver keeps them in _threads).
    # A moment with no thread is not enough: a beacon the browser sent as the page went may not be accepted
    # yet (CI once flushed while one arrived, and on SQLite's shared in-memory database the flush failed).
    # So the server must stay idle for a quiet window before the flush may run.
    deadline = time.monotonic() + 10
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        busy = [thread for thread in list(getattr(server.thread.httpd, "_threads", [])) if thread.is_alive()]
        if busy:
            busy[0].join(timeout=0.2)
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= QUIET_BEFORE_FLUSH:
            return
        else:
            time.sleep(0.05)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    }


@pytest.fixture
def screenshot(page, request):
    """Save a screenshot of the page under test-artifacts/<test name>-<step>.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(step):
        path = ARTIFACTS / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def reporter_vui(transactional_db):
    """The reporter "vui" (Nông Vui, signing as Nông Vui), who logs in with tests.e2e.test_workflow_browser.PASSWORD."""
    from django.contrib.auth.models import Group

    from articles.roles import REPORTER
    from tests.e2e.test_workflow_browser import PASSWORD
    from tests.factories import ensure_roles, make_author, make_user

    ensure_roles()  # an earlier transactional test's flush drops the groups made by the migration
    user = make_user("vui", password=PASSWORD, first_name="Nông", last_name="Vui")
    user.groups.set(Group.objects.filter(name=REPORTER.group))
    make_author("Nông Vui", user=user)
    return user
