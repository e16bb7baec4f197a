"""``dig``: ask a DNS server directly (never /etc/hosts), print its reply the way bind9 does.

Supported: ``dig [@server] [-t TYPE] [-x ADDR] [NAME] [TYPE] [IN] [+short] [+trace]
[+time=N] [+tries=N] [+retry=N] [+[no]recurse] [+[no]cmd]``. Exit status 0 whenever a reply
came (even NXDOMAIN or SERVFAIL), 9 when no server could be reached, 1 on a usage error,
10 when the ``@server`` name cannot be resolved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import dns.name
import dns.rdatatype
import dns.reversename

from netlearn.sim.commands import command
from netlearn.sim.limits import MAX_TRIES
from netlearn.sim.names import digfmt, resolver
from netlearn.sim.names.message import NOERROR, NXDOMAIN
from netlearn.sim.names.recursive import ANSWER, REFUSED_KIND, UNREACHABLE, exchange
from netlearn.sim.names.tools import tool_query
from netlearn.sim.parsing import decimal
from netlearn.sim.result import Result

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology

TYPES = ("A", "AAAA", "CNAME", "NS", "SOA", "PTR", "MX", "TXT", "SRV", "ANY", "CAA")
MAX_TRACE_STEPS = 16

USAGE = """Usage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}
            {global-d-opt} host [@local-server] {local-d-opt}
            [ host [@local-server] {local-d-opt} [...]]

Use "dig -h" (or "dig -h | more") for complete list of options
"""


class _Usage(Exception):
    pass


class _Options:
    def __init__(self) -> None:
        self.server: str | None = None
        self.name: str | None = None
        self.qtype: int | None = None
        self.reverse = False
        self.short = False
        self.trace = False
        self.cmd = True
        self.recurse = True
        self.tries = 3
        self.timeout = 5
        self.show = set(digfmt.DISPLAY)
        self.warnings: list[str] = []


def _plus(opts: _Options, word: str) -> None:
    option, _, value = word[1:].partition("=")
    negated = option.startswith("no")
    bare = option[2:] if negated else option

    def number(low: int) -> int:
        if not decimal(value):
            raise _Usage(f";; Invalid option: {word}")
        return min(max(low, int(value)), MAX_TRIES)  # +tries=4294967295 must not run for ever

    if bare in ("short", "shor", "sho"):
        opts.short = not negated
    elif bare in ("trace", "trac", "tra"):
        opts.trace = not negated
    elif bare in ("recurse", "recurs", "recur", "recu", "rec"):
        opts.recurse = not negated
    elif bare == "cmd":
        opts.cmd = not negated
    elif bare == "all":
        opts.show = set() if negated else set(digfmt.DISPLAY)
        opts.cmd = not negated
    elif bare in digfmt.DISPLAY:
        (opts.show.discard if negated else opts.show.add)(bare)
    elif bare in ("time", "tim", "ti") and not negated:
        opts.timeout = number(1)
    elif bare in ("tries", "trie", "tri") and not negated:
        opts.tries = number(1)
    elif bare in ("retry", "retr", "ret") and not negated:
        opts.tries = number(0) + 1
    elif bare in ("search", "nosearch", "identify", "ttlid", "class"):
        pass  # accepted without effect here
    else:
        raise _Usage(f"Invalid option: {word}")


def _dash_option(opts: _Options, word: str, value: str | None) -> None:
    """``-t TYPE``, ``-x ADDRESS``, ``-q NAME`` (and -c, -p, -b, which take a value too)."""
    if value is None:
        raise _Usage(f"Invalid option: {word}")
    if word == "-t":
        if value.upper() not in TYPES:
            opts.warnings.append(f";; Warning, ignoring invalid type {value}")
        else:
            opts.qtype = dns.rdatatype.from_text(value.upper())
    elif word == "-x":
        opts.name, opts.reverse = value, True
    elif word == "-q":
        opts.name = value


def _is_type(opts: _Options, word: str) -> bool:
    """A bare word is the query type when it names one and none was given yet, unless it comes
    first and looks like a name (`dig ns` asks for NS, `dig ns.example.com` for its A)."""
    if word.upper() not in TYPES or opts.qtype is not None:
        return False
    return opts.name is not None or not _is_name(word)


def _parse(argv: list[str]) -> _Options:
    opts = _Options()
    args = iter(argv[1:])
    for word in args:
        if word.startswith("@") and len(word) > 1:
            opts.server = word[1:]
        elif word.startswith("+"):
            _plus(opts, word)
        elif word in ("-t", "-x", "-c", "-p", "-b", "-q"):
            _dash_option(opts, word, next(args, None))
        elif word in ("-4", "-6"):
            pass
        elif word.startswith("-") and len(word) > 1:
            raise _Usage(f"Invalid option: {word}")
        elif _is_type(opts, word):
            opts.qtype = dns.rdatatype.from_text(word.upper())
        elif word.upper() != "IN":
            opts.name = word
    return opts


def _is_name(word: str) -> bool:
    return "." in word


def _header(argv: list[str], found: int | None) -> list[str]:
    lines = ["", f"; <<>> DiG {digfmt.DIG_VERSION} <<>> {' '.join(argv[1:])}".rstrip()]
    if found is not None:
        lines.append(f"; ({found} server{'s' if found != 1 else ''} found)")
    lines.append(";; global options: +cmd")
    return lines


@command("dig")
def dig(argv: list[str], host: Host, net: Topology) -> Result:
    try:
        opts = _parse(argv)
    except _Usage as exc:
        return Result("", f"{exc}\n{USAGE}", 1)
    question = _question(opts)
    if isinstance(question, Result):
        return question
    qname, qtype = question
    servers, found = _servers(net, host, opts)
    if servers is None:
        return Result("", f"dig: couldn't get address for '{opts.server}': not found\n", 10)
    if opts.trace:
        return _trace(net, host, argv, opts, servers, qname, qtype)
    label = qname.to_text() if opts.reverse else (opts.name or ".")
    warnings = "".join(line + "\n" for line in opts.warnings)
    query = tool_query(
        net, host, servers, qname, qtype, tries=opts.tries, label=label, rd=opts.recurse
    )
    out = list(query.lines)
    show_header = opts.cmd and not opts.short
    if query.answered is None:
        if query.only_unreachable:
            # bind9 gives up on an unreachable network once per try, saying so each time.
            out = (query.lines + [";; no servers could be reached"]) * opts.tries
            return Result("\n".join(out) + "\n", warnings, 9)
        if show_header:
            out += _header(argv, found)
        out.append(";; no servers could be reached")
        return Result("\n".join(out) + "\n", warnings, 9)
    response = query.answered.reply
    if opts.short:
        out += digfmt.short_lines(response)
        return Result("".join(line + "\n" for line in out), warnings, 0)
    if show_header:
        out += _header(argv, found)
    qid = digfmt.query_id(host.name, getattr(net, "commands_run", 0), qname, qtype)
    out += digfmt.dig_message(response, query.answered.server, net.clock, qid, frozenset(opts.show))
    return Result("".join(line + "\n" for line in out), warnings, 0)


def _question(opts: _Options) -> tuple[dns.name.Name, int] | Result:
    """The name and type asked: -x's reverse name (PTR), the root's NS, or NAME's A."""
    if opts.reverse:
        try:
            qname = dns.reversename.from_address(str(opts.name))
        except (ValueError, dns.exception.SyntaxError):
            return Result("", f"Invalid IP address {opts.name}\n", 1)
        return qname, opts.qtype or dns.rdatatype.PTR
    if opts.name is None:
        return dns.name.root, opts.qtype or dns.rdatatype.NS
    name = resolver.to_name(opts.name)
    if name is None:
        return Result("", f"dig: '{opts.name}' is not a legal name (label too long)\n", 10)
    return name, opts.qtype or dns.rdatatype.A


