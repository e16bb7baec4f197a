"""``host``: bind9's host. ``host [-t TYPE] [-W N] [-R N] NAME|ADDRESS [SERVER]``.

Without ``-t`` it asks for A, AAAA and MX. NXDOMAIN prints ``Host NAME not found: 3(NXDOMAIN)``
and exits 1, as does a query no server answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import dns.name
import dns.rdatatype
import dns.reversename

from netlearn.sim.commands import command
from netlearn.sim.limits import MAX_TRIES
from netlearn.sim.model import Host
from netlearn.sim.names import resolver
from netlearn.sim.names.message import NOERROR
from netlearn.sim.names.tools import search_name, tool_query
from netlearn.sim.result import Result
from netlearn.sim.topology import Topology

TYPES = ("A", "AAAA", "CNAME", "NS", "SOA", "PTR", "MX", "TXT", "SRV", "ANY")
USAGE = """Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]
            [-R number] [-m flag] [-p port] hostname [server]
       -a is equivalent to -v -t ANY
       -A is like -a but omits RRSIG, NSEC, NSEC3
       -c specifies query class for non-IN data
       -C compares SOA records on authoritative nameservers
       -d is equivalent to -v
       -l lists all hosts in a domain, using AXFR
       -m set memory debugging flag (trace|record|usage)
       -N changes the number of dots allowed before root lookup is done
       -p specifies the port on the server to query
       -r disables recursive processing
       -R specifies number of retries for UDP packets
       -s a SERVFAIL response should stop query
       -t specifies the query type
       -T enables TCP/IP mode
       -U enables UDP mode
       -v enables verbose output
       -V print version number and exit
       -w specifies to wait forever for a reply
       -W specifies how long to wait for a reply
       -4 use IPv4 query transport only
       -6 use IPv6 query transport only
"""


def _lines(response, qtype: int, *, aliases: bool) -> list[str]:
    out = []
    for rrset in response.answer:
        owner = rrset.name.to_text(omit_final_dot=True)
        for rdata in rrset:
            kind = rrset.rdtype
            if kind == dns.rdatatype.CNAME:
                if aliases or qtype == dns.rdatatype.CNAME:
                    out.append(f"{owner} is an alias for {rdata.target}.".replace("..", "."))
            elif kind == dns.rdatatype.A:
                out.append(f"{owner} has address {rdata.address}")
            elif kind == dns.rdatatype.AAAA:
                out.append(f"{owner} has IPv6 address {rdata.address}")
            elif kind == dns.rdatatype.MX:
                out.append(f"{owner} mail is handled by {rdata.to_text()}")
            elif kind == dns.rdatatype.PTR:
                out.append(f"{rrset.name.to_text(omit_final_dot=True)} domain name pointer {rdata}")
            elif kind == dns.rdatatype.NS:
                out.append(f"{owner} name server {rdata.target}")
            elif kind == dns.rdatatype.TXT:
                out.append(f"{owner} descriptive text {rdata.to_text()}")
            else:
                out.append(f"{owner} has {dns.rdatatype.to_text(kind)} record {rdata}")
    return out


@dataclass
class _Options:
    qtypes: list[int] | None = None
    tries: int = 2
    words: list[str] = field(default_factory=list)


def _parse(argv: list[str]) -> _Options | Result:
    """bind9 host's options: -t TYPE and -R RETRIES matter here; the others take their value
    (-W, -c, -N, -m, -p) or nothing and change nothing in the simulator."""
    opts = _Options()
    args = iter(argv[1:])
    for word in args:
        if word not in ("-t", "-W", "-R", "-c", "-N", "-m", "-p"):
            if not word.startswith("-"):
                opts.words.append(word)
            continue
        value = next(args, None)
        if value is None:
            return Result("", f"host: option requires an argument -- '{word[1:]}'\n{USAGE}", 1)
        if word == "-t":
            if value.upper() not in TYPES:
                return Result("", f"host: invalid type: {value}\n\n", 2)
            opts.qtypes = [dns.rdatatype.from_text(value.upper())]
        elif word == "-R" and re.fullmatch(r"-?[0-9]+", value):
            opts.tries = min(max(1, int(value) + 1), MAX_TRIES)
    return opts


def _server(net: Topology, host: Host, words: list[str]) -> tuple[list[str], list[str]] | Result:
    """(servers, the "Using domain server" header) for `host NAME [SERVER]`."""
    if len(words) < 2:
        return list(resolver.resolv_conf(host).bind_servers), []
    server = address = words[1]
    if resolver.numeric_address(server) is None:
        found = resolver.getaddrinfo(net, host, server, families=(4,))
        if not found.ok:
            return Result("", f"host: couldn't get address for '{server}': not found\n", 1)
        address = str(found.addresses[0])
    header = ["Using domain server:", f"Name: {server}", f"Address: {address}#53", "Aliases: ", ""]
    return [address], header


@command("host")
def host_command(argv: list[str], host: Host, net: Topology) -> Result:
    opts = _parse(argv)
    if isinstance(opts, Result):
        return opts
    if not opts.words:
        return Result("", USAGE, 1)
    name = opts.words[0]
    chosen = _server(net, host, opts.words)
    if isinstance(chosen, Result):
        return chosen
    servers, header = chosen
    qtypes = opts.qtypes
    if resolver.numeric_address(name) is not None:
        reverse = dns.reversename.from_address(name)
        qname: dns.name.Name | None = reverse
        qtypes = [dns.rdatatype.PTR]
        shown = reverse.to_text()
    else:
        qname = search_name(net, host, servers, name, (qtypes or [dns.rdatatype.A])[0])
        if qname is None:
            return Result("", f"host: '{name}' is not a legal name (label too long)\n", 1)
        shown = name.rstrip(".")
    explicit = qtypes is not None
    qtypes = qtypes or [dns.rdatatype.A, dns.rdatatype.AAAA, dns.rdatatype.MX]
    return _ask(net, host, servers, qname, qtypes, opts.tries, shown, explicit, header)


def _ask(
    net: Topology, host: Host, servers, qname, qtypes, tries, shown, explicit, header
) -> Result:
    out = list(header)
    for index, qtype in enumerate(qtypes):
        query = tool_query(net, host, servers, qname, qtype, tries=tries, label=shown)
        out += query.lines
        if query.answered is None:
            if query.only_unreachable:
                out = header + (query.lines + [";; no servers could be reached"]) * tries
            else:
                out.append(";; no servers could be reached")
            return Result("\n".join(out) + "\n", "", 1)
        response = query.answered.reply
        if response.rcode != NOERROR:
            code = f"{response.rcode}({response.rcode_text})"
            out.append(f"Host {shown} not found: {code}")
            return Result("\n".join(out) + "\n", "", 1)
        lines = _lines(response, qtype, aliases=index == 0)
        if not lines and explicit:
            lines = [f"{shown} has no {dns.rdatatype.to_text(qtype)} record"]
        out += lines
    return Result("".join(line + "\n" for line in out), "", 0)
