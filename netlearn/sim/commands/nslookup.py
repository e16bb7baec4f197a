"""``nslookup``: bind9's nslookup, non-interactive form.

``nslookup [-type=T|-query=T|-q=T] [-timeout=N] [-retry=N] NAME [SERVER]``; by default it asks
for A then AAAA and prints both. "Non-authoritative answer:" appears when the first reply lacks
the ``aa`` flag. NXDOMAIN, SERVFAIL, REFUSED and "no servers could be reached" exit 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import dns.name
import dns.rdatatype
import dns.reversename

from netlearn.sim.commands import command
from netlearn.sim.limits import MAX_TRIES
from netlearn.sim.model import Host
from netlearn.sim.names import resolver
from netlearn.sim.names.message import NOERROR, Response
from netlearn.sim.names.tools import search_name, tool_query
from netlearn.sim.parsing import decimal
from netlearn.sim.result import Result
from netlearn.sim.topology import Topology

TYPES = ("A", "AAAA", "CNAME", "NS", "SOA", "PTR", "MX", "TXT", "SRV", "ANY")


def _answer_lines(response, qtype: int, *, with_cnames: bool) -> list[str]:
    lines = []
    for rrset in response.answer:
        for rdata in rrset:
            owner = rrset.name.to_text(omit_final_dot=True)
            if rrset.rdtype == dns.rdatatype.CNAME:
                if with_cnames or qtype == dns.rdatatype.CNAME:
                    lines.append(f"{owner}\tcanonical name = {rdata.target}")
            elif rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
                lines += [f"Name:\t{owner}", f"Address: {rdata.address}"]
            elif rrset.rdtype == dns.rdatatype.PTR:
                lines.append(f"{owner}\tname = {rdata.target}")
            elif rrset.rdtype == dns.rdatatype.MX:
                lines.append(f"{owner}\tmail exchanger = {rdata.to_text()}")
            elif rrset.rdtype == dns.rdatatype.NS:
                lines.append(f"{owner}\tnameserver = {rdata.target}")
            elif rrset.rdtype == dns.rdatatype.TXT:
                lines.append(f"{owner}\ttext = {rdata.to_text()}")
            elif rrset.rdtype == dns.rdatatype.SOA:
                lines += [
                    owner,
                    f"\torigin = {rdata.mname.to_text(omit_final_dot=True)}",
                    f"\tmail addr = {rdata.rname.to_text(omit_final_dot=True)}",
                    f"\tserial = {rdata.serial}",
                    f"\trefresh = {rdata.refresh}",
                    f"\tretry = {rdata.retry}",
                    f"\texpire = {rdata.expire}",
                    f"\tminimum = {rdata.minimum}",
                ]
            else:
                lines.append(f"{owner}\t{dns.rdatatype.to_text(rrset.rdtype)} = {rdata}")
    return lines


@dataclass
class _Options:
    qtypes: list[int] | None = None
    tries: int = 3
    words: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # bind9's "*** Invalid option" lines


def _qtype(opts: _Options, value: str) -> Result | None:
    if value.upper() not in TYPES:
        return Result(f"unknown query type: {value}\n", "", 1)
    opts.qtypes = [dns.rdatatype.from_text(value.upper())]
    return None


def _retry(opts: _Options, value: str) -> Result | None:
    if not decimal(value):
        return _invalid
    opts.tries = min(max(1, int(value)), MAX_TRIES)
    return None


def _timeout(opts: _Options, value: str) -> Result | None:
    return None if decimal(value) else _invalid


_invalid = Result()  # marker: bind9 says "*** Invalid option" and goes on

# `-option=value`: the spellings bind9's nslookup accepts for each.
_SETTINGS: dict[str, Callable[[_Options, str], Result | None]] = {
    **dict.fromkeys(("type", "query", "q", "ty", "querytype"), _qtype),
    **dict.fromkeys(("retry", "ret"), _retry),
    **dict.fromkeys(("timeout", "time", "t"), _timeout),
}


def _parse(argv: list[str]) -> _Options | Result:
    opts = _Options()
    for word in argv[1:]:
        if not word.startswith("-"):
            opts.words.append(word)
            continue
        if "=" not in word:
            continue  # -debug, -vc ...: accepted, no effect here
        option, _, value = word[1:].partition("=")
        setting = _SETTINGS.get(option)
        answer = setting(opts, value) if setting is not None else _invalid
        if answer is _invalid:
            opts.notes.append(f"*** Invalid option: {word[1:]}")  # bind9 says so and goes on
        elif answer is not None:
            return answer
    return opts


def _servers(net: Topology, host: Host, words: list[str]) -> list[str] | Result:
    """The server named after the name (resolved as getaddrinfo does), else resolv.conf's."""
    if len(words) < 2:
        return list(resolver.resolv_conf(host).bind_servers)
    server = words[1]
    if resolver.numeric_address(server) is None:
        found = resolver.getaddrinfo(net, host, server, families=(4,))
        if not found.ok:
            return Result(f";; Invalid IP address {server}\n", "", 1)
        server = str(found.addresses[0])
    return [server]


