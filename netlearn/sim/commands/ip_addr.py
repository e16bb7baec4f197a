"""`ip addr [show|add|del|flush]`, with iproute2's parsing and the kernel's errors."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Interface
from typing import TYPE_CHECKING

from ..errors import CommandError
from ..model import Host, Interface
from ..parsing import (
    Args,
    decimal,
    duplicate,
    interface_of,
    invarg,
    keyword,
    matches,
    parse_address,
    parse_prefix,
)
from ..result import Result
from .ip import IpOptions, dump_json
from .ip_link import brief_name, header, link_json, link_line, show

if TYPE_CHECKING:
    from netlearn.sim.topology import Topology

USAGE = """\
Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]
                                                      [ CONFFLAG-LIST ]
       ip address del IFADDR dev IFNAME [mngtmpaddr]
       ip address {save|flush} [ dev IFNAME ] [ scope SCOPE-ID ]
                            [ to PREFIX ] [ FLAG-LIST ] [ label LABEL ] [up]
       ip address [ show [ dev IFNAME ] [ scope SCOPE-ID ] [ master DEVICE ]
                         [ nomaster ]
                         [ type TYPE ] [ to PREFIX ] [ FLAG-LIST ]
                         [ label LABEL ] [up] [ vrf NAME ] ]
       ip address {showdump|restore}
IFADDR := PREFIX | ADDR peer PREFIX
          [ broadcast ADDR ] [ anycast ADDR ]
          [ label IFNAME ] [ scope SCOPE-ID ] [ metric METRIC ]
SCOPE-ID := [ host | link | global | NUMBER ]
FLAG-LIST := [ FLAG-LIST ] FLAG
FLAG  := [ permanent | dynamic | secondary | primary |
           [-]tentative | [-]deprecated | [-]dadfailed | temporary |
           CONFFLAG-LIST ]
CONFFLAG-LIST := [ CONFFLAG-LIST ] CONFFLAG
CONFFLAG  := [ home | nodad | mngtmpaddr | noprefixroute | autojoin ]
LIFETIME := [ valid_lft LFT ] [ preferred_lft LFT ]
LFT := forever | SECONDS
TYPE := { amt | bareudp | bond | bond_slave | bridge | bridge_slave |
          dsa | dummy | erspan | geneve | gre | gretap | gtp | ifb |
          ip6erspan | ip6gre | ip6gretap | ip6tnl |
          ipip | ipoib | ipvlan | ipvtap |
          macsec | macvlan | macvtap |
          netdevsim | nlmon | rmnet | sit | team | team_slave |
          vcan | veth | vlan | vrf | vti | vxcan | vxlan | wwan |
          xfrm | virt_wifi }
"""

WILDCARD_WARNING = """\
Warning: Executing wildcard deletion to stay compatible with old scripts.
         Explicitly specify the prefix length ({0}/32) to avoid this warning.
         This special behaviour is likely to disappear in further releases,
         fix your scripts!
"""


LIFETIME = "       valid_lft forever preferred_lft forever"
SCOPE_NAMES = {"global", "link", "host", "site", "nowhere", "universe"}


def inet_lines(iface: Interface, keep=None) -> list[str]:
    """One `inet ...` line and its lifetime line per IPv4 address, joined by a newline."""
    lines = []
    for address in iface.addresses:
        if keep is not None and not keep(iface, address):
            continue
        brd = iface.broadcasts.get(str(address))
        brd_text = f"brd {brd} " if brd else ""
        secondary = "secondary " if iface.is_secondary(address) else ""
        lines.append(
            f"    inet {address.with_prefixlen} {brd_text}scope {iface.scope_of(address)} "
            f"{secondary}{iface.label_of(address)}\n{LIFETIME}"
        )
    return lines


def inet6_lines(iface: Interface, keep=None) -> list[str]:
    return [
        f"    inet6 {address} {flags} \n{LIFETIME}"
        for address, flags in iface.ipv6_lines()
        if keep is None or keep(iface, flags)
    ]


def run(argv: list[str], host: Host, net: Topology, opts: IpOptions) -> Result:
    args = Args(argv)
    sub = args.take() if args else "show"
    if matches(sub, "show") or matches(sub, "list") or matches(sub, "lst"):
        return _show(args, host, opts)
    if matches(sub, "add") or matches(sub, "replace") or matches(sub, "change"):
        return _modify(args, host, opts, "add" if matches(sub, "add") else sub)
    if matches(sub, "delete"):
        return _modify(args, host, opts, "del")
    if matches(sub, "flush"):
        return _flush(args, host, opts)
    if matches(sub, "help"):
        return Result.error(USAGE, 255)
    return Result.error(f'Command "{sub}" is unknown, try "ip address help".', 255)


def _address_filter(filters: dict):
    """iproute2's address filters as (keep IPv4 address?, keep IPv6 lines?)."""
    scope = filters.get("scope")
    if scope is not None and scope not in SCOPE_NAMES and not decimal(scope):
        raise invarg('invalid "scope"\n', scope)
    if scope == "universe":
        scope = "global"
    prefix = None
    if "to" in filters:
        address, plen = parse_prefix(filters["to"])
        prefix = IPv4Interface(f"{address}/{32 if plen is None else plen}").network
    label = filters.get("label")

    def keep(iface: Interface, address: IPv4Interface) -> bool:
        if scope is not None and iface.scope_of(address) != scope:
            return False
        if prefix is not None and address.ip not in prefix:
            return False
        if label is not None and not fnmatch.fnmatchcase(iface.label_of(address), label):
            return False
        if filters.get("secondary") and not iface.is_secondary(address):
            return False
        return not (filters.get("primary") and iface.is_secondary(address))

    def keep6(iface: Interface, flags: str) -> bool:
        if prefix is not None or filters.get("secondary"):
            return False
        if label is not None and not fnmatch.fnmatchcase(iface.name, label):
            return False
        return scope is None or flags.split()[1] == scope

    return keep, keep6


