"""Name-service goals: ``resolves`` and ``dns_answer``.

Each failure names the cause in the learner's network, with a stable ``cause`` code:

``no-nameserver``, ``nameserver-unreachable``, ``nameserver-timeout``, ``nameserver-refused``,
``nxdomain``, ``no-records``, ``servfail``, ``cname-loop``, ``cname-conflict``, ``invalid-zone``,
``stale-cache``, ``wrong-address``, ``wrong-answer``, ``not-authoritative``, ``no-dns-server``.
"""

from __future__ import annotations

import math
from ipaddress import IPv4Address, ip_address
from typing import TYPE_CHECKING

import dns.name
import dns.rdatatype

from netlearn.sim.errors import ScenarioError
from netlearn.sim.limits import MAX_CNAME_CHAIN
from netlearn.sim.names import resolver
from netlearn.sim.names.cache import Cache
from netlearn.sim.names.message import NXDOMAIN, REFUSED, SERVFAIL
from netlearn.sim.names.recursive import REFUSED_KIND, TIMEOUT, UNREACHABLE, serve
from netlearn.sim.names.server import authoritative_answer, best_zone
from netlearn.sim.names.service import DnsService, dns_service
from netlearn.sim.names.zones import ZoneError, parse_zone

from .registry import Outcome, check_kind, require

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology


def _host(net: Topology, name: str, key: str):
    host = net.hosts.get(name)
    if host is None:
        raise ScenarioError(f"goal.{key}", f"there is no host named {name!r}")
    return host


def _values(value: object) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in items]


def _norm(value: str, rdtype: int) -> str:
    if rdtype in (dns.rdatatype.CNAME, dns.rdatatype.NS, dns.rdatatype.PTR, dns.rdatatype.MX):
        return value.lower().rstrip(".")
    try:
        return str(ip_address(value))
    except ValueError:
        return value


def authoritative_host(net: Topology, qname: dns.name.Name):
    """The host whose zones hold ``qname`` most specifically (not counting the root zone)."""
    best = None
    for host in net.hosts.values():
        try:
            service = dns_service(host)
        except ScenarioError:
            continue
        if service is None:
            continue
        zone = best_zone([z for z in service.zones if z.origin != dns.name.root], qname)
        if zone is not None and (best is None or len(zone.origin) > len(best[1].origin)):
            best = (host, zone, service)
    return best


def _no_data_message(net: Topology, name: str, rdtype: int, rcode: int) -> tuple[str, str]:
    qname = resolver.to_name(name)
    type_text = dns.rdatatype.to_text(dns.rdatatype.RdataType.make(rdtype))
    where = authoritative_host(net, qname) if qname is not None else None
    if where is None:
        return "nxdomain", f"no DNS server in this network has a zone for {name}"
    host, zone, _ = where
    if rcode == NXDOMAIN:
        return "nxdomain", (
            f"{name} does not exist: the zone {zone.name} on {host.name} has no record for it"
        )
    return "no-records", f"{name} has no {type_text} record on {host.name}"


def _tempfail_cause(host: Host, lookup) -> tuple[str, str]:
    conf = resolver.resolv_conf(host)
    if not conf.nameservers:
        return "no-nameserver", (
            f"{host.name} has no nameserver line in /etc/resolv.conf (and /etc/hosts does not "
            f"list {lookup.name})"
        )
    for ex in lookup.exchanges:
        if ex.kind == UNREACHABLE:
            return "nameserver-unreachable", (
                f"{host.name} sends DNS queries to {ex.server}, which it cannot reach: "
                f"{host.name} has no route to {ex.server}"
            )
    for ex in lookup.exchanges:
        if ex.kind == TIMEOUT:
            why = f" ({ex.detail})" if ex.detail else ""
            return "nameserver-unreachable", (
                f"{host.name} sends DNS queries to {ex.server}, which it cannot reach: "
                f"the queries get no answer{why}"
            )
    for ex in lookup.exchanges:
        if ex.kind == REFUSED_KIND:
            return "nameserver-refused", (
                f"{host.name} sends DNS queries to {ex.server}, but no DNS server runs on "
                f"{ex.server_host or ex.server} (connection refused)"
            )
    for ex in lookup.exchanges:
        if ex.response is not None and ex.response.rcode == REFUSED:
            return "not-authoritative", (
                f"the DNS server at {ex.server} refuses to resolve {lookup.name}: it is not "
                "authoritative for it and does not recurse"
            )
        if ex.response is not None and ex.response.rcode == SERVFAIL:
            return _servfail_cause(lookup.name, ex.server)
    return "nameserver-unreachable", f"no nameserver of {host.name} answered"


