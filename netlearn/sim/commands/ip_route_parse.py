"""`ip route add|del|change|...` arguments as iproute2 6.1's iproute_modify() reads them: a table
of keywords, each a small function filling a ``RouteRequest``; anything else is the destination.

``add_route(host, argv)`` parses and applies; scenario routes and the routes form use it too, so
they get the same errors as the terminal (the kernel's own checks are in ``routing.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network

from ..errors import CommandError
from ..model import Host
from ..parsing import (
    Args,
    decimal,
    invarg,
    keyword,
    matches,
    no_device,
    parse_address,
    parse_prefix,
)
from ..routing import PROTO_BOOT, Route, invalid_prefix

USAGE = """\
Usage: ip route { list | flush } SELECTOR
       ip route save SELECTOR
       ip route restore
       ip route showdump
       ip route get [ ROUTE_GET_FLAGS ] ADDRESS
                            [ from ADDRESS iif STRING ]
                            [ oif STRING ] [ tos TOS ]
                            [ mark NUMBER ] [ vrf NAME ]
                            [ uid NUMBER ] [ ipproto PROTOCOL ]
                            [ sport NUMBER ] [ dport NUMBER ]
       ip route { add | del | change | append | replace } ROUTE
SELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ]
            [ table TABLE_ID ] [ vrf NAME ] [ proto RTPROTO ]
            [ type TYPE ] [ scope SCOPE ]
ROUTE := NODE_SPEC [ INFO_SPEC ]
NODE_SPEC := [ TYPE ] PREFIX [ tos TOS ]
             [ table TABLE_ID ] [ proto RTPROTO ]
             [ scope SCOPE ] [ metric METRIC ]
             [ ttl-propagate { enabled | disabled } ]
INFO_SPEC := { NH | nhid ID } OPTIONS FLAGS [ nexthop NH ]...
NH := [ encap ENCAPTYPE ENCAPHDR ] [ via [ FAMILY ] ADDRESS ]
      [ dev STRING ] [ weight NUMBER ] NHFLAGS
FAMILY := [ inet | inet6 | mpls | bridge | link ]
OPTIONS := FLAGS [ mtu NUMBER ] [ advmss NUMBER ] [ as [ to ] ADDRESS ]
           [ rtt TIME ] [ rttvar TIME ] [ reordering NUMBER ]
           [ window NUMBER ] [ cwnd NUMBER ] [ initcwnd NUMBER ]
           [ ssthresh NUMBER ] [ realms REALM ] [ src ADDRESS ]
           [ rto_min TIME ] [ hoplimit NUMBER ] [ initrwnd NUMBER ]
           [ features FEATURES ] [ quickack BOOL ] [ congctl NAME ]
           [ pref PREF ] [ expires TIME ] [ fastopen_no_cookie BOOL ]
TYPE := { unicast | local | broadcast | multicast | throw |
          unreachable | prohibit | blackhole | nat }
TABLE_ID := [ local | main | default | all | NUMBER ]
SCOPE := [ host | link | global | NUMBER ]
NHFLAGS := [ onlink | pervasive ]
RTPROTO := [ kernel | boot | static | NUMBER ]
PREF := [ low | medium | high ]
TIME := NUMBER[s|ms]
BOOL := [1|0]
FEATURES := ecn
ENCAPTYPE := [ mpls | ip | ip6 | seg6 | seg6local | rpl | ioam6 | xfrm ]
ENCAPHDR := [ MPLSLABEL | SEG6HDR | SEG6LOCAL | IOAM6HDR | XFRMINFO ]
SEG6HDR := [ mode SEGMODE ] segs ADDR1,ADDRi,ADDRn [hmac HMACKEYID] [cleanup]
SEGMODE := [ encap | encap.red | inline | l2encap | l2encap.red ]
SEG6LOCAL := action ACTION [ OPTIONS ] [ count ]
ACTION := { End | End.X | End.T | End.DX2 | End.DX6 | End.DX4 |
            End.DT6 | End.DT4 | End.DT46 | End.B6 | End.B6.Encaps |
            End.BM | End.S | End.AS | End.AM | End.BPF }
OPTIONS := OPTION [ OPTIONS ]
OPTION := { flavors FLAVORS | srh SEG6HDR | nh4 ADDR | nh6 ADDR | iif DEV | oif DEV |
            table TABLEID | vrftable TABLEID | endpoint PROGNAME }
