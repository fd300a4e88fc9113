"""The production-style server the bench drives: gunicorn with the production settings on loopback."""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_env(database_url, *, cache_url, key_prefix, static_root, media_root, site_url="http://127.0.0.1:8000"):
    """The environment of every bench process: production settings (bench/settings.py), plain HTTP on loopback."""
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "DJANGO_DEBUG": "0",
        # Plain HTTP on loopback: no redirect to HTTPS, no Secure-only cookies, no HSTS.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SESSION_COOKIE_SECURE": "0",
        "DJANGO_CSRF_COOKIE_SECURE": "0",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_LOG_LEVEL": "ERROR",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "CACHE_KEY_PREFIX": key_prefix,
        "NEWSROOM_SITE_URL": site_url,
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_MEDIA_ROOT": str(media_root),
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    env.pop("DATABASE_REPLICA_URL", None)
    return env


def collectstatic(env):
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)



def stop_process_group(process, timeout=10):
    """Stop a server started in its own process group (start_new_session=True): TERM, then KILL."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass

class Gunicorn:
    """gunicorn serving newsroom.wsgi; always stopped by stop() (use it as a context manager)."""

    def __init__(self, env, *, workers, worker_class="sync", port=None, log_file=None):
        self.env = env
        self.workers = workers
        self.worker_class = worker_class
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_file = log_file
        self.process = None

    def command(self):
        # Through this interpreter's own path, as every other bench process: gunicorn's script names the
        # interpreter by its real path, which differs when .venv is a link (a worktree's), and the stored
        # renders' fingerprint (prerender/fragments.py) depends on where the installed apps are found.
        return [sys.executable, "-m", "gunicorn", "newsroom.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.workers), "--worker-class", self.worker_class,
                "--log-level", "warning", "--graceful-timeout", "5", "--timeout", "60"]

    def start(self, timeout=60):
        log = open(self.log_file, "ab") if self.log_file else subprocess.DEVNULL
        self.process = subprocess.Popen(self.command(), cwd=ROOT, env=self.env, stdout=log, stderr=log,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_file}")
            try:
                with urllib.request.urlopen(self.base_url + "/__bench__/floor/", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout}s; see {self.log_file}")

    def worker_pids(self):
        children = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
            except OSError:
                continue
            if fields.get("PPid", "").strip() == str(self.process.pid):
                children.append(int(status.parent.name))
        return sorted(children)

    def peak_rss_mb(self):
        """Peak resident memory (VmHWM) of each worker, in MiB."""
        peaks = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(round(int(line.split()[1]) / 1024, 1))
            except OSError:
                continue
        return peaks

    def stop(self):
        if self.process is not None:
            stop_process_group(self.process, timeout=15)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def get_status(url, headers=()):
    request = urllib.request.Request(url, headers=dict(h.split(": ", 1) for h in headers))
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:  # a timeout or a refused connection: the page is not measurable
        return "timeout"
