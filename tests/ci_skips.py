"""Under ``CI=true`` a skipped test fails, unless its skip is conditional by design.

A suite that skips because a tool, a service or a file is missing has proved nothing, and a
skip is easy to miss in a green run (a fresh clone once skipped 94 fidelity tests without anyone
noticing). So in CI every skip becomes a failure that names its reason, except the few in
``ALLOWED``, each legitimate only under a stated condition: a PostgreSQL-only test on the SQLite
run (``make test-db`` runs it again on PostgreSQL), an opt-in exploration nobody asked for.
Expected failures (``xfail``) are not skips and are left alone: a strict xfail still runs.

``tests/conftest.py`` imports the two hooks below, so they apply to every suite under ``tests/``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest


@dataclass(frozen=True, slots=True)
class AllowedSkip:
    pattern: str  # searched in the skip's reason
    why: str
    applies: Callable[[], bool]  # whether this run is one where the skip is legitimate


def _database_is_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


ALLOWED: tuple[AllowedSkip, ...] = (
    AllowedSkip(
        pattern=r"DATABASE_URL=postgres",
        why="a PostgreSQL-only test on the SQLite run; `make test-db` runs it on PostgreSQL",
        applies=lambda: not _database_is_postgresql(),
    ),
    AllowedSkip(
        pattern=r"^opt-in exploration of iproute2's argument parser",
        why="the kernel syntax fuzz runs when asked for (NETLEARN_KERNEL_SYNTAX_SEEDS=N): it "
        "explores malformed `ip` lines and still finds open differences, so it is no gate",
        applies=lambda: not os.environ.get("NETLEARN_KERNEL_SYNTAX_SEEDS"),
    ),
)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def allowed(reason: str) -> bool:
    return any(re.search(rule.pattern, reason) and rule.applies() for rule in ALLOWED)


def _reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (path, line, "Skipped: why")
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _fail_if_not_allowed(report: pytest.TestReport | pytest.CollectReport) -> None:
    if not in_ci() or not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = _reason(report)
    if allowed(reason):
        return
    report.outcome = "failed"
    report.longrepr = (
        f"skipped under CI=true, which fails CI (install the missing tool or service, or make "
        f"the skip conditional in tests/ci_skips.py ALLOWED): {reason}"
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    _fail_if_not_allowed(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    _fail_if_not_allowed(outcome.get_result())
