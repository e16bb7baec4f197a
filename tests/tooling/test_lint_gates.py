"""make lint's gates: the module-size script (scripts/check_module_size.py) and the complexity gate
(xenon at rank C: a function of cyclomatic complexity 21 fails, 20 passes)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZE = ROOT / "scripts" / "check_module_size.py"


def size_gate(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SIZE), *map(str, args)], capture_output=True, text=True, timeout=60
    )


def lines(n: int) -> str:
    return "".join(f"x{i} = {i}\n" for i in range(n))


def test_a_module_over_500_lines_fails_and_is_named(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "big.py").write_text(lines(501))
    (tmp_path / "pkg" / "fine.py").write_text(lines(500))
    done = size_gate(tmp_path / "pkg")
    assert done.returncode == 1
    assert (
        done.stdout
        == f"{tmp_path / 'pkg' / 'big.py'}: 501 lines (at most 500): split it by concept\n"
    )


def test_migrations_and_tests_are_not_counted(tmp_path):
    for folder in ("pkg/migrations", "pkg/tests"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "0001_initial.py").write_text(lines(900))
    done = size_gate(tmp_path / "pkg", "--max-lines", "500")
    assert (done.returncode, done.stdout) == (0, "")


def test_a_missing_path_is_an_error_not_a_pass(tmp_path):
    done = size_gate(tmp_path / "nothing-here")
    assert done.returncode == 2
    assert "no such file or folder" in done.stderr


def branches(n: int) -> str:
    """A function of cyclomatic complexity ``n`` (1 + one per ``if``)."""
    body = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(n - 1))
    return f"def f(x):\n{body}    return -1\n"


def test_the_complexity_gate_allows_20_and_fails_21(tmp_path):
    xenon = shutil.which("xenon", path=str(Path(sys.executable).parent))
    assert xenon, "xenon is a dev dependency (pyproject.toml)"
    (tmp_path / "ok.py").write_text(branches(20))
    (tmp_path / "bad.py").write_text(branches(21))
    ok = subprocess.run([xenon, "--max-absolute", "C", str(tmp_path / "ok.py")],
                        capture_output=True, text=True, timeout=60)  # fmt: skip
    bad = subprocess.run([xenon, "--max-absolute", "C", str(tmp_path / "bad.py")],
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert bad.returncode == 1 and "bad.py:1 f" in bad.stderr


def test_make_lint_runs_both_gates_over_the_project():
    makefile = (ROOT / "Makefile").read_text()
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert 'xenon --max-absolute C --exclude "*/migrations/*" $(LINT_PATHS)' in lint
    assert "scripts/check_module_size.py --max-lines 500 $(LINT_PATHS)" in lint
    assert "\ntest: lint\n" in makefile, "make test runs make lint's checks first"
