"""`ip route [show|add|del|replace|append|change|get|flush]` (iproute2 6.1 + kernel fib rules).

``route_request(args, host)`` parses `ip route add` arguments; scenario routes and the routes
form use it too, so they get the same errors as the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from ipaddress import IPv4Address, IPv4Network

from ..errors import CommandError
from ..limits import MAX_OUTPUT
from ..model import LOOPBACK, Host
from ..parsing import (
    Args,
    decimal,
    invarg,
    ipv6_unsupported,
    matches,
    no_device,
    parse_address,
    parse_prefix,
)
from ..result import Result
from ..routing import _MASKS, PROTO_BOOT, Route
from .ip import IpOptions, dump_json

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


def route_request(args: Args, host: Host, *, delete: bool = False) -> RouteRequest:
    """iproute_modify()'s parser. Raises CommandError with iproute2's messages and statuses."""
    req = RouteRequest()
    dst_seen = False
    while args:
        word = args.take()
        if word == "src":
            req.src = parse_address(args.next_arg())
        elif word == "via":
            if req.gateway is not None:
                raise invarg("use nexthop syntax to specify multiple via\n", word)
            value = args.next_arg()
            if value in ("inet", "inet6", "mpls", "bridge", "link"):
                value = args.next_arg()
            req.gateway = parse_address(value)
            req.gateway_given = True
        elif word in ("from", "tos", "expires", "realms", "nhid", "as", "weight", "encap"):
            args.next_arg()
            raise CommandError(f'netlearn: "ip route ... {word}" is not simulated', 2)
        elif matches(word, "metric") or matches(word, "priority") or word == "preference":
            value = args.next_arg()
            if not decimal(value) or int(value) > 0xFFFFFFFF:
                raise invarg('"metric" value is invalid\n', value)
            req.metric = int(value)
        elif word == "scope":
            value = args.next_arg()
            if value not in SCOPES and not decimal(value):
                raise invarg('invalid "scope" value\n', value)
            req.scope = SCOPES.get(value, value)
        elif word in METRIC_OPTIONS:
            args.next_arg()
        elif word in ("dev", "oif"):
            req.dev = args.next_arg()
        elif word == "table":
            value = args.next_arg()
            if value not in ("main", "254"):
                raise CommandError(f'netlearn: only the main table is simulated, not "{value}"', 2)
        elif word == "proto":
            value = args.next_arg()
            if value not in PROTOS and not decimal(value):
                raise invarg('"protocol" value is invalid\n', value)
            req.proto = value
        elif word == "onlink":
            req.onlink = True
        elif word == "pervasive":
            pass
        elif word == "nexthop":
            raise CommandError("netlearn: multipath routes are not simulated", 2)
        else:
            if word == "to":
                word = args.next_arg()
            if not word[:1].isdigit() and word in ROUTE_TYPES:
                req.route_type = word
                word = args.next_arg()
            if matches(word, "help"):
                raise usage()
            if dst_seen:
                raise CommandError(f'Error: either "to" is duplicate, or "{word}" is a garbage.',
                                   255)  # fmt: skip
            address, plen = parse_prefix(word)
            plen = 32 if plen is None else plen
            req.dst_text = word
            network = IPv4Network(f"{address}/{plen}", strict=False)
            req.host_bits = network.network_address != address
            req.dst = network
            dst_seen = True
    if not dst_seen:
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
        raise CommandError("Error: Invalid prefix for given prefix length.", 2)
    return host.add_route(req.route(), mode=mode)


def run(argv: list[str], host: Host, net, opts: IpOptions) -> Result:
    args = Args(argv)
    sub = args.take() if args else "show"
    if opts.family in ("inet6", "other"):
        if opts.family == "other" or not (
            matches(sub, "list") or matches(sub, "show") or matches(sub, "lst")
        ):
            raise ipv6_unsupported()
        # IPv6 is not simulated, but each link-local address has its kernel route
        lines = [
            f"fe80::/64 dev {iface.name} proto kernel metric 256 pref medium\n"
            for iface in host.interfaces.values()
            if iface.ipv6_lines() and not iface.loopback and iface.carrier
        ]
        return Result("".join(lines))
    if matches(sub, "add"):
        add_route(host, argv[1:], "add")
        return Result()
    if matches(sub, "change") or sub == "chg":
        add_route(host, argv[1:], "change")
        return Result()
    if matches(sub, "replace"):
        add_route(host, argv[1:], "replace")
        return Result()
    if matches(sub, "prepend"):
        add_route(host, argv[1:], "add")
        return Result()
    if matches(sub, "append"):
        add_route(host, argv[1:], "append")
        return Result()
    if matches(sub, "test"):
        return Result()
    if matches(sub, "delete"):
        return _delete(args, host)
    if matches(sub, "list") or matches(sub, "show") or matches(sub, "lst"):
        return _show(args, host, opts)
    if matches(sub, "get"):
        result = _get(args, host)
        return _get_json(result, opts.pretty) if opts.json else result
    if matches(sub, "flush"):
        return _flush(args, host)
    if matches(sub, "save") or matches(sub, "restore") or matches(sub, "showdump"):
        return Result.error(f'netlearn: "ip route {sub}" is not simulated', 2)
    if matches(sub, "help"):
        return Result.error(USAGE, 255)
    return Result.error(f'Command "{sub}" is unknown, try "ip route help".', 255)


def _delete(args: Args, host: Host) -> Result:
    req = route_request(args, host, delete=True)
    assert req.dst is not None
    if req.host_bits:
        raise CommandError("Error: Invalid prefix for given prefix length.", 2)
    host.del_route(
        req.dst,
        gateway=req.gateway,
        dev=req.dev,
        metric=req.metric,
        proto=req.proto,
        scope=req.scope,
        src=req.src,
    )
    return Result()


@dataclass
class Selector:
    root: IPv4Network | None = None
    match: IPv4Network | None = None
    exact: IPv4Network | None = None
    dev: str | None = None
    proto: str | None = None
    scope: str | None = None
    via: IPv4Address | None = None
    src: IPv4Address | None = None

    def accepts(self, route: Route) -> bool:
        """iproute2's filter_nlmsg: root (inside), match (covering), exact, and field filters."""
        return self.accepts_prefix(int(route.dst.network_address), route.dst.prefixlen) and (
            self.accepts_fields(route)
        )

    def accepts_prefix(self, key: int, plen: int) -> bool:
        if self.root is not None:
            rplen = self.root.prefixlen
            if plen < rplen or key & _MASKS[rplen] != int(self.root.network_address):
                return False
        if self.match is not None:
            mkey = int(self.match.network_address)
            if plen > self.match.prefixlen or mkey & _MASKS[plen] != key:
                return False
        return not (
            self.exact is not None
            and (plen != self.exact.prefixlen or key != int(self.exact.network_address))
        )

    def accepts_fields(self, route: Route) -> bool:
        if self.dev is not None and route.dev != self.dev:
            return False
        if self.proto is not None and route.proto != self.proto:
            return False
        if self.scope is not None and route.scope != self.scope:
            return False
        if self.via is not None and route.gateway != self.via:
            return False
        return not (self.src is not None and route.src != self.src)


