"""Ways to make the database fail on purpose: a refusal inside Django (any database) and a TCP proxy
between Django and PostgreSQL that a test cuts at a chosen moment."""
import re
import select
import socket
import threading
from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import OperationalError, connection


@contextmanager
def database_refusing(pattern=r"."):
    """Every statement whose SQL matches `pattern` fails as if the connection had dropped (this thread)."""
    wanted = re.compile(pattern, re.IGNORECASE)

    def refuse(execute, sql, params, many, context):
        if wanted.search(sql):
            raise OperationalError("server closed the connection unexpectedly (fault injected by the test)")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


@contextmanager
def database_refusing_in_requests(pattern=r"."):
    """Like database_refusing, for every request the app serves meanwhile, in whichever thread serves it."""
    wanted = re.compile(pattern, re.IGNORECASE)

    def refuse(execute, sql, params, many, context):
        if wanted.search(sql):
            raise OperationalError("server closed the connection unexpectedly (fault injected by the test)")
        return execute(sql, params, many, context)

    def install(**kwargs):
        connection.execute_wrappers.append(refuse)

    def remove(**kwargs):
        while refuse in connection.execute_wrappers:
            connection.execute_wrappers.remove(refuse)

    request_started.connect(install, weak=False)
    request_finished.connect(remove, weak=False)
    try:
        yield
    finally:
        request_started.disconnect(install)
        # The request being served when the block ends still gets its wrapper removed as it finishes.


class CuttableProxy:
    """Forwards TCP from a loopback port to PostgreSQL until told to cut.

    cut_when(marker): the first time a client sends bytes containing `marker` (the start of an SQL
    statement, sent in clear with sslmode=disable), that connection is dropped before the statement
    reaches the server, and the proxy refuses connections until restore(). down() drops every connection
    now and refuses new ones; restore() lets connections through again.
    """

    def __init__(self, target_host, target_port):
        self.target = (target_host, int(target_port))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.pairs = set()
        self.refusing = False
        self.marker = None
        self.cuts = 0
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while self.running:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                refusing = self.refusing
            if refusing:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            pair = (client, server)
            with self.lock:
                self.pairs.add(pair)
            threading.Thread(target=self._pump, args=(pair,), daemon=True).start()

    def _pump(self, pair):
        client, server = pair
        tail = b""
        try:
            while True:
                readable, _, _ = select.select([client, server], [], [], 0.5)
                with self.lock:
                    if pair not in self.pairs:
                        return
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if sock is client:
                        with self.lock:
                            marker = self.marker
                            if marker and marker in tail + data:
                                self.marker, self.refusing = None, True
                                self.cuts += 1
                                return
                        tail = (tail + data)[-256:]
                        server.sendall(data)
                    else:
                        client.sendall(data)
        except OSError:
            return
        finally:
            self._drop(pair)

    def _drop(self, pair):
        with self.lock:
            self.pairs.discard(pair)
        for sock in pair:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def cut_when(self, marker: bytes):
        with self.lock:
            self.marker = marker

    def down(self):
        with self.lock:
            self.refusing = True
            pairs = list(self.pairs)
        for pair in pairs:
            self._drop(pair)

    def restore(self):
        with self.lock:
            self.refusing, self.marker = False, None

    def close(self):
        self.running = False
        self.down()
        self.listener.close()
