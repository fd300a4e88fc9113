"""A CDN on loopback for the tests: a real HTTP server in a thread that records every call and answers what the
test says (a status and body, or the same after a delay longer than the purge timeout)."""
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# What each real API answers a successful purge with (shapes from their documentation; ids made up).
SUCCESS = {
    "fastly": (200, {"status": "ok", "id": "108-1391560174-974124"}),
    "cloudflare": (200, {"success": True, "errors": [], "messages": [], "result": {"id": "023e105f4ecef8ad9ca31a8"}}),
    "varnish": (200, "Invalidated"),
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeCdn:
    """Listens on 127.0.0.1:<port> once started. `answers` (a list of (status, body)) is used up first, then
    `status`/`body`; `delay` seconds are waited before answering. `calls` holds what it received."""

    def __init__(self, kind, port=None):
        self.kind = kind
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.status, self.body = SUCCESS[kind]
        self.answers = []
        self.delay = 0.0
        self.calls = []
        self.server = None

    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                fake.calls.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                   "body": json.loads(raw) if raw else None})
                status, body = fake.answers.pop(0) if fake.answers else (fake.status, fake.body)
                if fake.delay:
                    time.sleep(fake.delay)
                data = (body if isinstance(body, str) else json.dumps(body)).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up waiting (a timeout test)

            do_POST = do_PURGE = do_BAN = do_GET = answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def purged_keys(self):
        """Every key the successful-looking calls carried, in order, whatever the API's way of sending them."""
        keys = []
        for call in self.calls:
            if call["body"] and "surrogate_keys" in call["body"]:
                keys += call["body"]["surrogate_keys"]
            elif call["body"] and "tags" in call["body"]:
                keys += call["body"]["tags"]
            elif "xkey-purge" in {name.lower() for name in call["headers"]}:
                keys += next(v for k, v in call["headers"].items() if k.lower() == "xkey-purge").split()
        return keys


def header(call, name):
    """A header of a recorded call, whatever case the client wrote its name in (None when absent)."""
    return {k.lower(): v for k, v in call["headers"].items()}.get(name.lower())