def _selector(args: Args, host: Host) -> Selector:
    sel = Selector()
    while args:
        word = args.take()
        if word == "table":
            value = args.next_arg()
            if value not in ("main", "254", "all"):
                raise CommandError(f'netlearn: only the main table is simulated, not "{value}"', 2)
        elif word == "cache":
            pass
        elif word in ("dev", "oif"):
            sel.dev = args.next_arg()
            if sel.dev not in host.interfaces:
                raise CommandError(f'Cannot find device "{sel.dev}"', 1)
        elif word == "proto":
            sel.proto = args.next_arg()
        elif word == "scope":
            value = args.next_arg()
            sel.scope = SCOPES.get(value, value)
        elif word == "via":
            sel.via = parse_address(args.next_arg())
        elif word == "src":
            sel.src = parse_address(args.next_arg())
        elif word in ("type", "tos", "dsfield", "realm", "realms", "from", "iif", "vrf"):
            args.next_arg()
        else:
            if matches(word, "to"):
                word = args.next_arg()
            kind = "exact"
            if matches(word, "root"):
                kind, word = "root", args.next_arg()
            elif matches(word, "match"):
                kind, word = "match", args.next_arg()
            elif matches(word, "exact"):
                word = args.next_arg()
            address, plen = parse_prefix(word)
            network = IPv4Network(f"{address}/{32 if plen is None else plen}", strict=False)
            setattr(sel, kind, network)
    return sel


