"""A throwaway production-like NetLearn on loopback, for load tests and web benchmarks.

    from benchmarks.stack import running_stack

    with running_stack(learners=64, workers=5) as stack:
        client = stack.login(stack.usernames[0])
        response = client.post("/courses/linux-networking/addresses-and-packets/command/",
                               {"host": "A", "line": "ip addr"})
        response.status, response.seconds

What runs: a new PostgreSQL database ``netlearn_bench_<random>`` on 127.0.0.1:5432 (user
``postgres``, trust authentication), migrated and loaded with the shipped course
(``lessons/content``); ``learners`` learner accounts sharing one password; static files collected
into a temporary folder (whitenoise's manifest storage needs them when DEBUG is off); gunicorn
with ``deploy/gunicorn.conf.py`` on a free loopback port, with production settings (DEBUG=0, a
random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, HTTPS-only cookies, rate limits on) and, when Redis
answers on 127.0.0.1:6379, a Redis database index of its own for the cache and sessions.

Leaving the ``with`` block, whatever the reason (an exception, Ctrl-C, SIGTERM), stops gunicorn,
drops the database and empties the Redis index.

Plain HTTP with production settings: gunicorn stands where it stands behind nginx, so the client
plays the TLS-terminating proxy. It sends ``X-Forwarded-Proto: https`` (honoured through
SECURE_PROXY_SSL_HEADER, so no HTTPS redirect), ``Origin``/``Referer`` as a browser on
``https://127.0.0.1:<port>`` would (the CSRF origin check), and keeps its own cookies, Secure ones
included. Nothing in the settings is relaxed for the benchmark.

Only loopback is ever contacted.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # the only address this module talks to
PG_PORT = 5432
REDIS_PORT = 6379
PASSWORD = "bench-learner-pw-7319"
REDIS_MARKER = "netlearn:bench:owner"  # the key that claims a Redis database index for one run
REDIS_DBS = range(15, 0, -1)  # never index 0, the default of everything else

# Environment variables of the caller that must not leak into the stack's production settings
# (pytest-env sets DEBUG=1 and a test SECRET_KEY, a developer's shell may set DATABASE_URL...).
_SCRUBBED = (
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",
    "STATIC_ROOT",
    "GUNICORN_BIND",
    "GUNICORN_WORKERS",
    "RATELIMIT_ENABLED",
    "AXES_ENABLED",
)


class StackError(RuntimeError):
    """The stack could not be started; the message says which step and shows its output."""


# -- PostgreSQL ----------------------------------------------------------------------------------


def _pg_connect(dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(
        host=HOST, port=PG_PORT, user="postgres", dbname=dbname, connect_timeout=3, autocommit=True
    )


def postgres_answers() -> bool:
    """True when PostgreSQL accepts user ``postgres`` without a password on 127.0.0.1:5432."""
    try:
        with _pg_connect() as conn:
            conn.execute("SELECT 1")
    except Exception:  # any failure means "not available here"
        return False
    return True


def database_url(name: str) -> str:
    return f"postgres://postgres@{HOST}:{PG_PORT}/{name}"


# -- Redis ---------------------------------------------------------------------------------------


def _redis(db: int = 0):
    import redis

    return redis.Redis(host=HOST, port=REDIS_PORT, db=db, socket_connect_timeout=1)


def redis_answers() -> bool:
    try:
        return bool(_redis().ping())
    except Exception:
        return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim_redis_db() -> int | None:
    """A Redis database index for this run alone (None when Redis does not answer).

    An index is ours when it was empty and our marker key got in first (SET NX), or when the
    marker left in it names a process that no longer runs (a run that was killed): then it is
    flushed and claimed again. An index holding anybody else's keys is never touched.
    """
    if not redis_answers():
        return None
    owner = f"{os.getpid()}:{secrets.token_hex(4)}"
    for db in REDIS_DBS:
        client = _redis(db)
        if client.dbsize() == 0 and client.set(REDIS_MARKER, owner, nx=True):
            if client.dbsize() == 1:
                return db
            client.delete(REDIS_MARKER)  # somebody else wrote meanwhile: leave it to them
            continue
        stale = client.get(REDIS_MARKER)
        if stale is None:
            continue  # keys of somebody else
        stale_pid = int(stale.decode().partition(":")[0] or 0)
        # GET-and-SET: of two runs reclaiming the same index, only one sees the stale value.
        dead = stale_pid and not _pid_alive(stale_pid)
        if dead and client.set(REDIS_MARKER, owner, get=True) == stale:
            client.flushdb()
            client.set(REDIS_MARKER, owner)
            return db
    raise StackError("no free Redis database index on 127.0.0.1:6379 (1-15 are all in use)")


def release_redis_db(db: int) -> None:
    _redis(db).flushdb()


# -- processes -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _run(step: str, argv: list[str], env: dict[str, str], timeout: float = 300) -> str:
    try:
        done = subprocess.run(
            argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as exc:
        raise StackError(f"{step}: no answer within {timeout} s") from exc
    if done.returncode != 0:
        raise StackError(f"{step} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


# Learners share one password, hashed once: 64 PBKDF2 hashes would take half a minute.
_CREATE_LEARNERS = """
import os
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
User = get_user_model()
prefix, count = os.environ["BENCH_PREFIX"], int(os.environ["BENCH_LEARNERS"])
password = os.environ["BENCH_PASSWORD"]
hashed = make_password(password)
User.objects.bulk_create(
    [User(username=f"{prefix}{i:03d}", password=hashed) for i in range(count)]
)
"""


def _stop(process: subprocess.Popen, timeout: float = 30) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown of the workers
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# -- the client ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: str
    headers: http.client.HTTPMessage
    seconds: float  # from sending the request to the last byte of the body


class Client:
    """One browser: its own cookies (Secure ones too: it stands behind the TLS proxy), a new
    loopback connection per request (gunicorn's sync workers close after each response), and
    the headers a browser on https://127.0.0.1:<port> behind the proxy would send."""

    def __init__(self, port: int, *, timeout: float = 60) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._lock = threading.Lock()  # two tabs of one browser may send at once
        self.origin = f"https://{HOST}:{port}"

    def request(
        self,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        *,
        headers: dict[str, str] | None = None,
    ) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        sent = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": HOST,
            "Accept": "text/html",
            "User-Agent": "netlearn-bench",
        }
        with self._lock:
            cookies = dict(self.cookies)
        if cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if method != "GET":
            sent["Origin"] = self.origin
            sent["Referer"] = self.origin + path
            if "csrftoken" in cookies:
                sent["X-CSRFToken"] = cookies["csrftoken"]
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        start = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        seconds = time.perf_counter() - start
        with self._lock:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if "expires=Thu, 01 Jan 1970" in header or "Max-Age=0" in header:
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = value
        return Response(response.status, text, response.headers, seconds)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict[str, str] | None = None, *, htmx: bool = False,
             **kwargs) -> Response:  # fmt: skip
        headers = dict(kwargs.pop("headers", None) or {})
        if htmx:
            headers.update({"HX-Request": "true", "HX-Current-URL": self.origin + path})
        return self.request("POST", path, data or {}, headers=headers, **kwargs)


