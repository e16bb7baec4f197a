"""DNS over the simulated network: one query/reply exchange, what a server does with a query,
and the iteration a recursive resolver performs from its root hints.

An exchange is a UDP datagram to port 53 of the server's address and the reply back:

- the client has no route to the address: ``unreachable`` (the socket's ``connect`` fails,
  nothing is sent; dig prints ``UDP setup ... failed: network unreachable.``);
- the datagram or the reply is lost on the way: ``timeout``;
- it arrives at a host that runs no DNS server: ``refused`` (ICMP port unreachable comes back);
- otherwise the server's reply.

A server answers from its zones (authoritative); for other names, if it offers recursion, it
forwards to its ``forwarders`` or iterates from its ``root_hints`` (root -> TLD -> zone), following
CNAMEs; answers are cached by TTL. Otherwise it refuses.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import TYPE_CHECKING

import dns.name
import dns.rdatatype

from netlearn.sim.budget import spend
from netlearn.sim.limits import MAX_CNAME_CHAIN
from netlearn.sim.names.cache import Cache
from netlearn.sim.names.message import (
    NOERROR,
    NXDOMAIN,
    REFUSED,
    SERVFAIL,
    Response,
    rrset_with_ttl,
)
from netlearn.sim.names.server import authoritative_answer, chain_end
from netlearn.sim.names.service import DnsService, dns_service
from netlearn.sim.names.transport import round_trip

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology

MAX_REFERRALS = 16  # delegations followed in one iteration (root -> com -> example.com is 2)
MAX_DNS_DEPTH = 6  # servers asking servers (a forwarder forwarding to a forwarder ...)
MAX_QUERIES = 256  # queries one client query may cause in the whole network
MAX_NCACHE_TTL = 10_800  # BIND's max-ncache-ttl
MAX_NS_TRIED = 13  # name servers tried per delegation (as many as there are root servers)

# Queries left for the client query being answered (None outside any query).
_budget: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "dns_budget", default=None
)

UNREACHABLE = "unreachable"
TIMEOUT = "timeout"
REFUSED_KIND = "refused"
ANSWER = "answer"


@dataclass(frozen=True, slots=True)
class Exchange:
    """The outcome of one query to one server address."""

    kind: str  # answer | unreachable | timeout | refused
    server: str
    response: Response | None = None
    detail: str = ""  # why a query was lost (for checks)
    server_host: str | None = None

    @property
    def reply(self) -> Response:
        """The response of an answered exchange (``kind == ANSWER``)."""
        assert self.response is not None, self.kind
        return self.response


@dataclass(slots=True)
class Step:
    """One server asked during an iteration (dig +trace prints these)."""

    server: str
    server_name: str | None
    response: Response


@dataclass(slots=True)
class Iteration:
    response: Response | None
    steps: list[Step] = field(default_factory=list)


def exchange(
    net: Topology,
    client,
    server: str,
    qname: dns.name.Name,
    qtype: int,
    *,
    rd: bool = True,
    depth: int = 0,
) -> Exchange:
    """Send one query from ``client`` to ``server`` (an address) and wait for its reply.

    Every query it causes downstream (recursion, forwarding) shares one budget of
    ``MAX_QUERIES``; a resolution that runs out answers SERVFAIL.
    """
    spend(1, f"sending DNS queries for {qname}")
    budget = _budget.get()
    if budget is None:
        token = _budget.set([MAX_QUERIES])
        try:
            return exchange(net, client, server, qname, qtype, rd=rd, depth=depth)
        finally:
            _budget.reset(token)
    budget[0] -= 1
    if budget[0] < 0:
        return Exchange(ANSWER, server, Response(qname, qtype, rcode=SERVFAIL, ra=True, rd=rd))
    there, back = round_trip(net, client, ip_address(server))
    if there.kind == "no-route":
        return Exchange(UNREACHABLE, server)
    if there.kind == "lost":
        return Exchange(TIMEOUT, server, detail=there.detail)
    if back is None or back.kind == "no-route" or back.kind == "lost":
        detail = (
            back.detail if back else ""
        ) or f"{there.receiver.name} cannot send the reply back"
        return Exchange(TIMEOUT, server, detail=detail, server_host=there.receiver.name)
    service = dns_service(there.receiver)
    if service is None:
        return Exchange(REFUSED_KIND, server, server_host=there.receiver.name)
    response = serve(net, there.receiver, service, qname, qtype, rd=rd, depth=depth + 1)
    return Exchange(ANSWER, server, response, server_host=there.receiver.name)


def serve(
    net: Topology,
    host: Host,
    service: DnsService,
    qname: dns.name.Name,
    qtype: int,
    *,
    rd: bool = True,
    depth: int = 1,
) -> Response:
    """The reply ``host``'s DNS server gives to a query."""
    ra = service.offers_recursion
    local = authoritative_answer(service.zones, qname, qtype, ra=ra, rd=rd)
    recurse = ra and rd
    if local is not None and not (local.is_referral and recurse):
        end, complete = chain_end(local)
        leaves = all(not end.is_subdomain(z.origin) for z in service.zones)
        if recurse and local.rcode == NOERROR and local.answer and not complete and leaves:
            rest = resolve(net, host, service, end, qtype, depth=depth)
            return rest.with_flags(qname=qname, aa=False, answer=local.answer + rest.answer)
        return local
    if not recurse:
        return Response(qname, qtype, rcode=REFUSED, ra=ra, rd=rd)
    return resolve(net, host, service, qname, qtype, depth=depth)


