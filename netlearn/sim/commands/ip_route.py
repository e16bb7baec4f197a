"""`ip route [show|add|del|replace|append|change|get|flush]` (iproute2 6.1 + kernel fib rules).

The subcommands are a table in do_iproute()'s order; `ip route add ...` arguments are parsed by
``ip_route_parse`` (``add_route`` is re-exported here for the scenario loader and the routes form).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

from ..errors import CommandError
from ..limits import MAX_OUTPUT
from ..model import Host
from ..parsing import (
    Args,
    ipv6_unsupported,
    matches,
    parse_address,
    parse_prefix,
)
from ..result import Result
from ..routing import _MASKS, PROTO_BOOT, Route, invalid_prefix, local_table, route_get
from .ip import IpOptions, dump_json
from .ip_route_parse import SCOPES, USAGE, add_route, route_request

if TYPE_CHECKING:
    from netlearn.sim.topology import Topology

__all__ = ["add_route", "local_table", "route_json", "run"]


def run(argv: list[str], host: Host, net: Topology, opts: IpOptions) -> Result:
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
    handler = next((h for full, h in _SUBCOMMANDS if matches(sub, full)), None)
    if handler is None:
        return Result.error(f'Command "{sub}" is unknown, try "ip route help".', 255)
    return handler(sub, args, host, opts)


def _modify(mode: str) -> Subcommand:
    def modify(sub: str, args: Args, host: Host, opts: IpOptions) -> Result:
        add_route(host, args.argv[args.i :], mode)
        return Result()

    return modify


def _test(sub: str, args: Args, host: Host, opts: IpOptions) -> Result:
    return Result()


def _delete_command(sub: str, args: Args, host: Host, opts: IpOptions) -> Result:
    return _delete(args, host)


def _show_command(sub: str, args: Args, host: Host, opts: IpOptions) -> Result:
    return _show(args, host, opts)


def _get_command(sub: str, args: Args, host: Host, opts: IpOptions) -> Result:
    result = _get(args, host)
    return _get_json(result, opts.pretty) if opts.json else result


def _flush_command(sub: str, args: Args, host: Host, opts: IpOptions) -> Result:
    return _flush(args, host)


def _unsimulated(sub: str, args: Args, host: Host, opts: IpOptions) -> Result:
    return Result.error(f'netlearn: "ip route {sub}" is not simulated', 2)


def _help(sub: str, args: Args, host: Host, opts: IpOptions) -> Result:
    return Result.error(USAGE, 255)


Subcommand = Callable[[str, Args, Host, IpOptions], Result]

# do_iproute()'s table, in its order: an abbreviation picks the first word it prefixes.
_SUBCOMMANDS: tuple[tuple[str, Subcommand], ...] = (
    ("add", _modify("add")),
    ("change", _modify("change")),
    ("chg", _modify("change")),
    ("replace", _modify("replace")),
    ("prepend", _modify("add")),
    ("append", _modify("append")),
    ("test", _test),
    ("delete", _delete_command),
    ("list", _show_command),
    ("show", _show_command),
    ("lst", _show_command),
    ("get", _get_command),
    ("flush", _flush_command),
    ("save", _unsimulated),
    ("restore", _unsimulated),
    ("showdump", _unsimulated),
    ("help", _help),
)


def _delete(args: Args, host: Host) -> Result:
    req = route_request(args, host, delete=True)
    assert req.dst is not None
    if req.host_bits:
        raise invalid_prefix()
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
    lines: list[str] = []
    json_routes: list[Route] = []
    if table not in ("local", "255"):
        json_routes = _main_table(host, sel)
        lines = [_format_filtered(route, sel) for route in json_routes]
    if opts.json:
        routes = json_routes if table not in ("local", "255") else []
        return dump_json([route_json(r) for r in routes], opts.pretty)
    if table in ("local", "255", "all", "0"):
        shown = " table local" if table in ("all", "0") else ""
        for text in local_table(host):
            lines.append(text.replace(" proto kernel", shown + " proto kernel", 1))
    return Result("".join(line + "\n" for line in lines))


def _main_table(host: Host, sel: Selector) -> list[Route]:
    """The main table's routes the selector accepts, ``linkdown`` set from carrier; a listing
    stops once past the output limit (the shell truncates beyond it anyway)."""
    found: list[Route] = []
    size = 0
    no_carrier = {i.name for i in host.interfaces.values() if not i.carrier}
    target = sel.exact or (sel.match if sel.root is None else None)
    for key, plen, routes in host.table.candidates(target, exact=sel.exact is not None):
        if not sel.accepts_prefix(key, plen):
            continue
        for route in routes:
            if route.dev in no_carrier:
                route = replace(route, linkdown=True)
            if sel.accepts_fields(route):
                found.append(route)
                size += len(_format_filtered(route, sel)) + 1
        if size > MAX_OUTPUT:
            break
    return found


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
        result = Result(route_get(host, target, fibmatch))
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