FLAVORS := { FLAVOR[,FLAVOR] }
FLAVOR := { psp | usp | usd | next-csid }
IOAM6HDR := trace prealloc type IOAM6_TRACE_TYPE ns IOAM6_NAMESPACE size IOAM6_TRACE_SIZE
XFRMINFO := if_id IF_ID [ link_dev LINK ]
ROUTE_GET_FLAGS := [ fibmatch ]
"""

ROUTE_TYPES = ("unicast", "local", "broadcast", "multicast", "throw", "unreachable",
               "prohibit", "blackhole", "nat", "anycast")  # fmt: skip
SCOPES = {"global": "global", "universe": "global", "link": "link", "host": "host",
          "site": "site", "nowhere": "nowhere"}  # fmt: skip
METRIC_OPTIONS = frozenset(
    [
        "mtu",
        "advmss",
        "hoplimit",
        "window",
        "cwnd",
        "initcwnd",
        "rtt",
        "rttvar",
        "ssthresh",
        "initrwnd",
        "reordering",
        "features",
        "quickack",
        "congctl",
        "pref",
        "rto_min",
        "fastopen_no_cookie",
        "ttl-propagate",
    ]
)
PROTOS = ("kernel", "boot", "static", "dhcp", "ra", "redirect", "zebra", "bird", "unspec")


def usage() -> CommandError:
    return CommandError(USAGE, 255)


@dataclass
class RouteRequest:
    """What `ip route add|del ...` asked for, before the kernel looks at it."""

    dst: IPv4Network | None = None
    dst_text: str = ""
    host_bits: bool = False  # the destination had host bits set (kernel refuses)
    gateway: IPv4Address | None = None
    dev: str | None = None
    metric: int | None = None
    proto: str | None = None
    scope: str | None = None
    src: IPv4Address | None = None
    onlink: bool = False
    gateway_given: bool = False  # `via` was on the line (even `via 0.0.0.0`)
    route_type: str = "unicast"
    table: str = "main"

    def route(self) -> Route:
        scope = self.scope or ("global" if self.gateway_given else "link")
        gateway = self.gateway if self.gateway is not None and int(self.gateway) else None
        return Route(
            dst=self.dst or IPv4Network("0.0.0.0/0"),
            gateway=gateway,
            dev=self.dev or "",
            metric=self.metric or 0,
            proto=self.proto or PROTO_BOOT,
            scope=scope,
            src=self.src,
            onlink=self.onlink,
        )


def _src(req: RouteRequest, args: Args, word: str) -> None:
    req.src = parse_address(args.next_arg())


def _via(req: RouteRequest, args: Args, word: str) -> None:
    if req.gateway is not None:
        raise invarg("use nexthop syntax to specify multiple via\n", word)
    value = args.next_arg()
    if value in ("inet", "inet6", "mpls", "bridge", "link"):
        value = args.next_arg()
    req.gateway = parse_address(value)
    req.gateway_given = True


def _not_simulated(req: RouteRequest, args: Args, word: str) -> None:
    args.next_arg()
    raise CommandError(f'netlearn: "ip route ... {word}" is not simulated', 2)


def _metric(req: RouteRequest, args: Args, word: str) -> None:
    value = args.next_arg()
    if not decimal(value) or int(value) > 0xFFFFFFFF:
        raise invarg('"metric" value is invalid\n', value)
    req.metric = int(value)


def _scope(req: RouteRequest, args: Args, word: str) -> None:
    value = args.next_arg()
    if value not in SCOPES and not decimal(value):
        raise invarg('invalid "scope" value\n', value)
    req.scope = SCOPES.get(value, value)


def _skip_value(req: RouteRequest, args: Args, word: str) -> None:
    args.next_arg()


def _dev(req: RouteRequest, args: Args, word: str) -> None:
    req.dev = args.next_arg()


def _table(req: RouteRequest, args: Args, word: str) -> None:
    value = args.next_arg()
    if value not in ("main", "254"):
        raise CommandError(f'netlearn: only the main table is simulated, not "{value}"', 2)


def _proto(req: RouteRequest, args: Args, word: str) -> None:
    value = args.next_arg()
    if value not in PROTOS and not decimal(value):
        raise invarg('"protocol" value is invalid\n', value)
    req.proto = value


def _onlink(req: RouteRequest, args: Args, word: str) -> None:
    req.onlink = True


def _pervasive(req: RouteRequest, args: Args, word: str) -> None:
    pass


def _nexthop(req: RouteRequest, args: Args, word: str) -> None:
    raise CommandError("netlearn: multipath routes are not simulated", 2)


def _destination(req: RouteRequest, args: Args, word: str) -> None:
    """``[to] [TYPE] PREFIX``: anything that is not a keyword."""
    if word == "to":
        word = args.next_arg()
    if not word[:1].isdigit() and word in ROUTE_TYPES:
        req.route_type = word
        word = args.next_arg()
    if matches(word, "help"):
        raise usage()
    if req.dst is not None:
        raise CommandError(f'Error: either "to" is duplicate, or "{word}" is a garbage.', 255)
    address, plen = parse_prefix(word)
    plen = 32 if plen is None else plen
    req.dst_text = word
    network = IPv4Network(f"{address}/{plen}", strict=False)
    req.host_bits = network.network_address != address
    req.dst = network


Option = Callable[[RouteRequest, Args, str], None]

# iproute_modify()'s keywords, written out in full (none of them is an abbreviation of
# "metric" or "priority", the two that iproute2 accepts abbreviated).
_KEYWORDS: dict[str, Option] = {
    "src": _src,
    "via": _via,
    **dict.fromkeys(
        ("from", "tos", "expires", "realms", "nhid", "as", "weight", "encap"), _not_simulated
    ),
    "preference": _metric,
    "scope": _scope,
    **dict.fromkeys(METRIC_OPTIONS, _skip_value),
    "dev": _dev,
    "oif": _dev,
    "table": _table,
    "proto": _proto,
    "onlink": _onlink,
    "pervasive": _pervasive,
    "nexthop": _nexthop,
}
# ...then the two it accepts abbreviated; anything else is the destination.
_ABBREVIATED: tuple[tuple[str, Option], ...] = (("metric", _metric), ("priority", _metric))


def route_request(args: Args, host: Host, *, delete: bool = False) -> RouteRequest:
    """iproute_modify()'s parser. Raises CommandError with iproute2's messages and statuses."""
    req = RouteRequest()
    while args:
        word = args.take()
        keyword(word, _KEYWORDS, _ABBREVIATED, _destination)(req, args, word)
    if req.dst is None:
        raise usage()
    if req.route_type != "unicast":
        raise CommandError(f'netlearn: "{req.route_type}" routes are not simulated', 2)
    if req.dev is not None and req.dev not in host.interfaces:
        raise no_device(req.dev)
    return req


def add_route(host: Host, argv: list[str], mode: str = "add") -> Route:
    """`ip route add ARGS` on ``host``: parse, then the kernel's checks. Returns the new route."""
    req = route_request(Args(list(argv)), host)
    if req.host_bits:
        raise invalid_prefix()
    return host.add_route(req.route(), mode=mode)
