"""The suite's own layout: test folders are not packages, so two test files with one basename
cannot be collected in one run (pytest stops with "import file mismatch"): CI once failed so."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_no_two_test_files_share_a_basename():
    places: dict[str, list[str]] = defaultdict(list)
    for path in TESTS.rglob("test_*.py"):
        places[path.name].append(str(path.relative_to(TESTS)))
    shared = {name: where for name, where in places.items() if len(where) > 1}
    assert shared == {}, f"rename one of each: {shared}"
