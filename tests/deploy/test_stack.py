"""The compose stack's processes on loopback: nginx (with deploy/nginx.conf.template) -> gunicorn
(deploy/gunicorn.conf.py) -> PostgreSQL. There is no Docker engine here, so this starts the same
programs the containers run and fetches pages through nginx, as a visitor would."""

from __future__ import annotations

import os
import shutil
import signal
import string
import subprocess
import sys
import time
import urllib.error
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