def _servfail_cause(name: str, server: str) -> tuple[str, str]:
    return "servfail", (
        f"the DNS server at {server} failed to resolve {name} (SERVFAIL): look for a CNAME loop "
        "or a delegation to a server that does not answer"
    )


def _cname_loop(net: Topology, name: str) -> list[str] | None:
    """The chain of names when ``name`` is a CNAME loop in some zone of the network."""
    qname = resolver.to_name(name)
    if qname is None:
        return None
    chain = [name]
    seen = set()
    for _ in range(MAX_CNAME_CHAIN + 1):
        where = authoritative_host(net, qname)
        if where is None:
            return None
        rrset = where[1].get(qname, dns.rdatatype.CNAME)
        if rrset is None:
            return None
        seen.add(qname)
        qname = rrset[0].target
        chain.append(qname.to_text(omit_final_dot=True))
        if qname in seen:
            return chain
    return chain


def _stale(net: Topology, lookup, expected: list[str]):
    """(server host, seconds left) when a resolver's cache still serves an outdated answer."""
    for response in lookup.responses:
        for ex in lookup.exchanges:
            if ex.response is not response or ex.server_host is None:
                continue
            server_host = net.hosts[ex.server_host]
            service = dns_service(server_host)
            if service is None:
                continue
            left = Cache(service.state).remaining(response.qname, response.qtype, net.clock)
            if left is None:
                continue
            where = authoritative_host(net, response.qname)
            if where is None:
                continue
            fresh = authoritative_answer(where[2].zones, response.qname, response.qtype)
            if fresh is not None and sorted(fresh.addresses()) != sorted(response.addresses()):
                return server_host, left, fresh
    return None


def _unresolved(net: Topology, host: Host, name: str, lookup) -> Outcome:
    """Why ``name`` does not resolve: a CNAME loop, a server failing, no such name or data."""
    loop = _cname_loop(net, name)
    if loop:
        return Outcome(
            False,
            f"{name} is a CNAME loop: {' -> '.join(loop)}; it never reaches an address.",
            "cname-loop",
        )
    servfail = [
        ex for ex in lookup.exchanges if ex.response is not None and ex.response.rcode == SERVFAIL
    ]
    if servfail:
        cause, message = _servfail_cause(name, servfail[0].server)
        return Outcome(False, f"{name} does not resolve on {host.name}: {message}.", cause)
    rcode = next((r.rcode for r in lookup.responses), NXDOMAIN)
    cause, message = _no_data_message(net, name, dns.rdatatype.A, rcode)
    return Outcome(False, f"{name} does not resolve on {host.name}: {message}.", cause)


@check_kind("resolves")
def resolves(net: Topology, goal: dict) -> Outcome:
    """``{check: resolves, on: A, name: www.example.com, to: 192.165.2.10}`` (``to`` optional)."""
    require(goal, ("on", "name"), ("to",))
    host = _host(net, goal["on"], "on")
    name = str(goal["name"])
    expected = [_norm(v, dns.rdatatype.A) for v in _values(goal.get("to"))]
    lookup = resolver.getaddrinfo(net, host, name, families=(4,))
    if not lookup.ok and any(
        ex.response is not None and ex.response.rcode == SERVFAIL for ex in lookup.exchanges
    ):
        loop = _cname_loop(net, name)
        if loop:
            return Outcome(
                False,
                f"{name} is a CNAME loop: {' -> '.join(loop)}; it never reaches an address.",
                "cname-loop",
            )
    if lookup.status == resolver.TEMPFAIL:
        cause, message = _tempfail_cause(host, lookup)
        return Outcome(False, f"{name} does not resolve on {host.name}: {message}.", cause)
    if not lookup.ok:
        return _unresolved(net, host, name, lookup)
    got = [str(a) for a in lookup.v4()]
    if not expected or set(expected) & set(got):
        return Outcome(True, f"{name} resolves to {', '.join(got)} on {host.name}.")
    where = "/etc/hosts" if lookup.source == "files" else "DNS"
    if lookup.source == "dns":
        stale = _stale(net, lookup, expected)
        if stale is not None:
            server_host, left, _ = stale
            return Outcome(
                False,
                f"{name} resolves to {', '.join(got)} on {host.name}: {server_host.name} still "
                f"serves its cached answer for {math.ceil(left)} more seconds (the record's TTL); "
                f"wait for it to expire (sleep) or lower the TTL.",
                "stale-cache",
            )
    return Outcome(
        False,
        f"{name} resolves to {', '.join(got)} on {host.name} (from {where}), "
        f"not {', '.join(expected)}.",
        "wrong-address",
    )


