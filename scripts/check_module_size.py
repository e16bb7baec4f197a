#!/usr/bin/env python3
"""Fail when a Python module is longer than --max-lines (``make lint``'s module-size gate).

A module that long holds more than one concept and is hard to read in one sitting: split it by
concept. Migrations (generated) and tests are not counted. Prints every offender, longest first.

    python scripts/check_module_size.py netlearn lessons accounts instructors benchmarks scripts
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

MAX_LINES = 500
SKIPPED_DIRS = {"migrations", "tests", ".venv", "__pycache__", "node_modules", ".git"}


def modules(paths: list[Path]) -> list[Path]:
    """The Python files under ``paths`` (files or folders), migrations and tests left out."""
    found = []
    for path in paths:
        candidates = [path] if path.is_file() else sorted(path.rglob("*.py"))
        found += [
            p for p in candidates if p.suffix == ".py" and not SKIPPED_DIRS & set(p.parts[:-1])
        ]
    return found


def too_long(paths: list[Path], max_lines: int) -> list[tuple[int, Path]]:
    """(lines, path) of every module over ``max_lines``, longest first."""
    sizes = [(len(p.read_text(encoding="utf-8").splitlines()), p) for p in modules(paths)]
    return sorted(((n, p) for n, p in sizes if n > max_lines), reverse=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/check_module_size.py",
        description="Fail when a Python module (migrations and tests aside) is over --max-lines.",
    )
    parser.add_argument("paths", nargs="+", type=Path, help="packages, folders or files")
    parser.add_argument("--max-lines", type=int, default=MAX_LINES, help="default %(default)s")
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        parser.error(f"no such file or folder: {', '.join(missing)}")
    offenders = too_long(args.paths, args.max_lines)
    for lines, path in offenders:
        print(f"{path}: {lines} lines (at most {args.max_lines}): split it by concept")
    return 1 if offenders else 0


if __name__ == "__main__":
    sys.exit(main())
