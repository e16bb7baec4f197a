"""The compose stack's processes on loopback: nginx (with deploy/nginx.conf.template) -> gunicorn
(deploy/gunicorn.conf.py) -> PostgreSQL. There is no Docker engine here, so this starts the same
programs the containers run and fetches pages through nginx, as a visitor would."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import string
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from benchmarks.stack import Client, free_port, postgres_answers

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow]


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
        timeout=30,
    )


def _get(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if _get(url)[0] == 200:
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.3)  # wait either way: a refused connection returns at once
    raise AssertionError(f"{url} did not answer within {seconds} s")


def _start_web(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        ["deploy/entrypoint.sh"],
        cwd=ROOT,
        env={**env, "PYTHON": sys.executable},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


STACK_ENV: dict[str, str] = {}  # the running stack's environment, for manage.py commands


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("stack")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        pytest.skip("the stack test needs nginx (Debian package nginx-light)")
    if not postgres_answers():
        pytest.skip("the stack test needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust)")
    db = f"netlearn_stack_{uuid.uuid4().hex[:10]}"
    _psql(f"CREATE DATABASE {db}")
    web_port, nginx_port = free_port(), free_port()
    static_root = tmp_path / "static"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DEBUG="0",
        SECRET_KEY="stack-test-" + uuid.uuid4().hex * 2,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{db}",
        SECURE_SSL_REDIRECT="0",
        GUNICORN_BIND=f"127.0.0.1:{web_port}",
        GUNICORN_WORKERS="2",
        UPLOAD_MAX_MB="5",  # compose hands nginx the same number (docker-compose.yml)
    )
    env["STATIC_ROOT"] = str(static_root)
    processes: list[subprocess.Popen] = []
    try:
        # The container's own start script: collectstatic, migrate, loadlessons, exec gunicorn.
        processes.append(_start_web(env))
        _wait_for(f"http://127.0.0.1:{web_port}/healthz", seconds=240)
        # A second web process, as `docker compose up --scale web=2` starts one.
        second_port = free_port()
        processes.append(_start_web({**env, "GUNICORN_BIND": f"127.0.0.1:{second_port}"}))
        _wait_for(f"http://127.0.0.1:{second_port}/healthz", seconds=120)
        server_block = string.Template(
            (ROOT / "deploy/nginx.conf.template").read_text()
        ).safe_substitute(
            NETLEARN_UPSTREAM=f"127.0.0.1:{web_port}",
            NGINX_LISTEN=f"127.0.0.1:{nginx_port}",
            NETLEARN_STATIC_ROOT=str(static_root),
            NETLEARN_UPLOAD_MAX_MB=env["UPLOAD_MAX_MB"],
        )
        # Like the nginx image's envsubst, fill in only our variables: `$host` and friends are
        # nginx's own.
        (tmp_path / "server.conf").write_text(server_block)
        (tmp_path / "nginx.conf").write_text(
            # As root, nginx's workers would drop to `nobody`, who cannot read pytest's private
            # temporary folder: keep them as the test's own user.
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"""pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
daemon off;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp_path}/access.log;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/server.conf;
}}
"""
        )
        processes.append(
            subprocess.Popen(
                [nginx, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
                stderr=subprocess.PIPE,
            )  # fmt: skip
        )
        base = f"http://127.0.0.1:{nginx_port}"
        _wait_for(f"{base}/healthz")
        STACK_ENV.clear()
        STACK_ENV.update(env)
        yield base, tmp_path, (web_port, second_port)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        _psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")


def test_pages_come_through_nginx_from_gunicorn_and_postgres(stack):
    base, _, _ = stack
    status, body, _ = _get(f"{base}/")
    assert status == 200
    assert "NetLearn</title>" in body
    assert "Linux networking from the ground up" in body, "the start script loads the course"
    status, body, _ = _get(f"{base}/accounts/login/")
    assert status == 200
    assert "<title>Log in · NetLearn</title>" in body
    status, body, _ = _get(f"{base}/readyz")
    assert status == 200 and '"database": "ok"' in body


def test_nginx_serves_static_files_itself(stack):
    base, _, _ = stack
    status, body, headers = _get(f"{base}/static/vendor/VERSIONS")
    assert status == 200
    assert "htmx.org" in body
    # nginx's own header, not whitenoise's ("max-age=60, public" for an unhashed name): nginx
    # answered from the collected files without asking gunicorn.
    assert headers.get("Cache-Control") == "public, max-age=2592000, immutable"


def test_a_learner_signed_up_on_one_web_process_is_known_to_another(stack):
    """Web processes keep no state of their own: sessions live in the database (and Redis when
    configured), so nginx may send a learner's next request to any web container."""
    _, _, (first, second) = stack
    browser = Client(first)  # keeps its cookies, Secure ones too: it stands behind the proxy
    page = browser.get("/accounts/signup/")
    assert page.status == 200
    token = page.body.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    username = "scale" + uuid.uuid4().hex[:8]
    password = "correct-horse-battery-42"
    signup = {"csrfmiddlewaretoken": token, "username": username}
    response = browser.post("/accounts/signup/", {**signup, "password1": password,
                                                  "password2": password})  # fmt: skip
    assert response.status == 302, "sign-up should log the learner in and redirect"
    elsewhere = Client(second)
    elsewhere.cookies = dict(browser.cookies)
    response = elsewhere.get("/progress/")
    assert response.status == 200
    assert username in response.body


