"""The Network: the simulator's public entry point (the facade over every layer below).

A ``Network`` is the state of ``topology.Topology`` plus what a caller does with it: build it from
a scenario, run a command line on a host, grade a goal, send a packet. Each entry point runs
within a budget (``budget.py``): no input can hold a caller longer than it allows.
"""

from __future__ import annotations

import json
from typing import Any

from . import budget as budgets
from . import checks, forwarding, scenario, shell
from .budget import Budget
from .checks import Outcome
from .limits import MAX_STATE_BYTES
from .result import Result
from .topology import STATE_VERSION, Topology
from .trace import Trace
from .yamlload import load_yaml

__all__ = ["STATE_VERSION", "Network"]


class Network(Topology):
    """A set of hosts joined by segments (switches).

    >>> net = Network.from_scenario({"segments": ["lan"], "hosts": {"A": {"interfaces": {
    ...     "eth0": {"segment": "lan", "address": "10.0.0.1/24"}}}}})
    >>> net.run("A", "ip route").output
    '10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1 \\n'
    """

    def __init__(self) -> None:
        super().__init__()
        self.last_state_bytes: int | None = None  # state_bytes() after the last run()

    @classmethod
    def from_scenario(cls, data: Any, *, budget: Budget = budgets.LOADING) -> Network:
        """Build a network from a scenario mapping; raises ScenarioError naming the path, or
        BudgetExceeded past ``budget`` (within any budget the caller has opened)."""
        with budgets.limit(budget):
            return scenario.build(data, cls())

    @classmethod
    def from_yaml(cls, text: str, *, budget: Budget = budgets.LOADING) -> Network:
        """Build a network from scenario YAML text; too long, invalid or bomb-shaped YAML is a
        ScenarioError like any other scenario mistake (``yamlload.load_yaml``)."""
        with budgets.limit(budget):
            return scenario.build(load_yaml(text), cls())

    def run(self, host: str, line: str) -> Result:
        """Run one command line on ``host`` and return what the terminal shows.

        The line runs within the ``budget.COMMAND`` budget (a command past it answers like
        bash, status 152). A line that would grow the network's JSON past ``MAX_STATE_BYTES``
        (and past what it was) is undone and answered with an error; ``last_state_bytes`` then
        holds the size measured after the line, so a caller storing the state need not
        measure it again.
        """
        where = self.host(host)
        before = self.to_dict()
        result = shell.run(self, where, line)
        size = self.state_bytes()
        if size > MAX_STATE_BYTES and size > _json_bytes(before):
            self._restore(before)
            self.commands_run += 1
            self.last_state_bytes = self.state_bytes()
            name = (line.split() or ["bash"])[0]
            return Result.error(
                f"bash: {name}: resource limit exceeded: the network would take {size // 1024} KB"
                f" (the simulator keeps at most {MAX_STATE_BYTES // 1024} KB); nothing changed",
                1,
            )
        self.last_state_bytes = size
        return result

    def _restore(self, state: dict) -> None:
        other = Network.from_dict(state)
        self.hosts, self.segments, self.clock = other.hosts, other.segments, other.clock
        self.commands_run = other.commands_run

    def check(self, goal: dict) -> Outcome:
        """Grade one exercise goal (see checks/) -> Outcome, within ``budget.CHECK`` (a check
        past it raises BudgetExceeded)."""
        # Grading sends packets too; it must not leave entries in the hosts' ARP tables.
        saved = {n: {k: list(v) for k, v in h.neighbours.items()} for n, h in self.hosts.items()}
        try:
            with budgets.limit(budgets.CHECK):
                return checks.run_check(self, goal)
        finally:
            for name, neighbours in saved.items():
                self.hosts[name].neighbours = neighbours

    def send(self, *args: Any, **kwargs: Any) -> Trace:
        """Send a packet hop by hop (``forwarding.send``)."""
        return forwarding.send(self, *args, **kwargs)


def _json_bytes(state: dict) -> int:
    return len(json.dumps(state))
