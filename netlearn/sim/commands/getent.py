"""``getent hosts|ahosts|ahostsv4|ahostsv6 [KEY...]``: glibc's resolver, /etc/hosts first.

``getent hosts NAME`` asks for IPv6 first, then IPv4 (gethostbyname2), and prints
``%-15s NAME ALIASES``; ``getent ahosts`` prints getaddrinfo's list with STREAM/DGRAM/RAW. A key
that is not found prints nothing and makes the status 2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from netlearn.sim.commands import command
from netlearn.sim.names import resolver
from netlearn.sim.result import Result

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology

# glibc's getent prints the hint on stdout and the error on stderr.
TRY = "Try `getent --help' or `getent --usage' for more information.\n"
DATABASES = ("ahosts", "ahostsv4", "ahostsv6", "hosts")
SOCKTYPES = ("STREAM", "DGRAM ", "RAW   ")


def _hosts_line(address: str, canonical: str | None, aliases: tuple[str, ...]) -> str:
    return f"{address:<15} {' '.join([str(canonical), *aliases])}"


def _hosts(net: Topology, host: Host, key: str) -> list[str] | None:
    numeric = resolver.numeric_address(key)
    if numeric is not None:
        found = resolver.gethostbyaddr(net, host, numeric)
        if not found.ok:
            return None
        return [_hosts_line(key, found.canonical, found.aliases)]
    for family in (6, 4):
        found = resolver.gethostbyname2(net, host, key, family)
        if found.ok:
            return [_hosts_line(str(a), found.canonical, found.aliases) for a in found.addresses]
    return None


def _ahosts(net: Topology, host: Host, key: str, families: tuple[int, ...]) -> list[str] | None:
    found = resolver.getaddrinfo(net, host, key, families=families)
    if not found.ok:
        if families == (6,):  # AI_V4MAPPED: IPv4 answers as ::ffff:a.b.c.d
            v4 = resolver.getaddrinfo(net, host, key, families=(4,))
            if not v4.ok:
                return None
            found = v4
            addresses = [f"::ffff:{a}" for a in v4.addresses]
        else:
            return None
    else:
        addresses = [str(a) for a in found.addresses]
    lines = []
    for index, address in enumerate(addresses):
        for sock_index, socktype in enumerate(SOCKTYPES):
            name = found.canonical if index == 0 and sock_index == 0 else ""
            lines.append(f"{address:<15} {socktype} {name}")
    return lines


def _enumerate(host: Host) -> list[str]:
    return [
        _hosts_line(str(entry.address), entry.names[0], entry.names[1:])
        for entry in resolver.hosts_entries(host)
    ]


@command("getent")
def getent(argv: list[str], host: Host, net: Topology) -> Result:
    if len(argv) < 2:
        return Result(TRY, "getent: wrong number of arguments\n", 1)
    database, keys = argv[1], argv[2:]
    if database not in DATABASES:
        return Result(TRY, f"Unknown database: {database}\n", 1)
    if not keys:
        return Result("".join(line + "\n" for line in _enumerate(host)), "", 0)
    out: list[str] = []
    status = 0
    for key in keys:
        if database == "hosts":
            lines = _hosts(net, host, key)
        else:
            families = {"ahosts": (4, 6), "ahostsv4": (4,), "ahostsv6": (6,)}[database]
            lines = _ahosts(net, host, key, families)
        if lines is None:
            status = 2
        else:
            out += lines
    return Result("".join(line + "\n" for line in out), "", status)