def _show(args: Args, host: Host, opts: IpOptions) -> Result:
    lines: list = []
    chosen = show(args, host, opts, what="address")
    keep, keep6 = _address_filter(args.filters)
    family = opts.family
    if "to" in args.filters and family is None:
        family = "inet"  # an IPv4 prefix selects the family, as -4 does
    for iface in chosen:
        lines += _interface_lines(iface, args, opts, family, keep, keep6)
    if opts.json:
        return dump_json(lines, opts.pretty)
    return Result("".join(line + "\n" for line in lines))


def _hidden(family: str | None, v4: list, v6: list, filtered: bool) -> bool:
    """A family filter hides interfaces without such addresses; so does an address filter."""
    if family == "inet" and not v4 or family == "inet6" and not v6:
        return True
    return filtered and not v4 and not v6 or family == "other"


def _brief_line(iface: Interface, family: str | None, keep, keep6) -> str:
    addrs = []
    if family != "inet6":
        addrs += [a.with_prefixlen for a in iface.addresses if keep(iface, a)]
    if family != "inet":
        addrs += [a for a, flags in iface.ipv6_lines() if keep6(iface, flags)]
    return brief_name(iface) + "".join(a + " " for a in addrs)


def _interface_lines(iface: Interface, args: Args, opts: IpOptions, family, keep, keep6) -> list:
    """One interface's part of `ip addr` (lines, or its JSON object with -j)."""
    v4 = inet_lines(iface, keep) if family in (None, "inet") else []
    v6 = inet6_lines(iface, keep6) if family in (None, "inet6") else []
    if _hidden(family, v4, v6, bool(args.filters)):
        return []
    if opts.json:
        return [_addr_json(iface, opts, family, keep, keep6)]
    if opts.brief:
        return [_brief_line(iface, family, keep, keep6)]
    if opts.oneline:
        prefix = f"{iface.index}: {iface.name}    "
        return [prefix + line.strip(" ").replace("\n", "\\") for line in v4 + v6]
    lines = []
    # a dump with -6 comes from the kernel's IPv6 link dump (no qdisc, no group)
    if "label" not in args.filters:  # iproute2 prints a label filter's lines bare
        lines.append(header(iface, mode=False, family=None if args.named else family))
        if family is None:
            lines.append(link_line(iface))
    return lines + v4 + v6


FOREVER = 4294967295


def _addr_json(iface: Interface, opts: IpOptions, family, keep, keep6) -> dict:
    """One interface of `ip -j addr`: its link fields and addr_info."""
    item = link_json(iface, brief=opts.brief, family=family)
    info: list[dict] = []
    if family in (None, "inet"):
        for address in iface.addresses:
            if not keep(iface, address):
                continue
            entry: dict = {
                "family": "inet",
                "local": str(address.ip),
                "prefixlen": address.network.prefixlen,
            }
            if iface.broadcasts.get(str(address)):
                entry["broadcast"] = iface.broadcasts[str(address)]
            entry["scope"] = iface.scope_of(address)
            if iface.is_secondary(address):
                entry["secondary"] = True
            entry["label"] = iface.label_of(address)
            info.append(entry)
    if family in (None, "inet6"):
        for text, flags in iface.ipv6_lines():
            if not keep6(iface, flags):
                continue
            local, _, plen = text.partition("/")
            entry = {
                "family": "inet6",
                "local": local,
                "prefixlen": int(plen),
                "scope": flags.split()[1],
            }
            if "tentative" in flags:
                entry["tentative"] = True
            info.append(entry)
    if opts.brief:
        info = [{"local": e["local"], "prefixlen": e["prefixlen"]} for e in info]
    else:
        for entry in info:
            entry["valid_life_time"] = FOREVER
            entry["preferred_life_time"] = FOREVER
    item["addr_info"] = info
    return item


@dataclass
class AddrRequest:
    """What `ip addr add|del|replace|change ...` asked for, before the kernel looks at it."""

    what: str  # the family word in get_prefix's error ("inet" with -4)
    local: tuple[IPv4Address, int | None] | None = None
    dev: str | None = None
    brd: str | None = None
    scope: str | None = None
    label: str | None = None
    unspecified: bool = False  # default/any/all: iproute2 sends no IPv4 family


def _skip(req: AddrRequest, args: Args, word: str) -> None:
    args.next_arg()