@command("nslookup")
def nslookup(argv: list[str], host: Host, net: Topology) -> Result:
    opts = _parse(argv)
    if isinstance(opts, Result):
        return opts
    if not opts.words:
        return Result("> ", "", 0)  # interactive mode reading an empty stdin
    name = opts.words[0]
    servers = _servers(net, host, opts.words)
    if isinstance(servers, Result):
        return servers
    reverse = resolver.numeric_address(name) is not None
    qtypes = opts.qtypes
    if reverse:
        qname: dns.name.Name | None = dns.reversename.from_address(name)
        qtypes = [dns.rdatatype.PTR]
    else:
        qname = search_name(net, host, servers, name, (qtypes or [dns.rdatatype.A])[0])
        if qname is None:
            return Result(f"** server can't find {name}: NXDOMAIN\n\n", "", 1)
    assert qname is not None
    qtypes = qtypes or [dns.rdatatype.A, dns.rdatatype.AAAA]
    out: list[str] = list(opts.notes)
    status, replies = _ask(net, host, servers, qname, qtypes, opts.tries, name, reverse, out)
    label = name.rstrip(".")
    if replies and all(r.rcode == NOERROR and not _has_data(r, q) for q, r in replies):
        out.append(f"*** Can't find {label}: No answer")
    if replies and len(qtypes) == 1 and qtypes[0] not in (dns.rdatatype.A, dns.rdatatype.AAAA):
        out += _authoritative_answers(*replies[0])
    return Result("\n".join(out) + "\n\n", "", status)


def _ask(
    net: Topology, host: Host, servers, qname, qtypes, tries, name, reverse, out
) -> tuple[int, list]:
    """Ask each type in turn, appending what bind9 prints; (exit status, (qtype, reply)s)."""
    status = 0
    header_done = False
    label = name.rstrip(".")
    replies: list[tuple[int, Response]] = []
    for index, qtype in enumerate(qtypes):
        query = tool_query(net, host, servers, qname, qtype, tries=tries, label=label)
        if query.answered is None:
            # bind9 repeats an unreachable-network failure once per try before giving up.
            repeat = tries if query.only_unreachable else 1
            out += (query.lines + [";; no servers could be reached"]) * repeat
            return 1, replies
        out += query.lines
        response = query.answered.reply
        replies.append((qtype, response))
        if not header_done and not reverse:
            server = query.answered.server
            out += [f"Server:\t\t{server}", f"Address:\t{server}#53", ""]
            header_done = True
        if response.rcode != NOERROR:
            shown = qname.to_text(omit_final_dot=True) if reverse else label
            out.append(f"** server can't find {shown}: {response.rcode_text}")
            status = 1
            if index == 0:
                break
            continue
        if index == 0 and not response.aa:
            out.append("Non-authoritative answer:")
        out += _answer_lines(response, qtype, with_cnames=index == 0)
    return status, replies


def _authoritative_answers(qtype: int, response: Response) -> list[str]:
    """bind9's nslookup adds these for a non-authoritative reply to types other than A/AAAA."""
    if response.rcode != NOERROR or response.aa:
        return []
    out = ["", "Authoritative answers can be found from:"]
    out += _answer_lines(response.with_flags(answer=response.authority), qtype, with_cnames=False)
    out += [
        f"{rrset.name.to_text(omit_final_dot=True)}\t"
        + ("internet address = " if rrset.rdtype == dns.rdatatype.A else "has AAAA address ")
        + rdata.address
        for rrset in response.additional
        if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA)
        for rdata in rrset
    ]
    return out


def _has_data(response, qtype: int) -> bool:
    return any(r.rdtype == qtype for r in response.answer)
