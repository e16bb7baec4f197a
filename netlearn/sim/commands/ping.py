"""``ping``: iputils 20221126 output, errors and exit statuses, over the simulated network.

Each echo request is followed hop by hop by ``forwarding.ping_once``; the network does not change
during one command, so every packet of a run has the same fate. Times are deterministic and
plausible (0.040 ms plus 0.020 ms per router crossed both ways, a few microseconds of jitter).
Without ``-c`` or ``-w`` a real ping runs until Ctrl-C; the simulator sends 4 packets.

>>> from netlearn.sim import Network
>>> net = Network.from_scenario({"segments": ["lan"], "hosts": {
...     "A": {"interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.1/24"}}},
...     "B": {"interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.2/24"}}}}})
>>> print(net.run("A", "ping -c 1 10.0.0.2").output)
PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.
64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.044 ms
<BLANKLINE>
--- 10.0.0.2 ping statistics ---
1 packets transmitted, 1 received, 0% packet loss, time 0ms
rtt min/avg/max/mdev = 0.044/0.044/0.044/0.000 ms
<BLANKLINE>
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from netlearn.sim import trace as t
from netlearn.sim.budget import spend
from netlearn.sim.commands import command
from netlearn.sim.errors import CommandError
from netlearn.sim.forwarding import ARP_TIMEOUT, DEFAULT_TTL, Segments, ping_once
from netlearn.sim.names import resolver
from netlearn.sim.result import Result

from .ping_args import USAGE, VERSION, Options, _Version, parse_options

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology

DEFAULT_COUNT = 4  # the simulator's stand-in for "until Ctrl-C"
MAX_COUNT = 100  # packets one simulated ping sends at most
REDIRECTS_SENT = 6  # a router's redirects to one host back off (20 ms << n): ~6 at 1 s spacing
DEFAULT_LINGER = 10.0  # seconds ping waits for the last reply without -W (MAXWAIT)


def inet_aton(text: str) -> IPv4Address | None:
    """glibc inet_aton: ``a``, ``a.b``, ``a.b.c``, ``a.b.c.d``; parts decimal, 0x hex, 0 octal.

    >>> inet_aton("127.1"), inet_aton("192.165.1.300")
    (IPv4Address('127.0.0.1'), None)
    """
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = []
    for part in parts:
        if re.fullmatch(r"0[xX][0-9a-fA-F]*", part):
            values.append(int(part[2:] or "0", 16))
        elif re.fullmatch(r"0[0-7]*", part):
            values.append(int(part, 8))
        elif re.fullmatch(r"[1-9][0-9]*", part):
            values.append(int(part))
        else:
            return None
    *head, last = values
    if any(v > 255 for v in head) or last >= 1 << (8 * (4 - len(head))):
        return None
    number = 0
    for v in head:
        number = number << 8 | v
    number = number << (8 * (4 - len(head))) | last
    return IPv4Address(number)


@dataclass(frozen=True, slots=True)
class Target:
    shown: str  # the name ping prints in "PING X" and "--- X ping statistics ---"
    address: IPv4Address
    numeric: bool


def resolve_target(net: Topology, host: Host, text: str, program: str) -> Target:
    """The destination as getaddrinfo gives it, or CommandError with glibc's message."""
    address = inet_aton(text)
    if address is not None:
        if address == IPv4Address(0):
            address = IPv4Address("127.0.0.1")  # connect() to 0.0.0.0 means this host
        return Target(text, address, True)
    found = resolver.resolve_for_connect(net, host, text)
    addresses = found.v4() if found.ok else []
    if not addresses:
        error = found.error_text() if not found.ok else "Name or service not known"
        raise CommandError(f"{program}{text}: {error}", 2)
    return Target(found.canonical or text, addresses[0], False)


def _rtt_us(outcome: t.PingOutcome, seq: int) -> int:
    """A deterministic round-trip time in microseconds."""
    jitter = (seq * 37) % 11
    if outcome.request.receiver == outcome.request.sender:
        return 25 + jitter
    return 40 + 20 * outcome.routers + jitter


def _ms(us: int) -> str:
    return f"{us // 1000}.{us % 1000:03d}"


def _set(address: IPv4Address | None) -> IPv4Address:
    """An address the outcome always has in that case (a redirect's next hop, an error's
    sender)."""
    assert address is not None
    return address


def is_broadcast(host: Host, address: IPv4Address) -> bool:
    """A broadcast address for ``host``'s kernel: a ``broadcast`` route of its local table, or
    255.255.255.255 when some route covers it."""
    if address == IPv4Address("255.255.255.255"):
        return host.lookup(address) is not None
    return host.broadcast_owner(address) is not None


@command("ping")
def ping(argv: list[str], host: Host, net: Topology) -> Result:
    """ping [-c N] [-W S] [-t TTL] HOST: send ICMP echo requests (4 of them unless -c N)"""
    try:
        o, operands = parse_options(argv)
    except _Version:
        return Result(VERSION)
    if not operands:
        raise CommandError("ping: usage error: Destination address required", 1)
    target = resolve_target(net, host, operands[-1], "ping: ")
    if is_broadcast(host, target.address):
        if not o.broadcast:
            raise CommandError(
                "ping: Do you want to ping broadcast? Then -b. "
                "If not, check your local firewall rules",
                2,
            )
        # Every host on the link gets it and ignores it (icmp_echo_ignore_broadcasts=1).
        o.warnings += "WARNING: pinging broadcast address\n"
        outcome = _broadcast_outcome(host, target.address)
        return Result(_report(net, host, target, o, outcome), o.warnings, 1, outcome)
    outcome = ping_once(net, host, target.address, ttl=o.ttl, segments=Segments(net))
    if outcome.kind == t.CONNECT_FAILED:
        return Result("", o.warnings + "ping: connect: Network is unreachable\n", 2, outcome)
    return Result(_report(net, host, target, o, outcome), o.warnings, _status(o, outcome), outcome)


