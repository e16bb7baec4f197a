"""The database goes away and comes back while gunicorn keeps running: pages answer 503 (never a
500), /readyz says so, and service resumes by itself, with no restart, once PostgreSQL answers.

PostgreSQL is shared by every test here, so the outage is made by a TCP relay on loopback that the
web process connects through: cutting the relay drops every open connection and refuses new ones,
as a database host that went away does.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from test_stack import _get, _psql, _wait_for

from benchmarks.stack import free_port, postgres_answers

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow]


class Relay:
    """Forwards 127.0.0.1:<port> to PostgreSQL on 127.0.0.1:5432 until cut, and again when
    restored (on the same port, so the web process's DATABASE_URL stays right)."""

    def __init__(self, target: tuple[str, int] = ("127.0.0.1", 5432)) -> None:
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            pairs, self._pairs = self._pairs, []
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would leave the
            # socket listening until that accept() returned.
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(a, selectors.EVENT_READ, b)
        selector.register(b, selectors.EVENT_READ, a)
        try:
            while True:
                for key, _ in selector.select():
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()


def _status(url: str) -> int:
    return _get(url)[0]


@pytest.fixture
def web_through_relay(tmp_path):
    if not postgres_answers():
        pytest.skip("needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust)")
    db = f"netlearn_outage_{uuid.uuid4().hex[:10]}"
    _psql(f"CREATE DATABASE {db}")
    relay = Relay()
    relay.restore()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DEBUG="0",
        SECRET_KEY="outage-test-" + uuid.uuid4().hex * 2,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        # Persistent connections are the hard case: the web process holds one across the outage.
        CONN_MAX_AGE="600",
        DB_CONNECT_TIMEOUT="2",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{relay.port}/{db}",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    process = None
    try:
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                           check=True, capture_output=True, timeout=180)  # fmt: skip
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "netlearn.wsgi:application",
             "--config", "deploy/gunicorn.conf.py"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for(f"http://127.0.0.1:{port}/healthz", seconds=60)
        yield f"http://127.0.0.1:{port}", relay
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=20)
        relay.cut()
        _psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def test_service_answers_503_while_the_database_is_gone_and_resumes_by_itself(web_through_relay):
    base, relay = web_through_relay
    assert _status(f"{base}/") == 200  # opens the persistent connection
    assert _status(f"{base}/readyz") == 200

    relay.cut()
    assert _status(f"{base}/") == 503
    assert _status(f"{base}/accounts/login/") in (200, 503)  # may need no database at all
    assert _status(f"{base}/readyz") == 503
    assert _status(f"{base}/healthz") == 200, "liveness must not fail with the database"

    relay.restore()
    _wait_for(f"{base}/readyz")
    assert _status(f"{base}/") == 200


def test_a_connection_dropped_while_idle_is_replaced_without_an_error(web_through_relay):
    """The database restarts while nobody uses the site: the first request afterwards gets its
    page, since a kept connection is checked and replaced before a request uses it (Django's
    CONN_HEALTH_CHECKS, on in settings.py)."""
    base, relay = web_through_relay
    assert _status(f"{base}/") == 200  # the worker holds a connection
    relay.cut()  # dropped under the idle worker
    relay.restore()
    time.sleep(1.5)
    assert _status(f"{base}/") == 200
