"""The Network: hosts, segments and a clock; the simulator's public entry point."""

from __future__ import annotations

import json
from ipaddress import IPv4Address
from typing import Any

from . import budget as budgets
from . import shell
from .budget import Budget
from .errors import ScenarioError, SimError
from .limits import MAX_STATE_BYTES
from .model import LOOPBACK, Host, Interface, Segment
from .result import Result

STATE_VERSION = 1


class Network:
    """A set of hosts joined by segments (switches).

    >>> net = Network.from_scenario({"segments": ["lan"], "hosts": {"A": {"interfaces": {
    ...     "eth0": {"segment": "lan", "address": "10.0.0.1/24"}}}}})
    >>> net.run("A", "ip route").output
    '10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1 \\n'
    """

    def __init__(self) -> None:
        self.hosts: dict[str, Host] = {}
        self.segments: dict[str, Segment] = {}
        self.clock: float = 0.0
        self.commands_run: int = 0
        self.last_state_bytes: int | None = None  # state_bytes() after the last run()

    # -- construction -----------------------------------------------------------------------

    @classmethod
    def from_scenario(cls, data: Any, *, budget: Budget = budgets.LOADING) -> Network:
        """Build a network from a scenario mapping; raises ScenarioError naming the path, or
        BudgetExceeded past ``budget`` (within any budget the caller has opened)."""
        from .scenario import build

        with budgets.limit(budget):
            return build(data)

    @classmethod
    def from_yaml(cls, text: str, *, budget: Budget = budgets.LOADING) -> Network:
        """Build a network from scenario YAML text; too long, invalid or bomb-shaped YAML is a
        ScenarioError like any other scenario mistake (``yamlload.load_yaml``)."""
        from .scenario import build
        from .yamlload import load_yaml

        with budgets.limit(budget):
            return build(load_yaml(text))

    def add_host(self, name: str) -> Host:
        host = Host.new(name)
        self.hosts[name] = host
        return host

    # -- running ----------------------------------------------------------------------------

    def host(self, name: str) -> Host:
        try:
            return self.hosts[name]
        except KeyError:
            raise SimError(f"there is no host named {name!r}") from None

    def run(self, host: str, line: str) -> Result:
        """Run one command line on ``host`` and return what the terminal shows.

        The line runs within the ``budget.COMMAND`` budget (a command past it answers like
        bash, status 152). A line that would grow the network's JSON past ``MAX_STATE_BYTES``
        (and past what it was) is undone and answered with an error; ``state_bytes`` then
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

    def state_bytes(self) -> int:
        """Bytes of ``json.dumps(self.to_dict())``: what storing this network takes."""
        return _json_bytes(self.to_dict())

    def _restore(self, state: dict) -> None:
        other = Network.from_dict(state)
        self.hosts, self.segments, self.clock = other.hosts, other.segments, other.clock
        self.commands_run = other.commands_run

    def check(self, goal: dict):
        """Grade one exercise goal (see checks.py) -> Outcome, within ``budget.CHECK`` (a check
        past it raises BudgetExceeded)."""
        from .checks import discover, run_check

        discover()  # import every check kind before the clock starts
        # Grading sends packets too; it must not leave entries in the hosts' ARP tables.
        saved = {n: {k: list(v) for k, v in h.neighbours.items()} for n, h in self.hosts.items()}
        try:
            with budgets.limit(budgets.CHECK):
                return run_check(self, goal)
        finally:
            for name, neighbours in saved.items():
                self.hosts[name].neighbours = neighbours

    def send(self, *args, **kwargs):
        """Send a packet hop by hop (forwarding.py, owned by the traffic module)."""
        from .forwarding import send

        return send(self, *args, **kwargs)

    def arp(
        self, segment: str | None, ip: IPv4Address, *, exclude: Host | None = None
    ) -> tuple[Host, Interface] | None:
        """Who answers "who has ``ip``?" on ``segment``: a host with an oper-up interface there
        that owns ``ip`` on any of its UP interfaces (Linux arp_ignore=0), first in host order.
        ``exclude`` is the asking host (a switch does not reflect a frame to its sender)."""
        if segment is None:
            return None
        ip = ip if type(ip) is IPv4Address else IPv4Address(ip)
        if ip in LOOPBACK or ip.is_multicast:
            return None
        for host in self.hosts.values():
            if host is exclude:
                continue
            for iface in host.interfaces.values():
                if (
                    iface.segment == segment
                    and iface.oper_up
                    and not iface.loopback
                    and host.local_interface_for(ip) is not None
                ):
                    return host, iface
        return None

    def plug(self, host: str, iface: str, segment: str | None) -> None:
        """Plug ``host``'s ``iface`` into ``segment``, or unplug it (None): carrier follows,
        routes through it stay and show ``linkdown`` while unplugged."""
        h = self.host(host)
        if iface not in h.interfaces or h.interfaces[iface].loopback:
            raise SimError(f"{host} has no interface {iface!r} to plug")
        if segment is not None and segment not in self.segments:
            raise SimError(f"there is no segment named {segment!r}")
        h.set_segment(iface, segment)

    def neighbours(self, segment: str) -> list[tuple[Host, Interface]]:
        """Every (host, interface) plugged into ``segment``."""
        return [
            (host, iface)
            for host in self.hosts.values()
            for iface in host.interfaces.values()
            if iface.segment == segment
        ]

    # -- state ------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """JSON-serialisable state; ``Network.from_dict`` restores it exactly."""
        return {
            "version": STATE_VERSION,
            "segments": list(self.segments),
            "hosts": {name: host.to_dict() for name, host in self.hosts.items()},
            "clock": self.clock,
            "commands_run": self.commands_run,
        }

    @classmethod
    def from_dict(cls, data: dict, *, budget: Budget = budgets.LOADING) -> Network:
        """The network ``to_dict`` saved, rebuilt within ``budget``."""
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise ScenarioError("state", f"not a network state of version {STATE_VERSION}")
        net = cls()
        with budgets.limit(budget):
            net.segments = {name: Segment(name) for name in data.get("segments", [])}
            hosts = data.get("hosts", {})
            routes = sum(len(h.get("routes", ())) for h in hosts.values())
            doing = f"rebuilding a network of {len(hosts)} hosts and {routes} routes"
            for name, h in hosts.items():
                budgets.spend(1 + len(h.get("routes", ())), doing)
                net.hosts[name] = Host.from_dict(name, h)
        net.clock = float(data.get("clock", 0.0))
        net.commands_run = int(data.get("commands_run", 0))
        return net

    def __repr__(self) -> str:
        return f"<Network hosts={list(self.hosts)} segments={list(self.segments)}>"


def _json_bytes(state: dict) -> int:
    return len(json.dumps(state))
