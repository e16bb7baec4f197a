"""A database that is down: pages answer 503 with a friendly page, never a 500 with a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from netlearn.middleware import DatabaseUnavailableMiddleware

ROOT = Path(__file__).resolve().parents[2]

FETCH = """
from django.test import Client
client = Client()
for path in ("/", "/accounts/login/", "/progress/"):
    response = client.get(path)
    print(path, response.status_code, response.get("Retry-After"),
          "back in a moment" in response.content.decode(),
          "Traceback" in response.content.decode())
print("/healthz", client.get("/healthz").status_code)
"""


def test_pages_answer_503_while_the_database_is_unreachable():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="1",
        ALLOWED_HOSTS="testserver",
        # Nothing listens on port 1: the connection is refused at once.
        DATABASE_URL="postgres://netlearn:pw@127.0.0.1:1/netlearn",
        DB_CONNECT_TIMEOUT="2",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", FETCH],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    lines = [line for line in lines if line.startswith("/")]
    assert lines == [
        "/ 503 30 True False",
        # The log-in form needs no query; a signed-out learner is sent to it without one.
        "/accounts/login/ 200 None False False",
        "/progress/ 302 None False False",
        "/healthz 200",
    ], result.stdout + result.stderr


def test_other_errors_are_left_to_django():
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, ValueError("not ours")) is None
    response = middleware.process_exception(request, OperationalError("gone"))
    assert response.status_code == 503


@pytest.mark.parametrize("path", ["/"])
def test_the_503_page_stands_alone(path):
    # Rendered without the request: no session, no user, no query.
    from django.template.loader import render_to_string

    html = render_to_string("503.html")
    assert "back in a moment" in html
    assert "csrf" not in html.lower()