def _servers(net: Topology, host: Host, opts: _Options) -> tuple[list[str] | None, int | None]:
    if opts.server is None:
        return list(resolver.resolv_conf(host).bind_servers), None
    if resolver.numeric_address(opts.server) is not None:
        return [opts.server], 1
    found = resolver.getaddrinfo(net, host, opts.server)
    if not found.ok:
        return None, None
    servers = [str(a) for a in found.addresses]
    return servers, len(servers)


def _trace(net: Topology, host: Host, argv, opts, servers, qname, qtype) -> Result:
    """``dig +trace``: from the root down, asking each server itself (no recursion)."""
    out = _header(argv, None) if opts.cmd else []
    first = tool_query(
        net, host, servers, dns.name.root, dns.rdatatype.NS, tries=opts.tries, label="."
    )
    out += first.lines
    if first.answered is None:
        out.append(";; no servers could be reached")
        return Result("\n".join(out) + "\n", "", 9)
    reply = first.answered.reply
    out += [line for rrset in reply.answer for line in digfmt.record_lines(rrset)]
    server = first.answered.server
    out += [f";; Received {reply.wire_size()} bytes from {server}#53({server}) in 0 ms", ""]
    ns = next((r for r in reply.answer if r.rdtype == dns.rdatatype.NS), None)
    for _ in range(MAX_TRACE_STEPS):
        if ns is None:
            break
        step = _ask_one_of(net, host, ns, reply, qname, qtype, out)
        if step is None:
            out.append(";; no servers could be reached")
            return Result("\n".join(out) + "\n", "", 9)
        address, ns_name, reply = step
        shown = (
            [*reply.answer, *reply.authority]
            if reply.answer or reply.is_referral
            else [*reply.authority]
        )
        out += [line for rrset in shown for line in digfmt.record_lines(rrset)]
        out += [
            f";; Received {reply.wire_size()} bytes from {address}#53({ns_name}) in 0 ms",
            "",
        ]
        if not reply.is_referral:
            break
        ns = next(r for r in reply.authority if r.rdtype == dns.rdatatype.NS)
    return Result("\n".join(out) + "\n", "", 0)


def _ask_one_of(net: Topology, host: Host, ns, previous, qname, qtype, out):
    glue = {
        rrset.name: [d.to_text() for d in rrset]
        for rrset in previous.additional
        if rrset.rdtype == dns.rdatatype.A
    }
    for rdata in sorted(ns, key=lambda d: d.target):
        name = rdata.target.to_text(omit_final_dot=True)
        addresses = glue.get(rdata.target)
        if addresses is None:
            found = resolver.getaddrinfo(net, host, name, families=(4,))
            addresses = [str(a) for a in found.addresses] if found.ok else []
        for address in addresses:
            ex = exchange(net, host, address, qname, qtype, rd=False)
            if ex.kind == ANSWER and ex.reply.rcode in (NOERROR, NXDOMAIN):
                return address, name, ex.reply
            why = "connection refused" if ex.kind == REFUSED_KIND else "timed out"
            if ex.kind == UNREACHABLE:
                out.append(
                    f";; UDP setup with {address}#53({address}) for {qname.to_text()} failed: "
                    "network unreachable."
                )
            else:
                out.append(f";; communications error to {address}#53: {why}")
    return None