def resolve(
    net: Topology,
    host: Host,
    service: DnsService,
    qname: dns.name.Name,
    qtype: int,
    *,
    depth: int = 1,
) -> Response:
    """Recursive resolution on ``host``: the cache, else the forwarders, else iteration."""
    now = float(getattr(net, "clock", 0.0))
    cache = Cache(service.state)
    cached = cache.get(qname, qtype, now)
    if cached is not None:
        return cached
    if depth > MAX_DNS_DEPTH:
        return Response(qname, qtype, rcode=SERVFAIL, ra=True)
    if service.forwarders:
        # dnsmasq, the forwarder modelled, re-encodes the upstream reply its own way.
        result = _forward(net, host, service, qname, qtype, depth).with_flags(encoding="dnsmasq")
    else:
        result = _iterate_following_cnames(net, host, service.root_hints, qname, qtype, depth)
        result = _cap_negative_ttl(result).with_flags(encoding="bind")
    cache.put(result, now)
    return result


def _cap_negative_ttl(response: Response) -> Response:
    """BIND keeps (and hands out) a negative answer for at most max-ncache-ttl (3 hours)."""
    if not response.authority:
        return response
    authority = tuple(
        rrset_with_ttl(r, min(r.ttl, MAX_NCACHE_TTL)) if r.rdtype == dns.rdatatype.SOA else r
        for r in response.authority
    )
    return response.with_flags(authority=authority)


def _forward(net: Topology, host: Host, service, qname, qtype, depth) -> Response:
    for forwarder in service.forwarders:
        ex = exchange(net, host, forwarder, qname, qtype, rd=True, depth=depth)
        if ex.kind == ANSWER and ex.reply.rcode in (NOERROR, NXDOMAIN):
            # dnsmasq passes the upstream's aa flag through on the first answer; its cached
            # copies come without it.
            return ex.reply.with_flags(ra=True, rd=True, additional=())
    return Response(qname, qtype, rcode=SERVFAIL, ra=True)


