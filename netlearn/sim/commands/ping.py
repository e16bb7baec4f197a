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

from netlearn.sim import trace as t
from netlearn.sim.budget import spend
from netlearn.sim.commands import command
from netlearn.sim.errors import CommandError
from netlearn.sim.forwarding import ARP_TIMEOUT, DEFAULT_TTL, Segments, ping_once
from netlearn.sim.result import Result

DEFAULT_COUNT = 4  # the simulator's stand-in for "until Ctrl-C"
MAX_COUNT = 100  # packets one simulated ping sends at most
REDIRECTS_SENT = 6  # a router's redirects to one host back off (20 ms << n): ~6 at 1 s spacing
DEFAULT_LINGER = 10.0  # seconds ping waits for the last reply without -W (MAXWAIT)
MAX_SIZE = 65507

USAGE = """
Usage
  ping [options] <destination>

Options:
  <destination>      dns name or ip address
  -a                 use audible ping
  -A                 use adaptive ping
  -B                 sticky source address
  -c <count>         stop after <count> replies
  -C                 call connect() syscall on socket creation
  -D                 print timestamps
  -d                 use SO_DEBUG socket option
  -e <identifier>    define identifier for ping session, default is random for
                     SOCK_RAW and kernel defined for SOCK_DGRAM
                     Imply using SOCK_RAW (for IPv4 only for identifier 0)
  -f                 flood ping
  -h                 print help and exit
  -I <interface>     either interface name or address
  -i <interval>      seconds between sending each packet
  -L                 suppress loopback of multicast packets
  -l <preload>       send <preload> number of packages while waiting replies
  -m <mark>          tag the packets going out
  -M <pmtud opt>     define mtu discovery, can be one of <do|dont|want>
  -n                 no dns name resolution
  -O                 report outstanding replies
  -p <pattern>       contents of padding byte
  -q                 quiet output
  -Q <tclass>        use quality of service <tclass> bits
  -s <size>          use <size> as number of data bytes to be sent
  -S <size>          use <size> as SO_SNDBUF socket option value
  -t <ttl>           define time to live
  -U                 print user-to-user latency
  -v                 verbose output
  -V                 print version and exit
  -w <deadline>      reply wait <deadline> in seconds
  -W <timeout>       time to wait for response

IPv4 options:
  -4                 use IPv4
  -b                 allow pinging broadcast
  -R                 record route
  -T <timestamp>     define timestamp, can be one of <tsonly|tsandaddr|tsprespec>

IPv6 options:
  -6                 use IPv6
  -F <flowlabel>     define flow label, default is random
  -N <nodeinfo opt>  use icmp6 node info query, try <help> as argument

For more details see ping(8).
"""
VERSION = (
    "ping from iputils 20221126\n"
    "libcap: yes, IDN: yes, NLS: no, error.h: yes, getrandom(): yes, __fpending(): yes\n"
)
WITH_ARGUMENT = "ceFIilmMNpQSsTtWw"
FLAGS = "4aAbBCdDfhLnOqrRUvV6"
IGNORED = set("aABCdDLnOUv4")  # accepted, no visible effect in the simulator
UNSUPPORTED = set("fRrT6eFIlmMNpQS")


class GetoptError(Exception):
    pass


def getopt(
    argv: list[str], with_argument: str, flags: str
) -> tuple[list[tuple[str, str]], list[str]]:
    """GNU getopt with argument permutation: (options, operands); raises GetoptError."""
    opts: list[tuple[str, str]] = []
    operands: list[str] = []
    i = 0
    while i < len(argv):
        word = argv[i]
        i += 1
        if word == "--":
            operands.extend(argv[i:])
            break
        if not word.startswith("-") or word == "-":
            operands.append(word)
            continue
        j = 1
        while j < len(word):
            letter = word[j]
            j += 1
            if letter in with_argument:
                if j < len(word):
                    value = word[j:]
                elif i < len(argv):
                    value = argv[i]
                    i += 1
                else:
                    raise GetoptError(f"option requires an argument -- '{letter}'")
                opts.append((letter, value))
                break
            if letter in flags:
                opts.append((letter, ""))
                continue
            raise GetoptError(f"invalid option -- '{letter}'")
    return opts, operands


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


def resolve_target(net, host, text: str, program: str) -> Target:  # noqa: ANN001
    """The destination as getaddrinfo gives it, or CommandError with glibc's message."""
    address = inet_aton(text)
    if address is not None:
        if address == IPv4Address(0):
            address = IPv4Address("127.0.0.1")  # connect() to 0.0.0.0 means this host
        return Target(text, address, True)
    try:
        from netlearn.sim.names import resolver
    except ImportError:  # pragma: no cover - the names package ships with the simulator
        resolver = None
    if resolver is None:
        raise CommandError(f"{program}{text}: Temporary failure in name resolution", 2)
    found = resolver.resolve_for_connect(net, host, text)
    addresses = found.v4() if found.ok else []
    if not addresses:
        error = found.error_text() if not found.ok else "Name or service not known"
        raise CommandError(f"{program}{text}: {error}", 2)
    return Target(found.canonical or text, addresses[0], False)