class _Visitor:
    """A browser on its own loopback address (127.0.0.2, 127.0.0.3, ...: all of 127/8 is this
    machine), talking to nginx, so nginx sees a different client for each visitor."""

    def __init__(self, base: str, address: str) -> None:
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port, self.address = parsed.hostname, parsed.port, address
        self.cookies: dict[str, str] = {}
        self.location = ""  # the last answer's Location header

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, str]:  # fmt: skip
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=30, source_address=(self.address, 0)
        )
        sent = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            self.location = response.headers.get("Location", "")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    def post_form(self, path: str, data: dict[str, str], **headers: str) -> tuple[int, str]:
        """GET the form's page for its CSRF token, then POST ``data`` with it."""
        _, page = self.request("GET", path)
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        content = {"Content-Type": "application/x-www-form-urlencoded", **headers}
        return self.request("POST", path, body, content)


PASSWORD = "correct-horse-battery-42"


def test_a_lockout_through_nginx_is_per_client_address(stack):
    """Five wrong passwords for the instructor's name from a learner's machine lock that machine
    out, not the instructor, whatever X-Forwarded-For the learner's requests claim."""
    base, _, _ = stack
    name = "teacher" + uuid.uuid4().hex[:6]
    instructor, attacker = _Visitor(base, "127.0.0.3"), _Visitor(base, "127.0.0.2")
    status, _ = instructor.post_form("/accounts/signup/", {
        "username": name, "password1": PASSWORD, "password2": PASSWORD})  # fmt: skip
    assert status == 302
    instructor.cookies.pop("sessionid", None)  # logged out: back later to log in
    statuses = []
    for n in range(5):
        # Each attempt pretends to come from somewhere else; nginx overwrites the header.
        status, body = attacker.post_form(
            "/accounts/login/",
            {"username": name, "password": "wrong-guess"},
            **{"X-Forwarded-For": f"192.0.2.{n}"},
        )
        statuses.append(status)
    assert statuses == [200, 200, 200, 200, 429]
    assert "Too many failed log-ins" in body
    status, _ = attacker.post_form("/accounts/login/", {"username": name, "password": PASSWORD})
    assert status == 429, "the attacker's address stays locked, even with the right password"
    status, _ = instructor.post_form("/accounts/login/", {"username": name, "password": PASSWORD})
    assert status == 302, "the instructor, from their own address, logs in"


def test_nginx_lets_through_what_the_app_accepts_and_explains_what_it_does_not(stack):
    base, _, _ = stack
    visitor = _Visitor(base, "127.0.0.4")
    # 3 MB: over nginx's old 2 MB, under the app's 5 MB. The app answers (its CSRF page: this
    # post has no token), so nginx let the body through.
    status, body = visitor.request("POST", "/author/import/", b"x" * (3 * 1024 * 1024),
                                   {"Content-Type": "application/octet-stream"})  # fmt: skip
    assert status == 403 and "This form has expired" in body
    status, body = visitor.request("POST", "/author/import/", b"x" * (6 * 1024 * 1024),
                                   {"Content-Type": "application/octet-stream"})  # fmt: skip
    assert status == 413
    assert "at most 5 MB" in body


def test_bad_input_through_the_stack_gets_pages_not_500s(stack):
    """On gunicorn + PostgreSQL with DEBUG off, as the attacks were first tried."""
    base, _, _ = stack
    visitor = _Visitor(base, "127.0.0.5")
    # nginx refuses a %00 in a path itself (the app would answer 404: test_bad_characters.py).
    status, body = visitor.request("GET", "/join/AB%00C/")
    assert status == 400 and "We couldn't read that request" in body
    status, body = visitor.request("GET", "/author/?course=%00")
    assert status == 400 and "in its “course” part" in body
    status, body = visitor.post_form("/accounts/login/", {"username": "a" * 5000, "password": "x"})
    assert status == 200 and "at most 150 characters" in body
    status, body = visitor.request("GET", "/no/such/page/")
    assert status == 404 and "<title>Page not found · NetLearn</title>" in body


def test_another_instructors_class_is_not_found_through_nginx(stack):
    """Tenancy behind the proxy: Bob gets 404 (not 403, which would confirm it exists) on
    Alice's class, its progress CSV and its join code, while Alice sees them."""
    base, _, _ = stack
    alice, bob = "alice" + uuid.uuid4().hex[:6], "bob" + uuid.uuid4().hex[:6]
    for name in (alice, bob):
        subprocess.run(
            [sys.executable, "manage.py", "createinstructor", name, "--password", PASSWORD,
             "--noinput"],
            cwd=ROOT, env=STACK_ENV, check=True, capture_output=True,
        )  # fmt: skip
    owner, other = _Visitor(base, "127.0.0.4"), _Visitor(base, "127.0.0.5")
    for visitor, name in ((owner, alice), (other, bob)):
        status, _ = visitor.post_form("/accounts/login/", {"username": name, "password": PASSWORD})
        assert status == 302
    _, page = owner.request("GET", "/author/classes/")
    course = page.split('name="course"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    status, _ = owner.post_form("/author/classes/", {"name": "Period 1", "course": course})
    assert status == 302 and "/author/classes/" in owner.location
    class_path = urllib.parse.urlsplit(owner.location).path
    for path in (class_path, class_path + "progress.csv"):
        assert owner.request("GET", path)[0] == 200, path
        status, body = other.request("GET", path)
        assert status == 404, path
        assert "Period 1" not in body
    _, mine = other.request("GET", "/author/classes/")
    assert "Period 1" not in mine, "another instructor's class is not listed"
