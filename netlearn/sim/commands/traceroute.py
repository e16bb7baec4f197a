"""``traceroute``: Modern traceroute for Linux 2.1.2 over the simulated network.

One probe per hop and query, UDP to a high port: a router whose TTL check drops the probe answers
"Time to live exceeded" from the address it would use to reach the sender; the destination answers
"port unreachable" and ends the trace; ``!N`` (router without a route) and ``!H`` (nobody answers
ARP, after ~3 s) end it too. Silent drops (forwarding off, no way back) print ``*``. Without
``-n`` every address is reverse-resolved (/etc/hosts, then DNS) and printed as ``name (address)``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from netlearn.sim import trace as t
from netlearn.sim.budget import spend
from netlearn.sim.commands import command
from netlearn.sim.commands.ping import inet_aton, is_broadcast, resolve_target
from netlearn.sim.errors import CommandError
from netlearn.sim.forwarding import Segments, probes, send
from netlearn.sim.names.resolver import reverse_name
from netlearn.sim.result import Result

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology

DEFAULT_MAX_HOPS = 30
DEFAULT_QUERIES = 3
DEFAULT_WAIT = 5.0  # seconds (-w MAX)
MIN_PACKETLEN = 28
MAX_PACKETLEN = 65000
ANNOTATION = {t.NET_UNREACHABLE: "!N", t.HOST_UNREACHABLE: "!H"}

USAGE = (
    "Usage:\n"
    "  traceroute [ -46dFITnreAUDV ] [ -f first_ttl ] [ -g gate,... ] [ -i device ] [ -m m"
    "ax_ttl ] [ -N squeries ] [ -p port ] [ -t tos ] [ -l flow_label ] [ -w MAX,HERE,NEAR "
    "] [ -q nqueries ] [ -s src_addr ] [ -z sendwait ] [ --fwmark=num ] host [ packetlen ]\n"
    "Options:\n"
    "  -4                          Use IPv4\n"
    "  -6                          Use IPv6\n"
    "  -d  --debug                 Enable socket level debugging\n"
    "  -F  --dont-fragment         Do not fragment packets\n"
    "  -f first_ttl  --first=first_ttl\n"
    "                              Start from the first_ttl hop (instead from 1)\n"
    "  -g gate,...  --gateway=gate,...\n"
    "                              Route packets through the specified gateway\n"
    "                              (maximum 8 for IPv4 and 127 for IPv6)\n"
    "  -I  --icmp                  Use ICMP ECHO for tracerouting\n"
    "  -T  --tcp                   Use TCP SYN for tracerouting (default port is 80)\n"
    "  -i device  --interface=device\n"
    "                              Specify a network interface to operate with\n"
    "  -m max_ttl  --max-hops=max_ttl\n"
    "                              Set the max number of hops (max TTL to be\n"
    "                              reached). Default is 30\n"
    "  -N squeries  --sim-queries=squeries\n"
    "                              Set the number of probes to be tried\n"
    "                              simultaneously (default is 16)\n"
    "  -n                          Do not resolve IP addresses to their domain names\n"
    "  -p port  --port=port        Set the destination port to use. It is either\n"
    '                              initial udp port value for "default" method\n'
    "                              (incremented by each probe, default is 33434), or\n"
    '                              initial seq for "icmp" (incremented as well,\n'
    "                              default from 1), or some constant destination\n"
    "                              port for other methods (with default of 80 for\n"
    '                              "tcp", 53 for "udp", etc.)\n'
    "  -t tos  --tos=tos           Set the TOS (IPv4 type of service) or TC (IPv6\n"
    "                              traffic class) value for outgoing packets\n"
    "  -l flow_label  --flowlabel=flow_label\n"
    "                              Use specified flow_label for IPv6 packets\n"
    "  -w MAX,HERE,NEAR  --wait=MAX,HERE,NEAR\n"
    "                              Wait for a probe no more than HERE (default 3)\n"
    "                              times longer than a response from the same hop,\n"
    "                              or no more than NEAR (default 10) times than some\n"
    "                              next hop, or MAX (default 5.0) seconds (float\n"
    "                              point values allowed too)\n"
    "  -q nqueries  --queries=nqueries\n"
    "                              Set the number of probes per each hop. Default is\n"
    "                              3\n"
    "  -r                          Bypass the normal routing and send directly to a\n"
    "                              host on an attached network\n"
    "  -s src_addr  --source=src_addr\n"
    "                              Use source src_addr for outgoing packets\n"
    "  -z sendwait  --sendwait=sendwait\n"
    "                              Minimal time interval between probes (default 0).\n"
    "                              If the value is more than 10, then it specifies a\n"
    "                              number in milliseconds, else it is a number of\n"
    "                              seconds (float point values allowed too)\n"
    "  -e  --extensions            Show ICMP extensions (if present), including MPLS\n"
    "  -A  --as-path-lookups       Perform AS path lookups in routing registries and\n"
    "                              print results directly after the corresponding\n"
    "                              addresses\n"
    "  -M name  --module=name      Use specified module (either builtin or external)\n"
    "                              for traceroute operations. Most methods have\n"
    "                              their shortcuts (`-I' means `-M icmp' etc.)\n"
    "  -O OPTS,...  --options=OPTS,...\n"
    "                              Use module-specific option OPTS for the\n"
    "                              traceroute module. Several OPTS allowed,\n"
    '                              separated by comma. If OPTS is "help", print info\n'
    "                              about available options\n"
    "  --sport=num                 Use source port num for outgoing packets. Implies\n"
    "                              `-N 1'\n"
    "  --fwmark=num                Set firewall mark for outgoing packets\n"
    "  -U  --udp                   Use UDP to particular port for tracerouting\n"
    "                              (instead of increasing the port per each probe),\n"
    "                              default port is 53\n"
    "  -UL                         Use UDPLITE for tracerouting (default dest port\n"
    "                              is 53)\n"
    "  -D  --dccp                  Use DCCP Request for tracerouting (default port\n"
    "                              is 33434)\n"
    "  -P prot  --protocol=prot    Use raw packet of protocol prot for tracerouting\n"
    "  --mtu                       Discover MTU along the path being traced. Implies\n"
    "                              `-F -N 1'\n"
    "  --back                      Guess the number of hops in the backward path and\n"
    "                              print if it differs\n"
    "  -V  --version               Print version info and exit\n"
    "  --help                      Read this help and exit\n"
    "\n"
    "Arguments:\n"
    "+     host          The host to traceroute to\n"
    "      packetlen     The full packet length (default is the length of an IP\n"
    "                    header plus 40). Can be ignored or increased to a minimal\n"
    "                    allowed value\n"
)
WITH_ARGUMENT = {
    "f": "first_ttl",
    "g": "gate,...",
    "i": "device",
    "m": "max_ttl",
    "N": "squeries",
    "p": "port",
    "t": "tos",
    "l": "flow_label",
    "w": "MAX,HERE,NEAR",
    "q": "nqueries",
    "s": "src_addr",
    "z": "sendwait",
    "M": "name",
    "O": "OPTS,...",
    "P": "prot",
}
FLAGS = set("46dFITnreAUDV")


class _Options:
    def __init__(self) -> None:
        self.numeric = False
        self.first = 1
        self.max_hops = DEFAULT_MAX_HOPS
        self.queries = DEFAULT_QUERIES
        self.wait = DEFAULT_WAIT
        self.packetlen = 60


def _parse(argv: list[str]) -> tuple[_Options, str, int]:
    """traceroute's own cmdline parser and its messages; returns (options, host, host argc)."""
    o = _Options()
    operands: list[tuple[str, int]] = []
    i = 1
    while i < len(argv):
        word = argv[i]
        if not word.startswith("-") or word == "-":
            operands.append((word, i))
            i += 1
            continue
        if word.startswith("--"):
            raise CommandError(f"Bad option `{word}' (argc {i})", 2)
        j = 1
        while j < len(word):
            letter = word[j]
            j += 1
            if letter in FLAGS:
                if letter == "n":
                    o.numeric = True
                elif letter == "V":
                    raise _Version()
                continue
            if letter not in WITH_ARGUMENT:
                raise CommandError(f"Bad option `-{letter}' (argc {i})", 2)
            if j < len(word):
                value = word[j:]
            elif i + 1 < len(argv):
                i += 1
                value = argv[i]
            else:
                raise CommandError(
                    f"Option `-{letter}' (argc {i}) requires an argument: "
                    f"`-{letter} {WITH_ARGUMENT[letter]}'",
                    2,
                )
            _option(o, letter, value, i)
            break
        i += 1
    if not operands:
        raise _Usage()
    if len(operands) > 2:
        word, index = operands[2]
        raise CommandError(f"Extra arg `{word}' (position 3, argc {index})", 2)
    if len(operands) == 2:
        word, index = operands[1]
        if not re.fullmatch(r"\d+", word):
            raise CommandError(
                f'Cannot handle "packetlen" cmdline arg `{word}\' on position 2 (argc {index})', 2
            )
        length = int(word)
        if length > MAX_PACKETLEN:
            raise CommandError(f"too big packetlen {length} specified", 2)
        o.packetlen = max(MIN_PACKETLEN, length)
    if o.first > o.max_hops or o.first < 1:
        raise CommandError("first hop out of range", 2)
    if o.max_hops > 255:
        raise CommandError("max hops cannot be more than 255", 2)
    return o, operands[0][0], operands[0][1]


