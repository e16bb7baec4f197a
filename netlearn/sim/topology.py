"""The network's state: hosts, the segments joining them, a clock.

``Topology`` is what traffic, names and the commands work on (``net`` in their signatures); the
facade ``Network`` (network.py) is a ``Topology`` that can also be built from a scenario, run a
command line and grade a goal. Keeping the state here lets every lower layer name its type
without importing the facade that sits on top of them.
"""

from __future__ import annotations

import json
from ipaddress import IPv4Address
from typing import Self

from . import budget as budgets
from .budget import Budget
from .errors import ScenarioError, SimError
from .model import LOOPBACK, Host, Interface, Segment

STATE_VERSION = 1


class Topology:
    """A set of hosts joined by segments (switches), and the simulated clock."""

    def __init__(self) -> None:
        self.hosts: dict[str, Host] = {}
        self.segments: dict[str, Segment] = {}
        self.clock: float = 0.0
        self.commands_run: int = 0

    def add_host(self, name: str) -> Host:
        host = Host.new(name)
        self.hosts[name] = host
        return host

    def host(self, name: str) -> Host:
        try:
            return self.hosts[name]
        except KeyError:
            raise SimError(f"there is no host named {name!r}") from None

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

    # -- state ------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """JSON-serialisable state; ``from_dict`` restores it exactly."""
        return {
            "version": STATE_VERSION,
            "segments": list(self.segments),
            "hosts": {name: host.to_dict() for name, host in self.hosts.items()},
            "clock": self.clock,
            "commands_run": self.commands_run,
        }

    def state_bytes(self) -> int:
        """Bytes of ``json.dumps(self.to_dict())``: what storing this network takes."""
        return len(json.dumps(self.to_dict()))

    @classmethod
    def from_dict(cls, data: dict, *, budget: Budget = budgets.LOADING) -> Self:
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
        return f"<{type(self).__name__} hosts={list(self.hosts)} segments={list(self.segments)}>"
