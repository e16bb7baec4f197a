"""`make loadtest` in small: a few learners for a few seconds through the same code and the same
command line (benchmarks/load.py on benchmarks/stack.py), so the load test never rots."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.stack import postgres_answers

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow]


def test_a_small_load_gets_no_5xx_and_stores_every_command(tmp_path):
    if not postgres_answers():
        pytest.skip("the load test needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust)")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.load", "--learners", "4", "--arrive", "2",
         "--seconds", "5", "--think", "0.4", "--check-every", "3", "--page-every", "4",
         "--workers", "2", "--tabs-every", "2", "--results", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 1: a target missed
    data = json.loads((tmp_path / "load.json").read_text())
    assert (done.returncode == 0) == data["ok"]
    assert data["status_5xx"] == 0
    assert data["no_answer"] == 0
    kinds = data["kinds"]
    assert kinds["login"]["statuses"] == {"200": 4}
    assert kinds["check"]["requests"] > 0 and set(kinds["check"]["statuses"]) == {"200"}
    assert kinds["page"]["requests"] > 4, "the first lesson page of each learner, then reloads"
    commands = data["commands"]
    assert commands["answered_200"] > 0
    assert commands["stored"] == commands["answered_200"]
    assert commands["mismatched"] == {}
    # Two tabs sending at once once lost commands (this load caught it): none may be lost.
    assert commands["two_tab_pairs"] > 0
    targets = data["targets"]
    assert targets["no_5xx"] and targets["every_request_answered"]
    assert targets["commands_stored_equal_answered"] and targets["no_terminal_full"]
    # learners per core: every learner when every target is met, else none
    cpus = data["machine"]["cpus"]
    assert data["learners_per_core"] == (round(4 / cpus, 1) if data["ok"] else 0)
    report = (tmp_path / "load.md").read_text()
    assert "| no 5xx responses | 0 | met |" in report
    assert "Learners per core:" in report
    assert "--learners 4 --seconds 5 --arrive 2 --think 0.4" in report, "how to run it again"
