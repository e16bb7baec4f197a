"""``python -m benchmarks.terminal_logs``: the commands kept in the terminal logs, as JSON.

The benchmarks run it in the stack's environment (its settings and database, through
``Stack.terminal_logs``) after the load, to compare the commands answered 200 with the commands
stored, and to check that no terminal reached its limit (a full terminal refuses commands, which
would measure nothing). Counting through the ORM keeps the benchmarks free of the tables' names.

Prints one line: ``{"per_learner": {username: commands}, "longest": commands in the fullest
terminal}``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def counts() -> dict:
    from django.db.models import Count, Max

    from lessons.models import TerminalEntry

    per_learner = dict(
        TerminalEntry.objects.values_list("workspace__learner__username")
        .annotate(commands=Count("id"))
        .order_by()
    )
    longest = (
        TerminalEntry.objects.values("workspace")
        .annotate(commands=Count("id"))
        .order_by()
        .aggregate(longest=Max("commands"))["longest"]
    )
    return {"per_learner": per_learner, "longest": longest or 0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.terminal_logs",
        description="Print the commands kept in each learner's terminal logs as JSON (run by "
        "the benchmarks with the stack's settings: DATABASE_URL and the rest).",
    )
    parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netlearn.settings")
    import django

    django.setup()
    print(json.dumps(counts()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
