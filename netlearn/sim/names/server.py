"""Authoritative answers from a DNS server's zones.

The logic of RFC 1034 section 4.3.2, the way BIND and NSD answer from zone data:

- the most specific zone that contains the name answers;
- an NS record set below the zone's apex is a zone cut: the reply is a *referral* (no ``aa``
  flag, the NS records in AUTHORITY, their addresses from the zone as glue in ADDITIONAL);
- a CNAME is put in the answer and followed while its target is in this server's zones, at most
  ``MAX_CNAME_CHAIN`` times; a loop stops the chain (the resolver that follows it fails);
- a name with no records of the asked type but other records (or names below it) is NODATA
  (NOERROR, empty answer); a name that does not exist is NXDOMAIN; ``*`` wildcards synthesise;
- negative answers carry the zone's SOA in AUTHORITY and the ``aa`` flag when the zone has an SOA.
  A zone without an SOA answers negatively without ``aa``, like dnsmasq's local records (the
  server of the reference captures).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import dns.name
import dns.rdatatype
import dns.rrset

from netlearn.sim.limits import MAX_CNAME_CHAIN
from netlearn.sim.names.message import NXDOMAIN, SERVFAIL, Response, rrset_renamed, rrset_with_ttl
from netlearn.sim.names.zones import Zone

A = dns.rdatatype.A
AAAA = dns.rdatatype.AAAA
CNAME = dns.rdatatype.CNAME
NS = dns.rdatatype.NS
MX = dns.rdatatype.MX
SOA = dns.rdatatype.SOA
ANY = dns.rdatatype.ANY
WILD = dns.name.Name((b"*",))
MAX_RESTARTS = (0, "Other", "max. restarts reached")  # BIND's extended error for CNAME loops


def best_zone(zones: Iterable[Zone], name: dns.name.Name) -> Zone | None:
    """The zone with the longest origin that contains ``name``."""
    best = None
    for zone in zones:
        if name.is_subdomain(zone.origin) and (best is None or len(zone.origin) > len(best.origin)):
            best = zone
    return best


def _zone_cut(zone: Zone, name: dns.name.Name) -> dns.rrset.RRset | None:
    """The highest NS record set strictly below the apex on the way down to ``name``."""
    depth = len(zone.origin)
    for cut_len in range(depth + 1, len(name) + 1):
        _, cut = name.split(cut_len)
        ns = zone.get(cut, NS)
        if ns is not None:
            return ns
    return None


def _glue(zones: Iterable[Zone], ns: dns.rrset.RRset) -> tuple[dns.rrset.RRset, ...]:
    """Addresses of the name servers that lie inside the delegated zone (in-bailiwick glue);
    BIND leaves out the others even when it knows them."""
    glue = []
    zones = list(zones)
    for rdata in ns:
        if not rdata.target.is_subdomain(ns.name):
            continue
        zone = best_zone(zones, rdata.target)
        if zone is None:
            continue
        for rdtype in (A, AAAA):
            rrset = zone.get(rdata.target, rdtype)
            if rrset is not None and rrset not in glue:
                glue.append(rrset)
    return tuple(glue)


def _negative_soa(zone: Zone) -> tuple[dns.rrset.RRset, ...]:
    soa = zone.soa()
    if soa is None:
        return ()
    # RFC 2308: the negative TTL is the smaller of the SOA's TTL and its MINIMUM field.
    return (rrset_with_ttl(soa, min(soa.ttl, soa[0].minimum)),)


def _wildcard(zone: Zone, name: dns.name.Name) -> dict[int, dns.rrset.RRset] | None:
    """Records of ``*.<closest encloser>`` renamed to ``name``, when such a wildcard exists."""
    if name == zone.origin or name == dns.name.root:
        return None
    encloser = name.parent()
    while encloser.is_subdomain(zone.origin):
        if zone.name_exists(encloser):
            node = zone.nodes.get(WILD.concatenate(encloser))
            if node is None:
                return None
            return {rdtype: rrset_renamed(rrset, name) for rdtype, rrset in node.items()}
        if encloser == zone.origin:
            return None
        encloser = encloser.parent()
    return None


def authoritative_answer(
    zones: Iterable[Zone], qname: dns.name.Name, qtype: int, *, ra: bool = False, rd: bool = True
) -> Response | None:
    """The reply a server with ``zones`` gives from its own data; None when no zone has the name.

    The reply may end with a CNAME pointing outside these zones; a recursive server continues
    from there.
    """
    zones = list(zones)
    zone = best_zone(zones, qname)
    if zone is None:
        return None
    answer: list[dns.rrset.RRset] = []
    seen: set[dns.name.Name] = set()
    name = qname
    encoding = "bind" if zone.soa() is not None else "dnsmasq"
    base: dict[str, Any] = {
        "qname": qname,
        "qtype": qtype,
        "ra": ra,
        "rd": rd,
        "encoding": encoding,
    }
    while True:
        cut = _zone_cut(zone, name)
        if cut is not None:
            if answer:  # the chain leaves our authority: hand back what we have
                return Response(**base, aa=True, answer=tuple(answer))
            return Response(**base, authority=(cut,), additional=_glue(zones, cut))
        seen.add(name)
        node = zone.nodes.get(name)
        if node is None and not zone.name_exists(name):
            node = _wildcard(zone, name)
            if node is None:
                has_soa = zone.soa() is not None
                return Response(
                    **base,
                    rcode=NXDOMAIN,
                    aa=has_soa or bool(answer),
                    answer=tuple(answer),
                    authority=_negative_soa(zone),
                )
        node = node or {}
        if qtype == ANY and node:
            answer.extend(node.values())
            return _positive(zones, zone, base, answer)
        if qtype in node:
            answer.append(node[qtype])
            return _positive(zones, zone, base, answer)
        cname = node.get(CNAME)
        if cname is None:
            has_soa = zone.soa() is not None
            return Response(
                **base,
                aa=has_soa or bool(answer),
                answer=tuple(answer),
                authority=_negative_soa(zone),
            )
        answer.append(cname)
        target = cname[0].target
        if target in seen or len(answer) >= MAX_CNAME_CHAIN:
            # BIND gives up on a loop (or an overlong chain) with SERVFAIL and says why.
            return Response(**base, rcode=SERVFAIL, aa=True, answer=tuple(answer), ede=MAX_RESTARTS)
        next_zone = best_zone(zones, target)
        if next_zone is None:
            return Response(**base, aa=True, answer=tuple(answer))
        zone, name = next_zone, target


def _positive(zones, zone: Zone, base: dict, answer: list) -> Response:
    """An authoritative answer, with BIND's additional-section processing: the addresses of the
    names an NS or MX answer points at. To a query without recursion desired (a resolver
    iterating, ``dig +norec``) BIND also adds the zone's NS records and their glue (its default
    ``minimal-responses no-auth-recursive``)."""
    additional = _target_addresses(zones, answer)
    ns = zone.get(zone.origin, NS)
    if base["rd"] or ns is None or (base["qtype"] == NS and base["qname"] == zone.origin):
        return Response(**base, aa=True, answer=tuple(answer), additional=tuple(additional))
    additional += [g for g in _glue(zones, ns) if g not in answer and g not in additional]
    return Response(
        **base, aa=True, answer=tuple(answer), authority=(ns,), additional=tuple(additional)
    )


def _target_addresses(zones, answer: list) -> list[dns.rrset.RRset]:
    """A and AAAA records this server holds for the targets of NS and MX answers."""
    found: list[dns.rrset.RRset] = []
    for rrset in answer:
        if rrset.rdtype not in (NS, MX):
            continue
        for rdata in rrset:
            target = rdata.target if rrset.rdtype == NS else rdata.exchange
            zone = best_zone(zones, target)
            if zone is None:
                continue
            for rdtype in (A, AAAA):
                address = zone.get(target, rdtype)
                if address is not None and address not in found and address not in answer:
                    found.append(address)
    return found


def chain_end(response: Response) -> tuple[dns.name.Name, bool]:
    """Where a reply's CNAME chain ends, and whether the chain reached data for the asked type."""
    name = response.qname
    by_owner = {(r.name, r.rdtype): r for r in response.answer}
    for _ in range(MAX_CNAME_CHAIN + 1):
        if (name, response.qtype) in by_owner or (
            response.qtype == ANY and any(owner == name for owner, _ in by_owner)
        ):
            return name, True
        cname = by_owner.get((name, CNAME))
        if cname is None:
            return name, False
        name = cname[0].target
    return name, False