def _iterate_following_cnames(net: Topology, host: Host, hints, qname, qtype, depth) -> Response:
    answer: list = []
    seen = {qname}
    name = qname
    for _ in range(MAX_CNAME_CHAIN + 1):
        found = iterate(net, host, hints, name, qtype, depth=depth).response
        if found is None:
            return Response(qname, qtype, rcode=SERVFAIL, ra=True)
        answer.extend(found.answer)
        if found.rcode != NOERROR or not found.answer:
            return Response(
                qname,
                qtype,
                rcode=found.rcode,
                ra=True,
                answer=tuple(answer),
                authority=found.authority,
            )
        seen.update(r.name for r in found.answer if r.rdtype == dns.rdatatype.CNAME)
        end, complete = chain_end(Response(name, qtype, answer=found.answer))
        if complete:
            # The root servers' addresses a resolver knows come from its hints and priming, which
            # BIND does not hand to clients; other name and mail servers' addresses it does.
            targets = _answer_targets(found.answer) if qname != dns.name.root else set()
            extra = tuple(r for r in found.additional if r.name in targets)
            return Response(qname, qtype, ra=True, answer=tuple(answer), additional=extra)
        if end in seen or len(answer) > MAX_CNAME_CHAIN:
            return Response(qname, qtype, rcode=SERVFAIL, ra=True)  # a CNAME loop
        seen.add(end)
        name = end
    return Response(qname, qtype, rcode=SERVFAIL, ra=True)


def _answer_targets(answer) -> set[dns.name.Name]:
    """Names that NS and MX answers point at (their addresses ride in ADDITIONAL)."""
    targets: set[dns.name.Name] = set()
    for rrset in answer:
        if rrset.rdtype == dns.rdatatype.NS:
            targets.update(r.target for r in rrset)
        elif rrset.rdtype == dns.rdatatype.MX:
            targets.update(r.exchange for r in rrset)
    return targets


def iterate(
    net: Topology,
    client,
    hints,
    qname: dns.name.Name,
    qtype: int,
    *,
    depth: int = 1,
) -> Iteration:
    """Ask the root hints, follow referrals down to the zone that answers (no recursion asked)."""
    result = Iteration(None)
    servers: list[tuple[str, dns.name.Name | None]] = [(str(ip), None) for ip in hints]
    cut = None
    for _ in range(MAX_REFERRALS):
        reply = None
        for address, ns_name in servers:
            ex = exchange(net, client, address, qname, qtype, rd=False, depth=depth)
            if ex.kind == ANSWER and ex.reply.rcode in (NOERROR, NXDOMAIN):
                reply = ex.reply
                shown = ns_name.to_text() if ns_name is not None else None
                result.steps.append(Step(address, shown, reply))
                break
        if reply is None:
            return result
        if not reply.is_referral:
            result.response = reply
            return result
        ns = next(r for r in reply.authority if r.rdtype == dns.rdatatype.NS)
        if cut is not None and (ns.name == cut or not ns.name.is_subdomain(cut)):
            return result  # a lame or upward referral: give up (SERVFAIL)
        cut = ns.name
        servers = _referral_servers(net, client, hints, ns, reply, depth)
        if not servers:
            return result
    return result


def _referral_servers(net: Topology, client, hints, ns, reply, depth) -> list:
    glue: dict[dns.name.Name, list[str]] = {}
    for rrset in reply.additional:
        if rrset.rdtype == dns.rdatatype.A:
            glue.setdefault(rrset.name, []).extend(d.to_text() for d in rrset)
    servers: list[tuple[str, dns.name.Name]] = []
    for rdata in sorted(ns, key=lambda d: d.target)[:MAX_NS_TRIED]:
        addresses = glue.get(rdata.target)
        if addresses is None and depth < MAX_DNS_DEPTH:
            found = iterate(net, client, hints, rdata.target, dns.rdatatype.A, depth=depth + 1)
            addresses = found.response.addresses() if found.response else []
        servers.extend((address, rdata.target) for address in addresses or ())
    return servers


__all__ = ["Exchange", "exchange", "serve", "resolve", "iterate", "dns_service"]