# -- the stack -----------------------------------------------------------------------------------


@dataclass
class Stack:
    base_url: str
    port: int
    usernames: list[str]
    password: str
    database_url: str
    database: str
    redis_url: str | None
    workers: int
    pid: int  # gunicorn's master process
    log_path: Path
    env: dict[str, str] = field(repr=False)

    def client(self) -> Client:
        return Client(self.port)

    def login(self, username: str) -> Client:
        """A client logged in as ``username``, ready for POSTs (CSRF cookie and header)."""
        client = self.client()
        page = client.get("/accounts/login/")
        if page.status != 200:
            raise StackError(f"GET /accounts/login/ answered {page.status}")
        token = page.body.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        response = client.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": self.password},
        )
        if response.status != 302 or "sessionid" not in client.cookies:
            raise StackError(f"log-in of {username} answered {response.status}")
        return client

    def psql(self):
        """A psycopg connection to the stack's database (autocommit)."""
        return _pg_connect(self.database)

    def postgres_backends(self) -> list[int]:
        """Process ids of the PostgreSQL backends serving this stack's database (for their CPU
        time; the connection asking is left out)."""
        with self.psql() as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.database,),
            ).fetchall()
        return [pid for (pid,) in rows]

    def postgres_version(self) -> str:
        with self.psql() as conn:
            return conn.execute("SHOW server_version").fetchone()[0]

    def terminal_logs(self) -> dict:
        """Commands kept in each learner's terminal logs and in the fullest one
        (``benchmarks/terminal_logs.py``, with the stack's settings)."""
        argv = [sys.executable, "-m", "benchmarks.terminal_logs"]
        out = _run("count the terminal logs", argv, self.env, timeout=120)
        return json.loads(out.strip().splitlines()[-1])


