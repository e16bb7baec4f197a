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

import dns.name
import dns.rdatatype
import dns.rrset

from netlearn.sim.limits import MAX_CNAME_CHAIN
from netlearn.sim.names.message import NXDOMAIN, Response, rrset_renamed, rrset_with_ttl
from netlearn.sim.names.zones import Zone

A = dns.rdatatype.A
AAAA = dns.rdatatype.AAAA
CNAME = dns.rdatatype.CNAME
NS = dns.rdatatype.NS
SOA = dns.rdatatype.SOA
ANY = dns.rdatatype.ANY
WILD = dns.name.Name((b"*",))


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
    glue = []
    zones = list(zones)
    for rdata in ns:
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
    base = {"qname": qname, "qtype": qtype, "ra": ra, "rd": rd}
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
            return Response(**base, aa=True, answer=tuple(answer))
        if qtype in node:
            answer.append(node[qtype])
            return Response(**base, aa=True, answer=tuple(answer))
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
            return Response(**base, aa=True, answer=tuple(answer))
        next_zone = best_zone(zones, target)
        if next_zone is None:
            return Response(**base, aa=True, answer=tuple(answer))
        zone, name = next_zone, target


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
