"""`manage.py prepare` (migrate + loadlessons), run by every web container at start: several
containers starting at once on one fresh PostgreSQL database all succeed, and the course is loaded
once."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from test_stack import _psql

from benchmarks.stack import postgres_answers

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow]

COUNT = (
    "from lessons.models import Course, Lesson; "
    "print('counts', Course.objects.count(), Lesson.objects.count())"
)


def test_web_containers_starting_together_take_turns_to_migrate():
    if not postgres_answers():
        pytest.skip("needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust)")
    db = f"netlearn_prepare_{uuid.uuid4().hex[:10]}"
    _psql(f"CREATE DATABASE {db}")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DEBUG="1", DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{db}")
    try:
        starts = [
            subprocess.Popen([sys.executable, "manage.py", "prepare"], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)
        ]  # fmt: skip
        results = [(start.wait(timeout=300), start.communicate()[1]) for start in starts]
        assert [status for status, _ in results] == [0, 0, 0], results
        counted = subprocess.run([sys.executable, "manage.py", "shell", "-c", COUNT], cwd=ROOT,
                                 env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
        courses, lessons = counted.stdout.split("counts ")[1].split()
        assert courses == "1" and int(lessons) >= 7
    finally:
        _psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
