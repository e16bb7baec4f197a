"""The terminal kind: the learner types commands, and the network as they left it is graded.

Solution: ``{commands: {A: ["ip route add ..."], C: [...]}}``, run host by host on the starting
network; a solution command that fails is a problem (a solution has no failing commands). The
learner's work is the workspace: its network (``{"network": Network.to_dict()}`` in the state)
and its log of commands, which ``replay`` runs again on a new version of the exercise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lessons.diagram import natural_key
from lessons.kinds.base import Problem
from lessons.kinds.network import NetworkKind, page_diagram, starting_network
from netlearn.sim import Network
from netlearn.sim.limits import MAX_LINE

MAX_SOLUTION_COMMANDS = 200  # commands in a terminal solution


def run_commands(net: Network, commands: Any, *, path: str) -> list[Problem]:
    """Run a terminal solution (``{host: [line, ...]}``) on ``net``; a failing line is a
    problem (a solution does not contain commands that fail)."""
    if not isinstance(commands, dict):
        return [Problem(path, "must map host names to lists of command lines")]
    problems = []
    count = 0
    for host, lines in commands.items():
        hpath = f"{path}.{host}"
        if host not in net.hosts:
            problems.append(Problem(hpath, f"there is no host named {host!r} in the scenario"))
            continue
        if isinstance(lines, str):
            lines = [lines]
        if not isinstance(lines, list):
            problems.append(Problem(hpath, "must be a list of command lines"))
            continue
        for i, line in enumerate(lines):
            count += 1
            if count > MAX_SOLUTION_COMMANDS:
                return [*problems, Problem(path, f"at most {MAX_SOLUTION_COMMANDS} commands")]
            if not isinstance(line, str) or len(line) > MAX_LINE:
                problems.append(Problem(f"{hpath}[{i}]", "must be one command line"))
                continue
            result = net.run(host, line)
            if result.status != 0:
                shown = result.output.strip() or f"exit status {result.status}"
                problems.append(Problem(f"{hpath}[{i}]", f"`{line}` fails on {host}: {shown}"))
    return problems


def replay(spec: dict, log: Iterable[Mapping]) -> Network:
    """The starting network with a workspace's logged commands run again (to carry a learner's
    work over to a new version of the exercise). Lines for hosts that are gone are skipped."""
    net = starting_network(spec)
    for entry in log:
        host, line = entry.get("host"), entry.get("command")
        if host in net.hosts and isinstance(line, str):
            net.run(host, line)
    return net


class TerminalKind(NetworkKind):
    name = "terminal"
    label = "Terminal"
    solution_key = "commands"
    terminal = True
    template = "lessons/lesson.html#terminal-exercise"

    def solved_network(self, spec: dict, path: str) -> tuple[Network | None, list[Problem]]:
        net = starting_network(spec)
        commands = (spec.get("solution") or {}).get("commands")
        problems = run_commands(net, commands, path=f"{path}.commands")
        return net, problems

    def network(self, spec: dict, *, submission: Any = None, network: Any = None) -> Network:
        """The workspace's network (the starting one when the learner has none yet)."""
        return network if network is not None else starting_network(spec)

    def fresh_state(self, spec: dict) -> dict:
        """The starting network; the log is the workspace's TerminalEntry rows (none yet)."""
        return {"network": starting_network(spec).to_dict()}

    def page_context(self, *, spec: dict, view: Any, host: str, extra: dict) -> dict:
        """The terminal's tabs (the host asked for, else the last command's), its log, and the
        network as the learner left it, with the last ping's path."""
        hosts = sorted(view.hosts, key=natural_key)
        host = host or (view.log[-1]["host"] if view.log else "")
        host = host if host in hosts else (hosts[0] if hosts else "")
        path = view.path if not view.outdated else None
        return {
            "hosts": hosts,
            "host": host,
            "host_index": hosts.index(host) + 1 if host in hosts else 1,
            "log": view.log,
            "diagram": page_diagram(view.network, path),
        }


KIND = TerminalKind()
