"""``nslookup``: bind9's nslookup, non-interactive form.

``nslookup [-type=T|-query=T|-q=T] [-timeout=N] [-retry=N] NAME [SERVER]``; by default it asks
for A then AAAA and prints both. "Non-authoritative answer:" appears when the first reply lacks
the ``aa`` flag. NXDOMAIN, SERVFAIL, REFUSED and "no servers could be reached" exit 1.
"""

from __future__ import annotations

import dns.name
import dns.rdatatype
import dns.reversename

from netlearn.sim.commands import command
from netlearn.sim.limits import MAX_TRIES
from netlearn.sim.names import resolver
from netlearn.sim.names.message import NOERROR
from netlearn.sim.names.tools import search_name, tool_query
from netlearn.sim.parsing import decimal
from netlearn.sim.result import Result

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


@command("nslookup")
def nslookup(argv: list[str], host, net) -> Result:
    qtypes: list[int] | None = None
    tries = 3
    words = []
    notes: list[str] = []
    for word in argv[1:]:
        if word.startswith("-") and "=" in word:
            option, _, value = word[1:].partition("=")
            if option in ("type", "query", "q", "ty", "querytype"):
                if value.upper() not in TYPES:
                    return Result(f"unknown query type: {value}\n", "", 1)
                qtypes = [dns.rdatatype.from_text(value.upper())]
            elif option in ("retry", "ret") and decimal(value):
                tries = min(max(1, int(value)), MAX_TRIES)
            elif option in ("timeout", "time", "t") and decimal(value):
                pass
            else:
                notes.append(f"*** Invalid option: {word[1:]}")  # bind9 says so and goes on
        elif word.startswith("-"):
            continue  # -debug, -vc ...: accepted, no effect here
        else:
            words.append(word)
    if not words:
        return Result("> ", "", 0)  # interactive mode reading an empty stdin
    name = words[0]
    if len(words) > 1:
        server = words[1]
        if resolver.numeric_address(server) is None:
            found = resolver.getaddrinfo(net, host, server, families=(4,))
            if not found.ok:
                return Result(f";; Invalid IP address {server}\n", "", 1)
            server = str(found.addresses[0])
        servers = [server]
    else:
        servers = list(resolver.resolv_conf(host).bind_servers)
    reverse = resolver.numeric_address(name) is not None
    if reverse:
        qname = dns.reversename.from_address(name)
        qtypes = [dns.rdatatype.PTR]
    else:
        qname = search_name(net, host, servers, name, (qtypes or [dns.rdatatype.A])[0])
        if qname is None:
            return Result(f"** server can't find {name}: NXDOMAIN\n\n", "", 1)
    qtypes = qtypes or [dns.rdatatype.A, dns.rdatatype.AAAA]
    out: list[str] = list(notes)
    status = 0
    header_done = False
    label = name.rstrip(".")
    replies = []
    for index, qtype in enumerate(qtypes):
        query = tool_query(net, host, servers, qname, qtype, tries=tries, label=label)
        if query.answered is None:
            # bind9 repeats an unreachable-network failure once per try before giving up.
            repeat = tries if query.only_unreachable else 1
            out += (query.lines + [";; no servers could be reached"]) * repeat
            status = 1
            break
        out += query.lines
        response = query.answered.response
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
    if replies and all(r.rcode == NOERROR and not _has_data(r, q) for q, r in replies):
        out.append(f"*** Can't find {label}: No answer")
    if replies and len(qtypes) == 1 and qtypes[0] not in (dns.rdatatype.A, dns.rdatatype.AAAA):
        qtype, response = replies[0]
        if response.rcode == NOERROR and not response.aa:
            # bind9's nslookup adds this for a non-authoritative reply to other types.
            out += ["", "Authoritative answers can be found from:"]
            out += _answer_lines(
                response.with_flags(answer=response.authority), qtype, with_cnames=False
            )
            out += [
                f"{rrset.name.to_text(omit_final_dot=True)}\t"
                + (
                    "internet address = "
                    if rrset.rdtype == dns.rdatatype.A
                    else "has AAAA address "
                )
                + rdata.address
                for rrset in response.additional
                if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA)
                for rdata in rrset
            ]
    return Result("\n".join(out) + "\n\n", "", status)


def _has_data(response, qtype: int) -> bool:
    return any(r.rdtype == qtype for r in response.answer)
