"""A host's stub resolver: glibc's getaddrinfo / gethostbyname2 / gethostbyaddr with nsswitch
``hosts: files dns``, and the query loop the bind tools (dig, nslookup, host) use.

glibc (``getent``, ``ping``, ``curl``): /etc/hosts first; then DNS, asking the resolv.conf
nameservers in order, ``attempts`` rounds, moving to the next server after a timeout, a refusal
or an unreachable network. NXDOMAIN or an empty answer is final ("Name or service not known");
when no server answered, the failure is temporary ("Temporary failure in name resolution").
Names with fewer dots than ``ndots`` try the ``search`` domains first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import TYPE_CHECKING

import dns.name
import dns.rdatatype
import dns.reversename

from netlearn.sim.limits import MAX_CNAME_CHAIN
from netlearn.sim.names import hostsfile, resolvconf
from netlearn.sim.names.message import NOERROR, NXDOMAIN, Response
from netlearn.sim.names.recursive import ANSWER, Exchange, exchange

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology

A = dns.rdatatype.A
AAAA = dns.rdatatype.AAAA
CNAME = dns.rdatatype.CNAME
PTR = dns.rdatatype.PTR

OK = "ok"
NOTFOUND = "notfound"  # NXDOMAIN / no data: "Name or service not known"
TEMPFAIL = "tempfail"  # no server answered: "Temporary failure in name resolution"

MAX_NAME_LENGTH = 253


@dataclass(frozen=True, slots=True)
class Lookup:
    """What a name lookup found, and how (for the UI and the checks)."""

    name: str
    status: str
    canonical: str | None = None
    aliases: tuple[str, ...] = ()
    addresses: tuple[IPv4Address | IPv6Address, ...] = ()
    source: str | None = None  # "files", "dns" or "numeric"
    exchanges: tuple[Exchange, ...] = ()  # every DNS query sent, in order
    responses: tuple[Response, ...] = ()  # the DNS replies used

    @property
    def ok(self) -> bool:
        return self.status == OK

    def error_text(self) -> str:
        """getaddrinfo's gai_strerror, as ping and curl print it."""
        if self.status == TEMPFAIL:
            return "Temporary failure in name resolution"
        return "Name or service not known"

    def v4(self) -> list[IPv4Address]:
        return [a for a in self.addresses if a.version == 4]


@dataclass(slots=True)
class _Dns:
    """One DNS lookup through the resolv.conf servers."""

    status: str
    response: Response | None = None
    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def reply(self) -> Response:
        """The response of a lookup that got one (status OK or NOTFOUND from a server)."""
        assert self.response is not None, self.status
        return self.response


def read_file(host: Host, path: str) -> str:
    return host.files.get(path, "")


def resolv_conf(host: Host) -> resolvconf.ResolvConf:
    return resolvconf.parse(read_file(host, "/etc/resolv.conf"))


def hosts_entries(host: Host) -> list[hostsfile.HostsEntry]:
    return hostsfile.parse(read_file(host, "/etc/hosts"))


def to_name(text: str) -> dns.name.Name | None:
    """An absolute DNS name from what a user typed; None when it cannot be one."""
    if not text or len(text) > MAX_NAME_LENGTH:
        return None
    try:
        return dns.name.from_text(text)
    except (dns.exception.DNSException, ValueError, UnicodeError):
        return None


def search_candidates(conf: resolvconf.ResolvConf, name: str) -> list[dns.name.Name]:
    """The names glibc tries for ``name``, in order (search list and ndots)."""
    if name.endswith("."):
        absolute = to_name(name)
        return [absolute] if absolute else []
    plain = to_name(name)
    if plain is None:
        return []
    candidates = (to_name(f"{name}.{domain}") for domain in conf.search)
    searched = [n for n in candidates if n is not None]
    if name.count(".") >= conf.ndots:
        return [plain, *searched]
    return [*searched, plain]


def dns_lookup(net: Topology, host: Host, qname: dns.name.Name, qtype: int, *, conf=None) -> _Dns:
    """glibc's res_query: ``attempts`` rounds over the nameservers, next server on failure."""
    conf = conf or resolv_conf(host)
    result = _Dns(TEMPFAIL)
    for _ in range(conf.attempts):
        for server in conf.glibc_servers:
            ex = exchange(net, host, server, qname, qtype)
            result.exchanges.append(ex)
            if ex.kind != ANSWER or ex.reply.rcode not in (NOERROR, NXDOMAIN):
                continue  # timeout, refusal, unreachable, SERVFAIL, REFUSED: next server
            result.response = ex.response
            found = ex.reply.rcode == NOERROR and _chain_data(ex.reply, qtype)
            result.status = OK if found else NOTFOUND
            return result
    return result


def _chain_data(response: Response, qtype: int) -> tuple[str, list[str], list]:
    """Follow the answer's CNAMEs from the question: (canonical name, aliases, rdatas)."""
    name = response.qname
    aliases: list[str] = []
    records: dict[tuple[dns.name.Name, int], dns.rrset.RRset]
    records = {(r.name, r.rdtype): r for r in response.answer}
    for _ in range(MAX_CNAME_CHAIN + 1):
        rrset = records.get((name, qtype))
        if rrset is not None:
            return _show(name), aliases, list(rrset)
        cname = records.get((name, CNAME))
        if cname is None:
            return ()  # type: ignore[return-value]
        aliases.append(_show(name))
        name = cname[0].target
    return ()  # type: ignore[return-value]


