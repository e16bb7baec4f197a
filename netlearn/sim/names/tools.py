"""The query loop of the bind tools (dig, nslookup, host: bind9's ``dighost.c``).

The first server gets ``tries`` attempts; after it, each further server one. A timeout or a
refusal prints ``;; communications error to SERVER#53: timed out|connection refused`` and tries
again; an unreachable network prints ``;; UDP setup with SERVER#53(SERVER) for NAME failed:
network unreachable.`` and moves to the next server at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import dns.name

from netlearn.sim.limits import MAX_TRIES
from netlearn.sim.names import resolver
from netlearn.sim.names.message import NXDOMAIN
from netlearn.sim.names.recursive import ANSWER, TIMEOUT, UNREACHABLE, Exchange, exchange

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology


@dataclass(slots=True)
class ToolQuery:
    lines: list[str] = field(default_factory=list)  # the ";; ..." lines printed on the way
    answered: Exchange | None = None
    only_unreachable: bool = True  # every failure was "network unreachable"
    exchanges: list[Exchange] = field(default_factory=list)


def tool_query(
    net: Topology,
    host: Host,
    servers: tuple[str, ...] | list[str],
    qname: dns.name.Name,
    qtype: int,
    *,
    tries: int,
    label: str,
    rd: bool = True,
) -> ToolQuery:
    result = ToolQuery()
    tries = min(tries, MAX_TRIES)
    for position, server in enumerate(servers):
        for _ in range(tries if position == 0 else 1):
            ex = exchange(net, host, server, qname, qtype, rd=rd)
            result.exchanges.append(ex)
            if ex.kind == ANSWER:
                result.answered = ex
                result.only_unreachable = False
                return result
            if ex.kind == UNREACHABLE:
                result.lines.append(
                    f";; UDP setup with {server}#53({server}) for {label} failed: "
                    "network unreachable."
                )
                break
            result.only_unreachable = False
            why = "timed out" if ex.kind == TIMEOUT else "connection refused"
            result.lines.append(f";; communications error to {server}#53: {why}")
    return result


def search_name(net: Topology, host: Host, servers, name: str, qtype: int) -> dns.name.Name | None:
    """The name nslookup and host ask for ``name``: with resolv.conf's ``search`` domains first
    when it has fewer dots than ``ndots`` (as glibc), the first that is not NXDOMAIN."""
    candidates = resolver.search_candidates(resolver.resolv_conf(host), name)
    if not candidates:
        return None
    for candidate in candidates[:-1]:
        probe = tool_query(net, host, servers, candidate, qtype, tries=1, label=name)
        if probe.answered is None:
            break
        if probe.answered.reply.rcode != NXDOMAIN:
            return candidate
    return candidates[-1]
