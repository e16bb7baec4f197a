"""ping's command line as iputils 20221126 reads it: getopt with its option letters, then a
small function per letter filling ``Options`` (bad values get iputils' messages and statuses).
``ping.py`` sends the packets."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from netlearn.sim.errors import CommandError
from netlearn.sim.forwarding import DEFAULT_TTL

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


def _number(value: str, kind=float) -> float | None:
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


def _count(o: Options, letter: str, value: str) -> None:
    count = _number(value, int)
    if count is None:
        raise CommandError(f"ping: invalid argument: '{value}'", 1)
    if not 1 <= count <= 9223372036854775807:
        raise CommandError(
            f"ping: invalid argument: '{value}': out of range: 1 <= value <= 9223372036854775807",
            1,
        )
    o.count = int(count)


def _seconds(o: Options, value: str) -> float:
    """-W and -i take a float; garbage is a warning (iputils 20221126) and its prefix counts."""
    number = _number(value)
    if number is None or not math.isfinite(number):
        o.warnings += (
            f"ping: option argument contains garbage: {value}\n"
            "ping: this will become fatal error in the future\n"
        )
        number = _strtod_prefix(value)
    return number


def _linger(o: Options, letter: str, value: str) -> None:
    number = _seconds(o, value)
    if number < 0:
        raise CommandError(f"ping: bad linger time: {value}", 2)
    o.wait = number or None


def _interval(o: Options, letter: str, value: str) -> None:
    number = _seconds(o, value)
    if number < 0:
        raise CommandError(f"ping: bad timing interval: {value}", 2)
    o.interval = number


def _deadline(o: Options, letter: str, value: str) -> None:
    number = _number(value, int)
    if number is None or not 0 <= number <= 2147483647:
        raise CommandError(f"ping: invalid argument: '{value}'", 1)
    o.deadline = number or None


def _ttl(o: Options, letter: str, value: str) -> None:
    ttl = _number(value, int)
    if ttl is None:
        raise CommandError(f"ping: invalid argument: '{value}'", 1)
    if not 0 <= ttl <= 255:
        raise CommandError(f"ping: invalid argument: '{value}': out of range: 0 <= value <= 255", 1)
    if ttl == 0:
        raise CommandError("ping: cannot set unicast time-to-live: Invalid argument", 2)
    o.ttl = int(ttl)


def _size(o: Options, letter: str, value: str) -> None:
    size = _number(value, int)
    if size is None or size < 0:
        raise CommandError(f"ping: invalid argument: '{value}'", 1)
    if size > MAX_SIZE:
        raise CommandError(f"ping: packet size {size} is too large. Maximum is 65507", 1)
    o.size = int(size)


def _flag(name: str) -> Callable[[Options, str, str], None]:
    def set_flag(o: Options, letter: str, value: str) -> None:
        setattr(o, name, True)

    return set_flag


def _help(o: Options, letter: str, value: str) -> None:
    raise CommandError(USAGE.lstrip("\n"), 2)


def _version(o: Options, letter: str, value: str) -> None:
    raise _Version()


def _unsupported(o: Options, letter: str, value: str) -> None:
    raise CommandError(f"ping: option -{letter} is not supported by the simulator", 2)


# What each option letter does (getopt has checked the letters and their arguments).
_OPTIONS: dict[str, Callable[[Options, str, str], None]] = {
    "c": _count,
    "W": _linger,
    "i": _interval,
    "w": _deadline,
    "t": _ttl,
    "s": _size,
    "b": _flag("broadcast"),
    "q": _flag("quiet"),
    "n": _flag("numeric"),
    "h": _help,
    "V": _version,
    **dict.fromkeys(UNSUPPORTED, _unsupported),
}


def parse_options(argv: list[str]) -> tuple[Options, list[str]]:
    try:
        opts, operands = getopt(argv[1:], WITH_ARGUMENT, FLAGS)
    except GetoptError as exc:
        raise CommandError(f"ping: {exc}\n{USAGE}", 2) from None
    o = Options()
    for letter, value in opts:
        handler = _OPTIONS.get(letter)
        if handler is not None:
            handler(o, letter, value)
    return o, operands


class _Version(Exception):
    pass
