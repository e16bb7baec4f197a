"""`make bench`'s web part in small (benchmarks/web.py on benchmarks/stack.py): a couple of
learners for a second per kind, with each load generator, so the benchmark never rots. Only the
report's shape and the answers are checked: throughput ratios need the full run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.stack import postgres_answers

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow]


@pytest.mark.parametrize("client", ["python", "wrk"])
def test_a_short_web_bench_answers_every_request_and_writes_its_report(tmp_path, client):
    if not postgres_answers():
        pytest.skip("the web benchmark needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust)")
    if client == "wrk" and shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (scripts/install-test-deps.sh installs it)")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.web", "--seconds", "1", "--rounds", "1",
         "--client", client, "--page-learners", "2", "--command-learners", "8",
         "--results", str(tmp_path)],
        cwd=ROOT,
        # No worker recycling in one-second windows: a window that saw a worker import Django
        # again could see next to no answers.
        env={**os.environ, "GUNICORN_MAX_REQUESTS": "0"},
        capture_output=True,
        text=True,
        timeout=180,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr  # too few learners for the targets
    data = json.loads((tmp_path / "web.json").read_text())
    assert data["client"] == client
    assert data["all_200"], data["throughput"]
    assert all(t["requests_per_second"] > 0 for t in data["throughput"].values())
    assert set(data["ratios"]) == {"lesson", "routes lesson", "command"}
    assert data["queries"]["command POST (htmx)"] > 0
    assert data["queries"]["lesson page (terminal)"] > 0, "rendered, not served from a cache"
    # 2 and 8 learners are fewer than the targets' 24: such a run cannot meet them
    assert data["learners"] == {"page": 2, "command": 8}
    assert data["enough_learners"] is False and data["ok"] is False
    # 3 s of commands at a few hundred a second, over 8 learners: no terminal reaches its limit
    # (a full terminal answers 200 with a refusal, which would measure nothing)
    assert 0 < data["longest_terminal_log"] < 500
    report = (tmp_path / "web.md").read_text()
    assert "| `GET /healthz` |" in report and "RATELIMIT_ENABLED=0" in report
    assert "No page is cached in these numbers." in report
    assert "at least 24 each: MISSED" in report