def _label(req: AddrRequest, args: Args, word: str) -> None:
    req.label = args.next_arg()


def _broadcast(req: AddrRequest, args: Args, word: str) -> None:
    value = args.next_arg()
    if req.brd is not None:
        raise duplicate("broadcast", value)
    req.brd = value if value in ("+", "-") else str(parse_address(value))


def _scope(req: AddrRequest, args: Args, word: str) -> None:
    value = args.next_arg()
    if value not in SCOPE_NAMES and not decimal(value):
        raise invarg("invalid scope value.", value)
    req.scope = {"universe": "global"}.get(value, value)


def _dev(req: AddrRequest, args: Args, word: str) -> None:
    req.dev = args.next_arg()


def _flag(req: AddrRequest, args: Args, word: str) -> None:
    pass


def _local(req: AddrRequest, args: Args, word: str) -> None:
    if word == "local":
        word = args.next_arg()
    if matches(word, "help"):
        raise CommandError(USAGE, 255)
    if req.local is not None:
        raise CommandError(f'Error: either "local" is duplicate, or "{word}" is a garbage.', 255)
    if word in ("default", "any", "all"):
        req.unspecified = True  # iproute2 sends no IPv4 family: the kernel refuses
    req.local = parse_prefix(word, what=req.what)


AddrOption = Callable[[AddrRequest, Args, str], None]

# ipaddr_modify()'s keywords written out in full (none abbreviates one of the prefixed ones)...
_KEYWORDS: dict[str, AddrOption] = {
    **dict.fromkeys(("peer", "remote", "anycast", "valid_lft", "preferred_lft", "proto"), _skip),
    "label": _label,
    "brd": _broadcast,
    "dev": _dev,
    **dict.fromkeys(
        ("noprefixroute", "home", "nodad", "mngtmpaddr", "autojoin", "optimistic"), _flag
    ),
}
# ...then the ones iproute2 accepts abbreviated, in its order; anything else is the address.
_ABBREVIATED: tuple[tuple[str, AddrOption], ...] = (
    ("broadcast", _broadcast),
    ("metric", _skip),
    ("priority", _skip),
    ("preference", _skip),
    ("scope", _scope),
)


def _modify(args: Args, host: Host, opts: IpOptions, action: str) -> Result:
    """ipaddr_modify(): parse everything first, then "dev", the device, then the kernel."""
    req = AddrRequest("inet" if opts.family == "inet" else "any valid")
    while args:
        word = args.take()
        keyword(word, _KEYWORDS, _ABBREVIATED, _local)(req, args, word)
    if req.dev is None:
        raise CommandError('Not enough information: "dev" argument is required.', 1)
    dev = req.dev
    warning = ""
    if action == "del" and req.local is not None and req.local[1] is None:
        warning = WILDCARD_WARNING.format(req.local[0])
    if dev not in host.interfaces:
        raise CommandError(warning + f'Cannot find device "{dev}"', 1)
    if req.unspecified:
        raise CommandError("RTNETLINK answers: Operation not supported", 2)
    address, plen = req.local if req.local is not None else _first_address(host, dev, opts, action)
    if action == "del":
        try:
            host.del_address(dev, address, plen, label=req.label)
        except CommandError as exc:
            raise CommandError(warning + exc.stderr, exc.status) from None
        return Result("", warning, 0)
    ifaddr: IPv4Interface = interface_of(address, 32 if plen is None else plen)
    if action in ("replace", "change"):
        if host.find_address(dev, address, ifaddr.network.prefixlen) is not None:
            return Result()
        if action == "change":
            raise CommandError("RTNETLINK answers: Cannot assign requested address", 2)
    brd = _broadcast_value(req.brd, ifaddr)
    host.add_address(dev, ifaddr, brd=brd, scope=req.scope, label=req.label)
    return Result()


def _first_address(
    host: Host, dev: str, opts: IpOptions, action: str
) -> tuple[IPv4Address, int | None]:
    """No address given: only `ip -4 addr del dev D` means one (the device's first)."""
    if opts.family != "inet":
        raise CommandError("RTNETLINK answers: Operation not supported", 2)
    if action != "del":
        raise CommandError("Error: ipv4: Local address is not supplied.", 2)
    first = host.interfaces[dev].addresses[:1]
    if not first:
        raise CommandError("Error: ipv4: Address not found.", 2)
    return first[0].ip, first[0].network.prefixlen


def _broadcast_value(brd: str | None, ifaddr: IPv4Interface) -> str | None:
    """`brd +` (all ones), `brd -` (the network address), an address, or none."""
    if brd in ("+", "-"):
        if ifaddr.network.prefixlen >= 31:
            return None
        net = ifaddr.network
        return str(net.broadcast_address if brd == "+" else net.network_address)
    return brd


def _flush(args: Args, host: Host, opts: IpOptions) -> Result:
    if not args:
        return Result.error("Flush requires arguments.", 1)
    for iface in show(args, host, opts, what="address"):
        if opts.family in (None, "inet"):
            host.flush_addresses(iface.name)
        if opts.family in (None, "inet6"):
            iface.link_local_configured = False
    return Result()