def reverse_name(net, host, address: IPv4Address) -> str | None:  # noqa: ANN001
    """The name a reply's source resolves to (files, then DNS), or None."""
    try:
        from netlearn.sim.names import resolver
    except ImportError:  # pragma: no cover
        return None
    return resolver.reverse_name(net, host, address)


def _number(value: str, kind=float) -> float | None:  # noqa: ANN001
    try:
        return kind(value)
    except ValueError:
        return None


def _strtod_prefix(value: str) -> float:
    match = re.match(r"\s*[-+]?(\d+\.?\d*|\.\d+)", value)
    return float(match.group(0)) if match else 0.0


@dataclass(slots=True)
class Options:
    count: int | None = None
    wait: float | None = None  # -W
    deadline: float | None = None  # -w
    interval: float = 1.0
    ttl: int = DEFAULT_TTL
    size: int = 56
    quiet: bool = False
    broadcast: bool = False  # -b
    numeric: bool = False
    warnings: str = ""


def parse_options(argv: list[str]) -> tuple[Options, list[str]]:
    try:
        opts, operands = getopt(argv[1:], WITH_ARGUMENT, FLAGS)
    except GetoptError as exc:
        raise CommandError(f"ping: {exc}\n{USAGE}", 2) from None
    o = Options()
    for letter, value in opts:
        if letter == "c":
            count = _number(value, int)
            if count is None:
                raise CommandError(f"ping: invalid argument: '{value}'", 1)
            if not 1 <= count <= 9223372036854775807:
                raise CommandError(
                    f"ping: invalid argument: '{value}': out of range: "
                    "1 <= value <= 9223372036854775807",
                    1,
                )
            o.count = count
        elif letter in "Wi":
            number = _number(value)
            if number is None or not math.isfinite(number):
                o.warnings += (
                    f"ping: option argument contains garbage: {value}\n"
                    "ping: this will become fatal error in the future\n"
                )
                number = _strtod_prefix(value)
            if letter == "W":
                if number < 0:
                    raise CommandError(f"ping: bad linger time: {value}", 2)
                o.wait = number or None
            else:
                if number < 0:
                    raise CommandError(f"ping: bad timing interval: {value}", 2)
                o.interval = number
        elif letter == "w":
            number = _number(value, int)
            if number is None or not 0 <= number <= 2147483647:
                raise CommandError(f"ping: invalid argument: '{value}'", 1)
            o.deadline = number or None
        elif letter == "t":
            ttl = _number(value, int)
            if ttl is None:
                raise CommandError(f"ping: invalid argument: '{value}'", 1)
            if not 0 <= ttl <= 255:
                raise CommandError(
                    f"ping: invalid argument: '{value}': out of range: 0 <= value <= 255", 1
                )
            if ttl == 0:
                raise CommandError("ping: cannot set unicast time-to-live: Invalid argument", 2)
            o.ttl = ttl
        elif letter == "s":
            size = _number(value, int)
            if size is None or size < 0:
                raise CommandError(f"ping: invalid argument: '{value}'", 1)
            if size > MAX_SIZE:
                raise CommandError(f"ping: packet size {size} is too large. Maximum is 65507", 1)
            o.size = size
        elif letter == "b":
            o.broadcast = True
        elif letter == "q":
            o.quiet = True
        elif letter == "n":
            o.numeric = True
        elif letter == "h":
            raise CommandError(USAGE.lstrip("\n"), 2)
        elif letter == "V":
            raise _Version()
        elif letter in UNSUPPORTED:
            raise CommandError(f"ping: option -{letter} is not supported by the simulator", 2)
    return o, operands


class _Version(Exception):
    pass


def _rtt_us(outcome: t.PingOutcome, seq: int) -> int:
    """A deterministic round-trip time in microseconds."""
    jitter = (seq * 37) % 11
    if outcome.request.receiver == outcome.request.sender:
        return 25 + jitter
    return 40 + 20 * outcome.routers + jitter


def _ms(us: int) -> str:
    return f"{us // 1000}.{us % 1000:03d}"


def is_broadcast(host, address: IPv4Address) -> bool:  # noqa: ANN001
    """A broadcast address for ``host``'s kernel: a ``broadcast`` route of its local table, or
    255.255.255.255 when some route covers it."""
    if address == IPv4Address("255.255.255.255"):
        return host.lookup(address) is not None
    return host.broadcast_owner(address) is not None


@command("ping")
def ping(argv: list[str], host, net) -> Result:  # noqa: ANN001
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


def _broadcast_outcome(host, address: IPv4Address) -> t.PingOutcome:  # noqa: ANN001
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


def _report(net, host, target: Target, o: Options, outcome: t.PingOutcome) -> str:  # noqa: ANN001
    count = _packets(o)
    timing = o.size >= 16
    lines = [f"PING {target.shown} ({target.address}) {o.size}({o.size + 28}) bytes of data."]
    names: dict[IPv4Address, str] = {}

    def shown(address: IPv4Address) -> str:
        if target.numeric or o.numeric:
            return str(address)
        if address not in names:
            name = reverse_name(net, host, address)
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
                    f"Redirect Host(New nexthop: {shown(outcome.redirect_to)})",
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
                (arrives, seq, f"From {shown(outcome.error_from)} icmp_seq={seq} {outcome.error}")
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


__all__ = ["ARP_TIMEOUT", "Target", "getopt", "inet_aton", "ping", "resolve_target"]
