"""Under CI=true a skip fails the run (tests/ci_skips.py), except the conditional ones it allows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]

CONFTEST = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
from ci_skips import pytest_make_collect_report, pytest_runtest_makereport
"""

SUITE = """
import pytest

def test_a_tool_is_missing():
    pytest.skip("needs the frobnicator")

def test_postgresql_only():
    pytest.skip("the PostgreSQL backend's health check (DATABASE_URL=postgres://...)")

@pytest.mark.xfail(reason="a known difference", strict=True)
def test_a_known_difference():
    assert 1 == 2

def test_passes():
    pass
"""


def run_suite(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_suite.py").write_text(SUITE)
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "DATABASE_URL")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:django", "-p", "no:cacheprovider", "-rA",
         "-p", "no:xdist", str(tmp_path)],
        cwd=tmp_path,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip


def test_outside_ci_a_skip_is_only_a_skip(tmp_path):
    done = run_suite(tmp_path)
    assert done.returncode == 0, done.stdout
    assert "1 passed, 2 skipped, 1 xfailed" in done.stdout


def test_in_ci_a_skip_for_a_missing_tool_fails_and_says_why(tmp_path):
    done = run_suite(tmp_path, CI="true")
    assert done.returncode == 1, done.stdout
    assert "FAILED test_suite.py::test_a_tool_is_missing" in done.stdout
    assert "skipped under CI=true" in done.stdout and "needs the frobnicator" in done.stdout
    # a PostgreSQL-only test on the SQLite run is allowed to skip; an xfail is not a skip
    assert "1 failed, 1 passed, 1 skipped, 1 xfailed" in done.stdout


def test_in_ci_on_postgresql_the_postgresql_only_test_may_not_skip(tmp_path):
    done = run_suite(tmp_path, CI="true", DATABASE_URL="postgres://postgres@127.0.0.1/x")
    assert "FAILED test_suite.py::test_postgresql_only" in done.stdout
    assert "2 failed, 1 passed, 1 xfailed" in done.stdout


@pytest.mark.parametrize("value", ["true", "1", "TRUE"])
def test_ci_is_read_from_the_environment(monkeypatch, value):
    from ci_skips import in_ci

    monkeypatch.setenv("CI", value)
    assert in_ci()
    monkeypatch.setenv("CI", "")
    assert not in_ci()