def _option(o: _Options, letter: str, value: str, argc: int) -> None:
    def bad() -> CommandError:
        return CommandError(f"Cannot handle `-{letter}' option with arg `{value}' (argc {argc})", 2)

    if letter in "fmq":
        if not re.fullmatch(r"\d+", value):
            raise bad()
        number = int(value)
        if letter == "f":
            o.first = number
        elif letter == "m":
            o.max_hops = number
        else:
            if not 1 <= number <= 10:
                raise CommandError("no more than 10 probes per hop", 2)
            o.queries = number
    elif letter == "w":
        try:
            o.wait = float(value.split(",")[0])
        except ValueError:
            raise bad() from None
    elif letter == "z":
        try:
            float(value)
        except ValueError:
            raise bad() from None


class _Usage(Exception):
    pass


class _Version(Exception):
    pass


def _probe_ms(distance: int, query: int) -> float:
    """A deterministic probe time: the first probe of a hop is the slowest, as on Linux."""
    if query == 0:
        return (40 + 16 * distance) / 1000
    return (8 + 3 * distance + query) / 1000


@command("traceroute")
def traceroute(argv: list[str], host: Host, net: Topology) -> Result:
    """traceroute [-n] [-m MAX] [-q N] HOST: print the routers on the way to HOST"""
    try:
        o, text, argc = _parse(argv)
    except _Usage:
        return Result("", USAGE, 0)
    except _Version:
        return Result(
            "Modern traceroute for Linux, version 2.1.2\n"
            "Copyright (c) 2016  Dmitry Butskoy,   License: GPL v2 or any later\n"
        )
    if inet_aton(text) is None:
        try:
            target = resolve_target(net, host, text, "")
        except CommandError as exc:
            raise CommandError(
                f'{exc.stderr}Cannot handle "host" cmdline arg `{text}\' on position 1 '
                f"(argc {argc})",
                2,
            ) from None
    else:
        target = resolve_target(net, host, text, "")
    header = (
        f"traceroute to {target.shown} ({target.address}), {o.max_hops} hops max, "
        f"{o.packetlen} byte packets"
    )
    if is_broadcast(host, target.address):  # connect() on a socket without SO_BROADCAST
        return Result(header, "\nconnect: Permission denied\n", 1)
    segments = Segments(net)
    names: dict = {}

    def shown(address) -> str:
        if o.numeric:
            return str(address)
        if address not in names:
            names[address] = f"{reverse_name(net, host, address) or address} ({address})"
        return names[address]

    lines = [header]
    traces = []
    answers: dict = {}  # (receiver or dropping host, kind): the answer, computed once
    every = probes(net, host, target.address, first=o.first, last=o.max_hops, segments=segments)
    for ttl, probe in zip(range(o.first, o.max_hops + 1), every, strict=False):
        if not probe.hops:
            return Result(header, "\nconnect: Network is unreachable\n", 1, probe)
        key = (
            probe.receiver,
            probe.drop.host if probe.drop else None,
            probe.drop and probe.drop.icmp,
        )
        if key not in answers:
            answers[key] = _answer(net, host, probe, target.address, segments)
        answer, delay, note, final = answers[key]
        traces.append(probe)
        spend(1, "sending probes")
        line = f"{ttl:2d} "
        if answer is None or delay >= o.wait:
            line += " *" * o.queries
            lines.append(line)
            continue
        line += f" {shown(answer)}"
        for query in range(o.queries):
            ms = delay * 1000 + _probe_ms(ttl, query)
            line += f"  {ms:.3f} ms" + (f" {note}" if note else "")
        lines.append(line)
        if final:
            break
    return Result("\n".join(lines) + "\n", "", 0, tuple(traces))


def _answer(net: Topology, host: Host, probe: t.Trace, dst, segments: Segments):
    """(address the answer comes from, its delay, annotation, ends the trace) or (None, ...)."""
    if probe.delivered:
        if probe.receiver == host.name:
            return dst, 0.0, "", True
        back = send(
            net, str(probe.receiver), probe.source, src=dst, returning=True, segments=segments
        )
        if back.delivered and back.receiver == host.name:
            return dst, 0.0, "", True
        return None, 0.0, "", False
    drop = probe.lost
    if drop.icmp is None:
        return None, 0.0, "", False
    note = ANNOTATION.get(drop.icmp, "")
    final = drop.icmp != t.TIME_EXCEEDED
    if drop.host == host.name:
        return probe.src, drop.delay, note, final
    back = send(net, drop.host, probe.source, returning=True, segments=segments)
    if back.delivered and back.receiver == host.name:
        return back.src, drop.delay, note, final
    return None, 0.0, "", False
