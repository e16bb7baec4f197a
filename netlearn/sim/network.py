"""The Network: the simulator's public entry point (the facade over every layer below).

A ``Network`` is the state of ``topology.Topology`` plus what a caller does with it: build it from
a scenario, run a command line on a host, grade a goal, send a packet.
"""

from __future__ import annotations

from typing import Any

from . import checks, forwarding, scenario, shell
from .checks import Outcome
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

    @classmethod
    def from_scenario(cls, data: Any) -> Network:
        """Build a network from a scenario mapping; raises ScenarioError naming the path."""
        return scenario.build(data, cls())

    @classmethod
    def from_yaml(cls, text: str) -> Network:
        """Build a network from scenario YAML text; too long, invalid or bomb-shaped YAML is a
        ScenarioError like any other scenario mistake (``yamlload.load_yaml``)."""
        return scenario.build(load_yaml(text), cls())

    def run(self, host: str, line: str) -> Result:
        """Run one command line on ``host`` and return what the terminal shows."""
        return shell.run(self, self.host(host), line)

    def check(self, goal: dict) -> Outcome:
        """Grade one exercise goal (see checks/) -> Outcome."""
        # Grading sends packets too; it must not leave entries in the hosts' ARP tables.
        saved = {n: {k: list(v) for k, v in h.neighbours.items()} for n, h in self.hosts.items()}
        try:
            return checks.run_check(self, goal)
        finally:
            for name, neighbours in saved.items():
                self.hosts[name].neighbours = neighbours

    def send(self, *args: Any, **kwargs: Any) -> Trace:
        """Send a packet hop by hop (``forwarding.send``)."""
        return forwarding.send(self, *args, **kwargs)