def _broadcast_outcome(host: Host, address: IPv4Address) -> t.PingOutcome:
    route = host.lookup(address)
    owner = host.broadcast_owner(address)
    dev = route.dev if route is not None else owner[0].name if owner else None
    src = owner[1] if owner else (host.source_address_for(route) if route else None)
    detail = f"{address} is a broadcast address: hosts ignore broadcast pings"
    request = t.Trace(
        host.name,
        src,
        address,
        (t.Hop(host.name, None, dev, None, DEFAULT_TTL),),
        drop=t.Drop(t.BROADCAST, host.name, detail),
    )
    return t.PingOutcome(request, None, t.TIMEOUT, t.BROADCAST, detail)


def _packets(o: Options) -> int:
    if o.count is not None:
        count = o.count
        if o.deadline is not None:
            count = min(count, max(1, math.ceil(o.deadline / max(o.interval, 0.001))))
    elif o.deadline is not None:
        count = max(1, math.ceil(o.deadline / max(o.interval, 0.001)))
    else:
        count = DEFAULT_COUNT
    return min(count, MAX_COUNT)


def _status(o: Options, outcome: t.PingOutcome) -> int:
    """1 when nothing came back, or when a deadline (-w) stopped ping short of -c replies."""
    if not outcome.ok:
        return 1
    if o.deadline is not None and o.count is not None and _packets(o) < o.count:
        return 1
    return 0


def _report(net: Topology, host: Host, target: Target, o: Options, outcome: t.PingOutcome) -> str:
    count = _packets(o)
    timing = o.size >= 16
    lines = [f"PING {target.shown} ({target.address}) {o.size}({o.size + 28}) bytes of data."]
    names: dict[IPv4Address, str] = {}

    def shown(address: IPv4Address) -> str:
        if target.numeric or o.numeric:
            return str(address)
        if address not in names:
            name = resolver.reverse_name(net, host, address)
            names[address] = f"{name or address} ({address})"
        return names[address]

    received = errors = 0
    rtts: list[int] = []
    pipe = 1
    interval = max(o.interval, 0.001)
    events: list[tuple[float, int, str]] = []  # (seconds after start, seq, line)
    for seq in range(1, count + 1):
        spend(1, "sending echo requests")
        sent_at = (seq - 1) * interval
        if outcome.redirect_from is not None and seq <= REDIRECTS_SENT:
            events.append(
                (
                    sent_at,
                    seq,
                    f"From {shown(outcome.redirect_from)}: icmp_seq={seq} "
                    f"Redirect Host(New nexthop: {shown(_set(outcome.redirect_to))})",
                )
            )
        if outcome.kind == t.REPLY:
            received += 1
            rtt = _rtt_us(outcome, seq)
            rtts.append(rtt)
            text = f"{o.size + 8} bytes from {shown(target.address)}: icmp_seq={seq} "
            text += f"ttl={outcome.reply_ttl}"
            events.append(
                (sent_at + rtt / 1e6, seq, text + (f" time={_ms(rtt)} ms" if timing else ""))
            )
        elif outcome.kind == t.ERROR:
            arrives = sent_at
            if outcome.error_delay:
                arrives = (sent_at // outcome.error_delay + 1) * outcome.error_delay
            if arrives >= _time_available(o, count):
                continue
            errors += 1
            events.append(
                (
                    arrives,
                    seq,
                    f"From {shown(_set(outcome.error_from))} icmp_seq={seq} {outcome.error}",
                )
            )
    if errors and outcome.error_delay:
        pipe = min(count, math.ceil(outcome.error_delay / interval))
    if not o.quiet:
        lines.extend(text for _, _, text in sorted(events, key=lambda e: (e[0], e[1])))
    lines.append("")
    lines.append(f"--- {target.shown} ping statistics ---")
    elapsed = _elapsed_ms(o, count)
    loss = (count - received) * 100.0 / count
    stats = f"{count} packets transmitted, {received} received"
    if errors:
        stats += f", +{errors} errors"
    stats += f", {loss:g}% packet loss, time {elapsed}ms"
    lines.append(stats)
    tail = ""
    comma = ""
    if received and timing:
        n = len(rtts)
        tsum = sum(rtts) // n
        tsum2 = sum(r * r for r in rtts) // n
        mdev = math.isqrt(max(0, tsum2 - tsum * tsum))
        values = "/".join(_ms(v) for v in (min(rtts), tsum, max(rtts), mdev))
        tail = f"rtt min/avg/max/mdev = {values} ms"
        comma = ", "
    if pipe > 1:
        tail += f"{comma}pipe {pipe}"
    lines.append(tail)
    return "\n".join(lines) + "\n"


def _time_available(o: Options, count: int) -> float:
    """Seconds ping listens for answers: until the deadline, or -W after the last packet."""
    if o.deadline is not None:
        return float(o.deadline)
    linger = o.wait if o.wait is not None else DEFAULT_LINGER
    return (count - 1) * o.interval + linger


def _elapsed_ms(o: Options, count: int) -> int:
    """The summary's "time": first to last transmission, with a little scheduling delay."""
    if count <= 1:
        return 0
    return int((count - 1) * o.interval * 1000) + 14 * (count - 1)


__all__ = ["ARP_TIMEOUT", "USAGE", "Target", "inet_aton", "ping", "resolve_target"]
