"""Health endpoints answer load balancers and probes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_answers_ok_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


READYZ_TWICE = """
import os, pathlib
from django.test import Client
client = Client()
print(client.get("/readyz").status_code)
pathlib.Path(os.environ["DB_FOLDER"]).mkdir()
print(client.get("/readyz").status_code)
"""


def test_readyz_answers_503_while_the_database_is_gone_and_recovers_by_itself(tmp_path):
    """The database file lives in a folder that does not exist yet: the first probe cannot open it
    (503); once the folder appears, the same process answers 200 without a restart."""
    folder = tmp_path / "db"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{folder}/netlearn.sqlite3",
        DB_FOLDER=str(folder),
        ALLOWED_HOSTS="testserver",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", READYZ_TWICE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # The script prints the two statuses; logs (the 503's warning) share stdout with them.
    statuses = [line for line in result.stdout.splitlines() if line.isdigit()]
    assert statuses == ["503", "200"], result.stdout + result.stderr


def test_health_endpoints_refuse_post(client):
    assert client.post("/healthz").status_code == 405