def route_json(route: Route) -> dict:
    """A route as `ip -j route` prints it."""
    data: dict = {"dst": route.destination_text()}
    if route.gateway is not None:
        data["gateway"] = str(route.gateway)
    data["dev"] = route.dev
    if route.proto != PROTO_BOOT:
        data["protocol"] = route.proto
    if route.scope != "global":
        data["scope"] = route.scope
    if route.src is not None:
        data["prefsrc"] = str(route.src)
    if route.metric:
        data["metric"] = route.metric
    data["flags"] = [f for f, on in (("onlink", route.onlink), ("linkdown", route.linkdown)) if on]
    return data


def _show(args: Args, host: Host, opts: IpOptions) -> Result:
    table = "main"
    words = args.argv[args.i :]
    if "table" in words[:-1]:
        at = words.index("table")
        table = words[at + 1]
        if table in ("local", "255", "all", "0"):
            args = Args(words[:at] + words[at + 2 :])
    sel = _selector(args, host)
    lines = []
    json_routes: list[Route] = []
    if table not in ("local", "255"):
        size = 0
        no_carrier = {i.name for i in host.interfaces.values() if not i.carrier}
        for key, plen, routes in _candidates(host, sel):
            if not sel.accepts_prefix(key, plen):
                continue
            for route in routes:
                if route.dev in no_carrier:
                    route = replace(route, linkdown=True)
                if sel.accepts_fields(route):
                    json_routes.append(route)
                    lines.append(_format_filtered(route, sel))
                    size += len(lines[-1]) + 1
            if size > MAX_OUTPUT:
                break  # the shell truncates beyond this anyway
    if opts.json:
        routes = json_routes if table not in ("local", "255") else []
        return dump_json([route_json(r) for r in routes], opts.pretty)
    if table in ("local", "255", "all", "0"):
        shown = " table local" if table in ("all", "0") else ""
        for text in local_table(host):
            lines.append(text.replace(" proto kernel", shown + " proto kernel", 1))
    return Result("".join(line + "\n" for line in lines))


def local_table(host: Host) -> list[str]:
    """The kernel's local table: a `local` route per address (src: the primary of its
    subnet), 127/8 on lo, and a `broadcast` route per primary on an UP link (or per `brd`)."""
    entries: list[tuple[int, int, int, str]] = []

    def add(address, plen: int, text: str) -> None:
        entries.append((int(address), -plen, len(entries), text))

    for iface in host.interfaces.values():
        dev = iface.name
        for address in iface.addresses:
            primaries = [p for p in iface.primaries() if p.network == address.network]
            src = primaries[0].ip if primaries else address.ip
            add(address.ip, 32, f"local {address.ip} dev {dev} proto kernel scope host src {src} ")
            net = address.network
            if iface.loopback and net.prefixlen < 32:
                add(net.network_address, net.prefixlen,
                    f"local {net} dev {dev} proto kernel scope host src {src} ")  # fmt: skip
            if not iface.admin_up:
                continue
            brds = set()
            if net.prefixlen < 31 and not iface.is_secondary(address):
                brds.add(net.broadcast_address)
            explicit = iface.broadcasts.get(str(address))
            if explicit and explicit != "255.255.255.255":
                brds.add(IPv4Address(explicit))
            for brd in sorted(brds):
                down = "" if iface.carrier else "linkdown "
                add(brd, 32, f"broadcast {brd} dev {dev} proto kernel scope link src {src} {down}")
    out: list[str] = []
    for *_, text in sorted(entries):
        if text not in out:
            out.append(text)
    return out


def _candidates(host: Host, sel: Selector):
    """(network, prefixlen, routes) the selector may accept: a direct probe per prefix length
    for `match`/`exact` (at most 33 dict lookups), the whole table otherwise."""
    target = sel.exact or (sel.match if sel.root is None else None)
    if target is None:
        yield from host.table.keyed()
        return
    found = []
    wanted = int(target.network_address)
    for plen, nets in host.table._by_len.items():
        if plen > target.prefixlen or (sel.exact is not None and plen != target.prefixlen):
            continue
        key = wanted & _MASKS[plen]
        if key in nets:
            found.append((key, -plen, list(nets[key])))
    for key, neg_plen, routes in sorted(found, key=lambda item: item[:2]):
        yield key, -neg_plen, routes


def _format_filtered(route: Route, sel: Selector) -> str:
    """iproute2 leaves out a field the filter fixed (dev, proto, scope)."""
    text = str(route)
    if sel.via is not None:
        text = text.replace(f" via {route.gateway} ", " ", 1)
    if sel.dev is not None:
        text = text.replace(f" dev {route.dev} ", " ", 1)
    if sel.proto is not None:
        text = text.replace(f" proto {route.proto} ", " ", 1)
    if sel.scope is not None:
        text = text.replace(f" scope {route.scope} ", " ", 1)
    return text


