"""`ip neigh` (iproute2 6.1) and `arp` (net-tools 2.10): the per-host ARP table.

Entries are recorded by the forwarding model (``forwarding.learn``) whenever a host resolves a
next hop while delivering a packet (ping, traceroute, curl, dig ...), and on the host that
answered the ARP request. States are simplified: an answered entry is REACHABLE for 30 s of
``net.clock`` after it was last used, then STALE (Linux also shows DELAY/PROBE, with a random
15-45 s reachable time); an unanswered one is FAILED (Linux shows INCOMPLETE during the ~3 s
of probing). Entries are listed in the order they were first learned (Linux: hash order).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import CommandError
from ..parsing import matches, parse_address
from ..result import Result
from . import command

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology

REACHABLE_TIME = 30.0


def entries(host: Host, net: Topology, dev: str | None = None, ip: str | None = None):
    for key, (mac, seen) in host.neighbours.items():
        address, iface = key.split(" ")
        if (dev is not None and iface != dev) or (ip is not None and address != ip):
            continue
        state = "FAILED" if mac is None else "REACHABLE"
        if mac is not None and net.clock - seen > REACHABLE_TIME:
            state = "STALE"
        yield address, iface, mac, state


def run(args: list[str], host: Host, net: Topology, opts) -> Result:
    verb = args.pop(0) if args else "show"
    if matches(verb, "show") or matches(verb, "list"):
        flush = False
    elif matches(verb, "flush"):
        flush = True
    else:
        return Result.error(f'netlearn: "ip neigh {verb}" is not simulated', 1)
    dev = ip = None
    while args:
        word = args.pop(0)
        if word == "dev":
            if not args:
                raise CommandError('Command line is not complete. Try option "help"', 255)
            dev = args.pop(0)
            if dev not in host.interfaces:
                raise CommandError(f'Cannot find device "{dev}"', 1)
        elif word in ("nud", "proxy", "nomaster", "vrf", "master"):
            return Result.error(f'netlearn: "ip neigh {verb} {word}" is not simulated', 1)
        else:
            if word == "to" and args:
                word = args.pop(0)
            ip = str(parse_address(word))
    if opts.family == "inet6":
        return Result("")
    if flush:
        if dev is None and ip is None:
            raise CommandError("Flush requires arguments.", 255)
        for address, iface, _, _ in list(entries(host, net, dev, ip)):
            del host.neighbours[f"{address} {iface}"]
        return Result("")
    lines = []
    for address, iface, mac, state in entries(host, net, dev, ip):
        line = address if dev is not None else f"{address} dev {iface}"
        if mac is not None:
            line += f" lladdr {mac}"
        lines.append(f"{line} {state} \n")
    return Result("".join(lines))


@command("arp")
def arp(argv: list[str], host: Host, net: Topology) -> Result:
    """arp [-n]: the ARP table (net-tools)"""
    for opt in argv[1:]:
        if opt not in ("-n", "-a", "-e", "-v"):
            return Result.error(f"netlearn: arp {opt} is not simulated (try ip neigh)", 1)
    rows = []
    for address, iface, mac, _ in entries(host, net):
        if mac is None:
            rows.append(f"{address:<24} {'':<7} (incomplete)         {'':<21} {iface}")
        else:
            rows.append(f"{address:<24} ether   {mac:<19} C     {'':<15} {iface}")
    if not rows:
        return Result("")
    head = "Address                  HWtype  HWaddress           Flags Mask            Iface"
    return Result("\n".join([head, *rows]) + "\n")