@check_kind("dns_answer")
def dns_answer(net: Topology, goal: dict) -> Outcome:
    """``{check: dns_answer, server: ns1, name: www.example.com, type: A, values: [...]}``."""
    require(goal, ("server", "name"), ("type", "values"))
    host = _server_host(net, str(goal["server"]))
    type_text = str(goal.get("type", "A")).upper()
    try:
        rdtype = dns.rdatatype.from_text(type_text)
    except dns.exception.DNSException:
        raise ScenarioError("goal.type", f"{type_text!r} is not a DNS record type") from None
    name = str(goal["name"])
    qname = resolver.to_name(name)
    if qname is None:
        raise ScenarioError("goal.name", f"{name!r} is not a DNS name")
    service = _service(host)
    if isinstance(service, Outcome):
        return service
    response = serve(net, host, service, qname, rdtype)
    expected = sorted(_norm(v, rdtype) for v in _values(goal.get("values")))
    failed = _failed_answer(host, name, response.rcode)
    if failed is not None:
        return failed
    got = sorted(
        _norm(rdata.to_text(), rdtype)
        for rrset in response.answer
        if rrset.rdtype == rdtype
        for rdata in rrset
    )
    if not got:
        return Outcome(False, f"{name} has no {type_text} record on {host.name}.", "no-records")
    if expected and got != expected:
        return Outcome(
            False,
            f"{host.name} answers {name} {type_text} with {', '.join(got)}, "
            f"expected {', '.join(expected)}.",
            "wrong-answer",
        )
    return Outcome(True, f"{host.name} answers {name} {type_text} with {', '.join(got)}.")


def _server_host(net: Topology, server: str):
    """The host named ``server``, or the one holding that address."""
    host = net.hosts.get(server)
    if host is None:
        host = next((h for h in net.hosts.values() if _owns(h, server)), None)
    if host is None:
        raise ScenarioError("goal.server", f"no host is named or has the address {server!r}")
    return host


def _service(host: Host) -> DnsService | Outcome:
    """``host``'s DNS server, or why there is none answering (a zone that does not load)."""
    for zone_name, text in (host.services.get("dns") or {}).get("zones", {}).items():
        try:
            parse_zone(zone_name, text or "")
        except ZoneError as exc:
            return _zone_problem(host, f"the zone {zone_name}: {exc}")
    try:
        service = dns_service(host)
    except ScenarioError as exc:
        return _zone_problem(host, exc.why)
    if service is None:
        return Outcome(False, f"{host.name} runs no DNS server.", "no-dns-server")
    return service


def _failed_answer(host: Host, name: str, rcode: int) -> Outcome | None:
    if rcode == REFUSED:
        return Outcome(
            False,
            f"{host.name} has no zone for {name} and does not recurse (REFUSED).",
            "not-authoritative",
        )
    if rcode == SERVFAIL:
        return Outcome(False, f"{host.name} cannot resolve {name} (SERVFAIL).", "servfail")
    if rcode == NXDOMAIN:
        return Outcome(False, f"{name} does not exist on {host.name} (NXDOMAIN).", "nxdomain")
    return None


def _owns(host: Host, address: str) -> bool:
    try:
        return host.local_interface_for(IPv4Address(address)) is not None
    except ValueError:
        return False


def _zone_problem(host: Host, why: str) -> Outcome:
    cause = "cname-conflict" if "CNAME" in why else "invalid-zone"
    return Outcome(False, f"{host.name}'s DNS server cannot load its zone: {why}.", cause)
