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
        [sys.executable, "-m", "benchmarks.load", "--learners", "4", "--seconds", "5",
         "--workers", "2", "--tabs-every", "2", "--results", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((tmp_path / "load.json").read_text())
    assert data["status_5xx"] == 0
    assert data["no_answer"] == 0
    assert data["kinds"]["login"]["statuses"] == {"200": 4}
    assert data["commands"]["sent_ok"] > 0
    assert data["commands"]["stored"] == data["commands"]["sent_ok"]
    assert data["commands"]["mismatched"] == {}
    # Two tabs sending at once once lost commands (this load caught it): none may be lost.
    assert data["commands"]["two_tab_pairs"] > 0
    assert data["ok"] is True
    report = (tmp_path / "load.md").read_text()
    assert "| no 5xx responses | 0 | met |" in report
    assert "--learners 4 --seconds 5" in report, "the report says how to run it again"