def _show(name: dns.name.Name) -> str:
    return name.to_text(omit_final_dot=True)


def _family_type(family: int) -> int:
    return A if family == 4 else AAAA


def gethostbyname2(net: Topology, host: Host, name: str, family: int) -> Lookup:
    """One address family through nsswitch ``files dns`` (what ``getent hosts`` calls)."""
    numeric = numeric_address(name)
    if numeric is not None:
        if numeric.version != family:
            return Lookup(name, NOTFOUND)
        return Lookup(name, OK, name, (), (numeric,), "numeric")
    match = hostsfile.by_name(hosts_entries(host), name, family)
    if match is not None:
        return Lookup(name, OK, match.canonical, match.aliases, match.addresses, "files")
    conf = resolv_conf(host)
    exchanges: list[Exchange] = []
    responses: list[Response] = []
    status = NOTFOUND
    for candidate in search_candidates(conf, name):
        found = dns_lookup(net, host, candidate, _family_type(family), conf=conf)
        exchanges.extend(found.exchanges)
        if found.response is not None:
            responses.append(found.response)
        if found.status == OK:
            canonical, aliases, rdatas = _chain_data(found.reply, _family_type(family))
            addresses = tuple(ip_address(r.address) for r in rdatas)
            return Lookup(
                name,
                OK,
                canonical,
                tuple(aliases),
                addresses,
                "dns",
                tuple(exchanges),
                tuple(responses),
            )
        if found.status == TEMPFAIL:
            status = TEMPFAIL
            break
    return Lookup(name, status, exchanges=tuple(exchanges), responses=tuple(responses))


def getaddrinfo(
    net: Topology, host: Host, name: str, *, families: tuple[int, ...] = (4, 6)
) -> Lookup:
    """getaddrinfo(AF_UNSPEC or one family): files for both families, then DNS A and AAAA.

    IPv4 addresses come first (the hosts have no IPv6 routes, so RFC 6724 sorts IPv6 last).
    """
    numeric = numeric_address(name)
    if numeric is not None:
        if numeric.version not in families:
            return Lookup(name, NOTFOUND)
        return Lookup(name, OK, name, (), (numeric,), "numeric")
    entries = hosts_entries(host)
    by_family = (hostsfile.by_name(entries, name, f) for f in families)
    matches = [m for m in by_family if m is not None]
    if matches:
        addresses = tuple(a for m in matches for a in m.addresses)
        return Lookup(name, OK, matches[0].canonical, matches[0].aliases, addresses, "files")
    conf = resolv_conf(host)
    exchanges: list[Exchange] = []
    responses: list[Response] = []
    status = NOTFOUND
    for candidate in search_candidates(conf, name):
        found = [dns_lookup(net, host, candidate, _family_type(f), conf=conf) for f in families]
        for one in found:
            exchanges.extend(one.exchanges)
            if one.response is not None:
                responses.append(one.response)
        good = [(f, one) for f, one in zip(families, found, strict=True) if one.status == OK]
        if good:
            canonical, aliases, _ = _chain_data(good[0][1].reply, _family_type(good[0][0]))
            addresses = tuple(
                ip_address(r.address)
                for f, one in good
                for r in _chain_data(one.reply, _family_type(f))[2]
            )
            return Lookup(
                name,
                OK,
                canonical,
                tuple(aliases),
                addresses,
                "dns",
                tuple(exchanges),
                tuple(responses),
            )
        if any(one.status == TEMPFAIL for one in found):
            status = TEMPFAIL
            break
    return Lookup(name, status, exchanges=tuple(exchanges), responses=tuple(responses))


def gethostbyaddr(net: Topology, host: Host, address: IPv4Address | IPv6Address) -> Lookup:
    """Reverse lookup: the first /etc/hosts line with the address, else a DNS PTR query."""
    match = hostsfile.by_address(hosts_entries(host), address)
    if match is not None:
        return Lookup(str(address), OK, match.canonical, match.aliases, (address,), "files")
    qname = dns.reversename.from_address(str(address))
    found = dns_lookup(net, host, qname, PTR)
    if found.status != OK:
        return Lookup(str(address), found.status, exchanges=tuple(found.exchanges))
    _, _, rdatas = _chain_data(found.reply, PTR)
    return Lookup(
        str(address),
        OK,
        _show(rdatas[0].target),
        (),
        (address,),
        "dns",
        tuple(found.exchanges),
        (found.reply,),
    )


def numeric_address(text: str) -> IPv4Address | IPv6Address | None:
    """inet_aton-strict numeric forms only: dotted quads and IPv6 text."""
    try:
        return ip_address(text)
    except ValueError:
        return None


def resolve_for_connect(net: Topology, host: Host, name: str) -> Lookup:
    """What ``ping NAME`` and ``curl`` use: getaddrinfo, IPv4 answers only."""
    return getaddrinfo(net, host, name, families=(4,))


def reverse_name(net: Topology, host: Host, address) -> str | None:
    """The name ``ping`` prints for a reply's source (files, then DNS), or None."""
    found = gethostbyaddr(net, host, ip_address(address))
    return found.canonical if found.ok else None
