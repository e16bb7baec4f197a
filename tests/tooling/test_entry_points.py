"""Every command-line entry point answers --help with its usage, at once, without doing its work
(``python -m benchmarks`` used to run the whole benchmark when asked for help)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON_MODULES = [
    "benchmarks",
    "benchmarks.sim",
    "benchmarks.web",
    "benchmarks.load",
    "benchmarks.hostile",
    "benchmarks.terminal_logs",
    "benchmarks.web_inprocess",
    "netlearn.sim",
]
SCRIPTS = [
    [sys.executable, "scripts/check_module_size.py"],
    ["bash", "scripts/install-test-deps.sh"],
    ["sh", "deploy/entrypoint.sh"],
]
PROJECT_APPS = ("accounts", "instructors", "lessons", "netlearn")


def help_of(argv: list[str]) -> subprocess.CompletedProcess:
    # Nothing to work on, should --help be ignored: no database, no PostgreSQL, no Redis.
    env = {**os.environ, "DATABASE_URL": "sqlite:////nonexistent/netlearn-help.sqlite3"}
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [*argv, "--help"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("module", PYTHON_MODULES)
def test_python_module_answers_help_with_its_usage(module, tmp_path):
    done = help_of([sys.executable, "-m", module])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: python -m {module}"), done.stdout
    assert done.stderr == ""


@pytest.mark.parametrize("argv", SCRIPTS, ids=lambda argv: argv[-1])
def test_script_answers_help_with_its_usage(argv):
    done = help_of(argv)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"usage: {argv[-1]}"), done.stdout
    assert "Traceback" not in done.stderr


def test_manage_py_help_lists_the_project_commands():
    done = help_of([sys.executable, "manage.py"])
    assert done.returncode == 0, done.stderr
    assert "Available subcommands:" in done.stdout
    assert "[lessons]" in done.stdout and "loadlessons" in done.stdout


def test_the_benchmark_help_lists_its_parts_and_runs_nothing():
    results = ROOT / "benchmarks" / "results"
    before = {p.name: p.stat().st_mtime for p in results.iterdir()} if results.is_dir() else {}
    done = help_of([sys.executable, "-m", "benchmarks"])
    assert "python -m benchmarks.sim" in done.stdout and "python -m benchmarks.web" in done.stdout
    after = {p.name: p.stat().st_mtime for p in results.iterdir()} if results.is_dir() else {}
    assert after == before, "asking for help wrote results"


def test_the_load_test_help_names_its_options():
    done = help_of([sys.executable, "-m", "benchmarks.load"])
    for option in ("--learners", "--seconds", "--think", "--arrive", "--results"):
        assert option in done.stdout


def project_commands() -> list[str]:
    from django.core.management import get_commands

    return sorted(name for name, app in get_commands().items() if app.split(".")[0] in PROJECT_APPS)


def test_the_project_has_management_commands():
    assert {"loadlessons", "createinstructor"} <= set(project_commands())


@pytest.mark.parametrize("command", project_commands())
def test_management_command_answers_help(command, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", command, "--help"]).execute()
    assert exit_.value.code in (0, None)
    out = capsys.readouterr().out
    assert out.startswith(f"usage: manage.py {command}"), out