def _wait_healthy(process: subprocess.Popen, port: int, log_path: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StackError(f"gunicorn exited ({process.returncode}):\n{log_path.read_text()}")
        try:
            if Client(port, timeout=5).get("/healthz").status == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)  # a refused connection returns at once: do not spin
    raise StackError(f"/healthz did not answer within {seconds} s:\n{log_path.read_text()}")


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """SIGTERM (a killed `make`, a CI timeout) raises SystemExit, so the cleanup still runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def running_stack(
    *,
    learners: int,
    workers: int | None = None,
    env: dict[str, str] | None = None,
    redis: bool = True,
    username_prefix: str = "learner",
) -> Iterator[Stack]:
    """Start the stack (see the module's docstring), yield a ``Stack``, always clean up.

    ``workers``: GUNICORN_WORKERS (default: deploy/gunicorn.conf.py's 2 x CPUs + 1).
    ``env``: more environment for the web processes, applied last (e.g. ``{"LOG_LEVEL":
    "WARNING"}``). ``redis=False`` leaves Redis out even when it answers.
    """
    if not postgres_answers():
        raise StackError(f"PostgreSQL does not answer on {HOST}:{PG_PORT} (user postgres, trust)")
    workers = workers or (os.cpu_count() or 1) * 2 + 1
    name = f"netlearn_bench_{secrets.token_hex(5)}"
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="netlearn-stack-"))
    log_path = tmp / "gunicorn.log"
    redis_db: int | None = None
    database_created = False
    process: subprocess.Popen | None = None
    with _sigterm_unwinds():
        try:
            redis_db = claim_redis_db() if redis else None
            redis_url = f"redis://{HOST}:{REDIS_PORT}/{redis_db}" if redis_db is not None else None
            web_env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED}
            web_env.update(
                DEBUG="0",
                SECRET_KEY=secrets.token_urlsafe(50),
                ALLOWED_HOSTS=HOST,
                DATABASE_URL=database_url(name),
                STATIC_ROOT=str(tmp / "static"),
                GUNICORN_BIND=f"{HOST}:{port}",
                GUNICORN_WORKERS=str(workers),
                PYTHONUNBUFFERED="1",
            )
            if redis_url:
                web_env["REDIS_URL"] = redis_url
            web_env.update(env or {})
            with _pg_connect() as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            database_created = True
            python = sys.executable
            _run("collectstatic", [python, "manage.py", "collectstatic", "--noinput", "-v0"],
                 web_env)  # fmt: skip
            _run("migrate", [python, "manage.py", "migrate", "--noinput", "-v0"], web_env)
            _run("loadlessons", [python, "manage.py", "loadlessons"], web_env)
            _run(
                "create learners",
                [python, "manage.py", "shell", "--no-imports", "-c", _CREATE_LEARNERS],
                {**web_env, "BENCH_PREFIX": username_prefix, "BENCH_LEARNERS": str(learners),
                 "BENCH_PASSWORD": PASSWORD},
            )  # fmt: skip
            with log_path.open("wb") as log:
                process = subprocess.Popen(
                    [python, "-m", "gunicorn", "netlearn.wsgi:application",
                     "--config", "deploy/gunicorn.conf.py"],
                    cwd=ROOT,
                    env=web_env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # Ctrl-C reaches us; we stop gunicorn in order
                )  # fmt: skip
            _wait_healthy(process, port, log_path, seconds=120)
            yield Stack(
                base_url=f"http://{HOST}:{port}",
                port=port,
                usernames=[f"{username_prefix}{i:03d}" for i in range(learners)],
                password=PASSWORD,
                database_url=database_url(name),
                database=name,
                redis_url=redis_url,
                workers=workers,
                pid=process.pid,
                log_path=log_path,
                env=web_env,
            )
        finally:
            # Each step on its own, so that one failing does not leave the others undone.
            if process is not None:
                _stop(process)
            if database_created:
                with contextlib.suppress(Exception), _pg_connect() as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if redis_db is not None:
                with contextlib.suppress(Exception):
                    release_redis_db(redis_db)
            _remove_tree(tmp)


def _remove_tree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
