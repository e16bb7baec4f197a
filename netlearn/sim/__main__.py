"""``python -m netlearn.sim SCENARIO.yaml``: try a scenario in a terminal, without the web app.

Each input line is a command for the current host; ``B$ command`` runs it on host B and makes B
current, ``B$`` alone switches. Interactive sessions prompt ``A$ ``; piped input is echoed as
``A$ command`` before its output, so a session reads like the reference transcripts::

    printf 'A$ ip route\\nR$ sysctl net.ipv4.ip_forward\\n' | python -m netlearn.sim lesson.yaml

The file may hold a scenario, or an exercise mapping with ``scenario:`` (and ``goals:``, graded at
the end with ``--check``, status 1 if one fails). A bad scenario prints the ScenarioError and
exits with status 2.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TextIO

from .errors import ScenarioError
from .network import Network
from .yamlload import load_yaml

PROMPT = re.compile(r"^([A-Za-z0-9_.-]+)\$(?: (.*)|)$")
EXIT_WORDS = {"exit", "quit", "logout"}


def load(path: str) -> tuple[Network, list]:
    """The network of a scenario file (or of an exercise mapping's ``scenario``) and its goals."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioError("", f"cannot read {path}: {exc.strerror}") from None
    try:
        data = load_yaml(text)
    except ScenarioError as exc:
        raise ScenarioError("", f"{path}: {exc}") from None
    goals: list = []
    if isinstance(data, dict) and "exercise" in data and isinstance(data["exercise"], dict):
        data = data["exercise"]
    if isinstance(data, dict) and "scenario" in data:
        goals = data.get("goals") or []
        data = data["scenario"]
    return Network.from_scenario(data), goals


def session(
    net: Network, lines: TextIO, out: TextIO, *, interactive: bool, status: bool = False
) -> None:
    """Run every line of ``lines`` on ``net``; write what a terminal would show to ``out``."""
    hosts = list(net.hosts)
    if not hosts:
        out.write("the scenario has no hosts\n")
        return
    current = hosts[0]
    while True:
        if interactive:
            out.write(f"{current}$ ")
            out.flush()
        line = lines.readline()
        if not line:
            if interactive:
                out.write("\n")
            return
        line = line.rstrip("\n")
        match = PROMPT.match(line)
        if match:
            name, line = match.group(1), match.group(2) or ""
            if name not in net.hosts:
                out.write(f"there is no host named {name!r} (hosts: {', '.join(hosts)})\n")
                continue
            current = name
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.strip() in EXIT_WORDS:
            return
        if not interactive:
            out.write(f"{current}$ {line}\n")
        result = net.run(current, line)
        out.write(result.output)
        if status:
            out.write(f"[exit status {result.status}]\n")
        out.flush()


def grade(net: Network, goals: list, out: TextIO) -> int:
    failed = 0
    for goal in goals:
        outcome = net.check(goal)
        word = "Passed" if outcome.passed else "Failed"
        cause = f" [{outcome.cause}]" if outcome.cause else ""
        out.write(f"{word}: {outcome.message}{cause}\n")
        failed += not outcome.passed
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m netlearn.sim",
        description="Run commands on a simulated network: 'A$ command' lines, from a terminal "
        "or piped in.",
    )
    parser.add_argument("scenario", help="a scenario YAML file (or an exercise with scenario:)")
    parser.add_argument(
        "--status", action="store_true", help="print [exit status N] after each command"
    )
    parser.add_argument(
        "--check", action="store_true", help="grade the exercise's goals after the session"
    )
    args = parser.parse_args(argv)
    try:
        net, goals = load(args.scenario)
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return 2
    session(net, sys.stdin, sys.stdout, interactive=sys.stdin.isatty(), status=args.status)
    if args.check:
        try:
            failed = grade(net, goals, sys.stdout)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            return 2
        return 1 if failed else 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
