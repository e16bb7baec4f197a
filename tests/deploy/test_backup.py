"""Backups as the README's Operations section tells operators to take them: `pg_dump -Fc` of a
database with a learner's work, `pg_restore` into an empty database, and the restored NetLearn
shows the same learner, terminal and progress."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from test_stack import _psql

from benchmarks.stack import postgres_answers

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow]

# Works one lesson through the services a learner's clicks call, then prints what a learner sees.
WORK = """
from django.contrib.auth import get_user_model
from lessons.services.grading import attempt_grade
from lessons.services.terminal import run_command
from lessons.models import Exercise
learner = get_user_model().objects.create_user("backup-learner", password="x-" * 8)
exercise = Exercise.objects.get(lesson__slug="default-routes")
run_command(learner=learner, exercise=exercise, host="A", line="ip addr")
attempt_grade(learner=learner, exercise=exercise)
"""
READ = """
import json
from lessons.models import Attempt, Progress, Workspace
progress = Progress.objects.get(learner__username="backup-learner")
workspace = Workspace.objects.get(learner__username="backup-learner")
print(json.dumps({
    "status": progress.status, "attempts": progress.attempts,
    "log": [entry["command"] for entry in workspace.log],
    "attempt_rows": Attempt.objects.filter(learner__username="backup-learner").count(),
}))
"""


def _last_json(output: str) -> dict:
    """The READ script's line (logs share stdout with it)."""
    return json.loads(next(line for line in reversed(output.splitlines()) if line.startswith("{")))


def _manage(database: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DEBUG="1", DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}")
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_pg_dump_restores_every_learners_work(tmp_path):
    if not (postgres_answers() and shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("needs PostgreSQL on 127.0.0.1:5432 and its client tools")
    source, restored = (f"netlearn_backup_{uuid.uuid4().hex[:8]}_{n}" for n in ("a", "b"))
    dump = tmp_path / "netlearn.dump"
    _psql(f"CREATE DATABASE {source}")
    _psql(f"CREATE DATABASE {restored}")
    try:
        _manage(source, "migrate", "--noinput")
        _manage(source, "loadlessons")
        _manage(source, "shell", "-c", WORK)
        before = _last_json(_manage(source, "shell", "-c", READ))
        assert before["log"] == ["ip addr"] and before["attempt_rows"] == 1

        connection = ["-h", "127.0.0.1", "-U", "postgres"]
        subprocess.run(["pg_dump", *connection, "-Fc", "-f", str(dump), source], check=True,
                       timeout=120)  # fmt: skip
        subprocess.run(["pg_restore", *connection, "--no-owner", "-d", restored, str(dump)],
                       check=True, timeout=120)  # fmt: skip

        assert _last_json(_manage(restored, "shell", "-c", READ)) == before
        # The restored database is current: nothing left to migrate.
        assert "No migrations to apply" in _manage(restored, "migrate", "--noinput")
    finally:
        _psql(f"DROP DATABASE IF EXISTS {source} WITH (FORCE)")
        _psql(f"DROP DATABASE IF EXISTS {restored} WITH (FORCE)")