def _flush(args: Args, host: Host) -> Result:
    if not args:
        return Result.error('"ip route flush" requires arguments.', 1)
    words = list(args.argv[args.i :])
    if words == ["cache"]:
        return Result()
    sel = _selector(args, host)
    host.table.remove_where(sel.accepts)
    return Result()


def _get(args: Args, host: Host) -> Result:
    target = None
    fibmatch = False
    warning = ""
    while args:
        word = args.take()
        if word == "fibmatch":
            fibmatch = True
        elif word in ("from", "iif", "oif", "tos", "dsfield", "mark", "vrf", "uid", "ipproto",
                      "sport", "dport"):  # fmt: skip
            args.next_arg()
        elif word == "connected":
            pass
        else:
            if word == "to":
                word = args.next_arg()
            if target is not None:
                raise CommandError(f'Error: either "to" is duplicate, or "{word}" is a garbage.',
                                   255)  # fmt: skip
            address, plen = parse_prefix(word)
            if plen is not None and plen != 32:
                warning = (
                    f"Warning: /{plen} as prefix is invalid, only /32 (or none) is supported.\n"
                )
            target = address
    if target is None:
        raise CommandError("need at least a destination address", 1)
    try:
        result = _get_route(host, target, fibmatch)
    except CommandError as exc:
        raise CommandError(warning + exc.stderr, exc.status) from None
    return Result(result.stdout, warning, result.status)


def _get_json(result: Result, pretty: bool = False) -> Result:
    """`ip -j route get`: the text answer turned into iproute2's JSON object."""
    if result.status != 0 or not result.stdout:
        return result
    first, cache = result.stdout.split("\n")[:2]
    words = first.split()
    data: dict = {}
    if words[0] in ("local", "broadcast", "multicast"):
        data["type"] = words.pop(0)
    data["dst"] = words.pop(0)
    pairs = dict(zip(words[::2], words[1::2], strict=False))
    for key, name in (("via", "gateway"), ("dev", "dev"), ("src", "prefsrc")):
        if key in pairs:
            data[name] = pairs[key]
    data["flags"] = []
    data["uid"] = 0
    marks = cache.strip()[len("cache") :].strip().strip("<>")
    data["cache"] = marks.split(",") if marks else []
    return dump_json([data], pretty)


def _get_route(host: Host, target: IPv4Address, fibmatch: bool) -> Result:
    if int(target) == 0:
        return Result("local 0.0.0.0 dev lo src 127.0.0.1 uid 0 \n    cache <local> \n")
    owner = host.broadcast_owner(target)
    if owner is not None:
        iface, src = owner
        return Result(
            f"broadcast {target} dev {iface.name} src {src} uid 0 \n    cache <local,brd> \n"
        )
    local = host.local_interface_for(target)
    if local is not None:
        src = target if target not in LOOPBACK else IPv4Address("127.0.0.1")
        if local.loopback and target in LOOPBACK:
            src = IPv4Address("127.0.0.1")
        return Result(f"local {target} dev lo src {src} uid 0 \n    cache <local> \n")
    route = host.lookup(target)
    if route is None:
        raise CommandError("RTNETLINK answers: Network is unreachable", 2)
    if fibmatch:
        return Result(str(route) + "\n")
    if target.is_multicast or int(target) == 0xFFFFFFFF:
        src = host.source_address_for(route, target)
        kind, cache = ("multicast", "<mc>") if target.is_multicast else ("broadcast", "<local,brd>")
        offload = " rt_offload_failed" if target.is_multicast else ""
        src_text = f" src {src}" if src is not None else ""
        return Result(
            f"{kind} {target} dev {route.dev}{src_text}{offload} uid 0 \n    cache {cache} \n"
        )
    parts = [str(target)]
    # A gatewayed route reports its gateway, even when the gateway is the target itself (the
    # kernel's rt_uses_gateway); a gateway that is one of our own addresses is sent on-link.
    if route.gateway is not None and host.local_interface_for(route.gateway) is None:
        parts += ["via", str(route.gateway)]
    parts += ["dev", route.dev]
    src = host.source_address_for(route, target)
    if src is not None:
        parts += ["src", str(src)]
    parts += ["uid", "0"]
    on_lo = route.dev in host.interfaces and host.interfaces[route.dev].loopback
    return Result(" ".join(parts) + (" \n    cache <local> \n" if on_lo else " \n    cache \n"))
