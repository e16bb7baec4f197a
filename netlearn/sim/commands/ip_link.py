"""`ip link [show|set]`: interfaces as a physical host prints them (`eth0:`, qdisc fq_codel)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import CommandError
from ..model import Host, Interface
from ..parsing import Args, decimal, garbage, invarg, keyword, matches
from ..result import Result
from .ip import IpOptions, dump_json

if TYPE_CHECKING:
    from netlearn.sim.topology import Topology

USAGE = """\
Usage: ip link add [link DEV | parentdev NAME] [ name ] NAME
\t\t    [ txqueuelen PACKETS ]
\t\t    [ address LLADDR ]
\t\t    [ broadcast LLADDR ]
\t\t    [ mtu MTU ] [index IDX ]
\t\t    [ numtxqueues QUEUE_COUNT ]
\t\t    [ numrxqueues QUEUE_COUNT ]
\t\t    [ netns { PID | NAME } ]
\t\t    type TYPE [ ARGS ]

\tip link delete { DEVICE | dev DEVICE | group DEVGROUP } type TYPE [ ARGS ]

\tip link set { DEVICE | dev DEVICE | group DEVGROUP }
\t\t\t[ { up | down } ]
\t\t\t[ type TYPE ARGS ]
\t\t[ arp { on | off } ]
\t\t[ dynamic { on | off } ]
\t\t[ multicast { on | off } ]
\t\t[ allmulticast { on | off } ]
\t\t[ promisc { on | off } ]
\t\t[ trailers { on | off } ]
\t\t[ carrier { on | off } ]
\t\t[ txqueuelen PACKETS ]
\t\t[ name NEWNAME ]
\t\t[ address LLADDR ]
\t\t[ broadcast LLADDR ]
\t\t[ mtu MTU ]
\t\t[ netns { PID | NAME } ]
\t\t[ link-netns NAME | link-netnsid ID ]
\t\t[ alias NAME ]
\t\t[ vf NUM [ mac LLADDR ]
\t\t\t [ vlan VLANID [ qos VLAN-QOS ] [ proto VLAN-PROTO ] ]
\t\t\t [ rate TXRATE ]
\t\t\t [ max_tx_rate TXRATE ]
\t\t\t [ min_tx_rate TXRATE ]
\t\t\t [ spoofchk { on | off} ]
\t\t\t [ query_rss { on | off} ]
\t\t\t [ state { auto | enable | disable} ]
\t\t\t [ trust { on | off} ]
\t\t\t [ node_guid EUI64 ]
\t\t\t [ port_guid EUI64 ] ]
\t\t[ { xdp | xdpgeneric | xdpdrv | xdpoffload } { off |
\t\t\t  object FILE [ { section | program } NAME ] [ verbose ] |
\t\t\t  pinned FILE } ]
\t\t[ master DEVICE ][ vrf NAME ]
\t\t[ nomaster ]
\t\t[ addrgenmode { eui64 | none | stable_secret | random } ]
\t\t[ protodown { on | off } ]
\t\t[ protodown_reason PREASON { on | off } ]
\t\t[ gso_max_size BYTES ] | [ gso_max_segs PACKETS ]
\t\t[ gro_max_size BYTES ]

\tip link show [ DEVICE | group GROUP ] [up] [master DEV] [vrf NAME] [type TYPE]
\t\t[nomaster]

\tip link xstats type TYPE [ ARGS ]

\tip link afstats [ dev DEVICE ]
\tip link property add dev DEVICE [ altname NAME .. ]
\tip link property del dev DEVICE [ altname NAME .. ]

\tip link help [ TYPE ]

TYPE := { amt | bareudp | bond | bond_slave | bridge | bridge_slave |
          dsa | dummy | erspan | geneve | gre | gretap | gtp | ifb |
          ip6erspan | ip6gre | ip6gretap | ip6tnl |
          ipip | ipoib | ipvlan | ipvtap |
          macsec | macvlan | macvtap |
          netdevsim | nlmon | rmnet | sit | team | team_slave |
          vcan | veth | vlan | vrf | vti | vxcan | vxlan | wwan |
          xfrm | virt_wifi }
"""


STATS = (
    "    RX:  bytes packets errors dropped  missed   mcast           \n"
    "             0       0      0       0       0       0 \n"
    "    TX:  bytes packets errors dropped carrier collsns           \n"
    "             0       0      0       0       0       0 "
)
MAC = re.compile(r"^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$")


def flags(iface: Interface) -> str:
    """The <...> flags: NO-CARRIER when up without carrier, LOWER_UP with carrier."""
    out = []
    if iface.admin_up and not iface.carrier:
        out.append("NO-CARRIER")
    out += ["LOOPBACK"] if iface.loopback else ["BROADCAST", "MULTICAST"]
    if iface.admin_up:
        out.append("UP")
        if iface.carrier:
            out.append("LOWER_UP")
    return "<" + ",".join(out) + ">"


def operstate(iface: Interface) -> str:
    if iface.loopback:
        return "UNKNOWN" if iface.admin_up else "DOWN"
    return "UP" if iface.oper_up else "DOWN"


def qdisc(iface: Interface) -> str:
    if not iface.ever_up:
        return "noop"
    return "noqueue" if iface.loopback else "fq_codel"


def header(iface: Interface, *, mode: bool, family: str | None = None) -> str:
    """`2: eth0: <...> mtu 1500 qdisc fq_codel state UP [mode DEFAULT ]group default qlen 1000`

    With -6 the kernel answers from its IPv6 link dump, which has no qdisc and no group."""
    if family == "inet6":
        return (
            f"{iface.index}: {iface.name}: {flags(iface)} mtu {iface.mtu} "
            f"state {operstate(iface)} qlen 1000"
        )
    mode_text = "mode DEFAULT " if mode else ""
    return (
        f"{iface.index}: {iface.name}: {flags(iface)} mtu {iface.mtu} qdisc {qdisc(iface)} "
        f"state {operstate(iface)} {mode_text}group default qlen 1000"
    )


def link_line(iface: Interface) -> str:
    kind = "loopback" if iface.loopback else "ether"
    brd = "00:00:00:00:00:00" if iface.loopback else "ff:ff:ff:ff:ff:ff"
    return f"    link/{kind} {iface.mac} brd {brd}"


def brief_name(iface: Interface) -> str:
    return f"{iface.name:<16} {operstate(iface):<14} "


def show(args: Args, host: Host, opts: IpOptions, *, what: str = "link") -> list[Interface]:
    """Parse `show [dev] NAME [up]` and return the interfaces to print (ip link and ip addr)."""
    name = None
    only_up = False
    while args:
        word = args.take()
        if word == "dev":
            word = args.next_arg()
        elif word == "up":
            only_up = True
            continue
        elif word in ("label", "scope", "to") and what == "address":
            args.filters[word] = args.next_arg()
            continue
        elif word in ("primary", "secondary") and what == "address":
            args.filters[word] = True
            continue
        elif word in ("group", "master", "vrf", "type", "label", "scope", "to"):
            args.next_arg()
            continue
        elif word in ("nomaster", "primary", "secondary", "permanent", "dynamic"):
            continue
        elif matches(word, "help"):
            raise CommandError(USAGE, 255)
        if name is not None:
            raise garbage("dev", word)
        name = word
    if name is not None:
        iface = host.interfaces.get(name)
        if iface is None:
            raise CommandError(f'Device "{name}" does not exist.', 1)
        chosen = [iface]
        args.named = True
    else:
        chosen = list(host.interfaces.values())
    if only_up:
        chosen = [i for i in chosen if i.admin_up]
    return chosen


def run(argv: list[str], host: Host, net: Topology, opts: IpOptions) -> Result:
    """do_iplink(): subcommands in iproute2's order, so `ip link s` is `set`."""
    args = Args(argv)
    if not args:
        return _show(args, host, opts)
    sub = args.take()
    if matches(sub, "add"):
        return _not_simulated("creating interfaces")
    if matches(sub, "set") or matches(sub, "change"):
        return _set(args, host)
    if matches(sub, "replace"):
        return _not_simulated("creating interfaces")
    if matches(sub, "delete"):
        return _not_simulated("deleting interfaces")
    if matches(sub, "show") or matches(sub, "lst") or matches(sub, "list"):
        return _show(args, host, opts)
    if matches(sub, "xstats") or matches(sub, "afstats") or matches(sub, "property"):
        return _not_simulated(f"ip link {sub}")
    if matches(sub, "help"):
        return Result.error(USAGE, 255)
    return Result.error(f'Command "{sub}" is unknown, try "ip link help".', 255)


def _not_simulated(what: str) -> Result:
    return Result.error(
        f"netlearn: {what} is not simulated; the scenario defines the interfaces", 2
    )


def link_json(iface: Interface, *, brief: bool = False, family: str | None = None) -> dict:
    """An interface as `ip -j link` / `ip -j addr` describe it (without addr_info)."""
    if brief:
        return {"ifname": iface.name, "operstate": operstate(iface)}
    data = {
        "ifindex": iface.index,
        "ifname": iface.name,
        "flags": flags(iface)[1:-1].split(","),
        "mtu": iface.mtu,
        "qdisc": qdisc(iface),
        "operstate": operstate(iface),
        "group": "default",
        "txqlen": 1000,
    }
    if family is None:
        data["link_type"] = "loopback" if iface.loopback else "ether"
        data["address"] = iface.mac
        data["broadcast"] = "00:00:00:00:00:00" if iface.loopback else "ff:ff:ff:ff:ff:ff"
    return data


def _show(args: Args, host: Host, opts: IpOptions) -> Result:
    lines = []
    if opts.json:
        items = []
        for iface in show(args, host, opts):
            item = link_json(iface, brief=opts.brief)
            if opts.brief:
                item.update({"address": iface.mac, "flags": flags(iface)[1:-1].split(",")})
            else:
                item = {**item, "linkmode": "DEFAULT"}
                order = ["ifindex", "ifname", "flags", "mtu", "qdisc", "operstate", "linkmode"]
                item = {k: item[k] for k in order} | {
                    k: v for k, v in item.items() if k not in order
                }
            items.append(item)
        return dump_json(items, opts.pretty)
    for iface in show(args, host, opts):
        if opts.brief:
            lines.append(f"{brief_name(iface)}{iface.mac} {flags(iface)} ")
            continue
        block = [header(iface, mode=True), link_line(iface)]
        if opts.stats:
            block.append(STATS)
        lines.append(("\\" if opts.oneline else "\n").join(block))
    return Result("".join(line + "\n" for line in lines))


@dataclass
class LinkRequest:
    """What `ip link set ...` asked for (iplink_parse), before the device is looked up."""

    name: str | None = None
    state: bool | None = None
    mtu: int | None = None
    mac: str | None = None


def _up(req: LinkRequest, args: Args, word: str) -> None:
    req.state = word == "up"


def _unsupported(req: LinkRequest, args: Args, word: str) -> Result:
    args.next_arg()
    return _not_simulated(f'"ip link set ... {word}"')


def _ignore(req: LinkRequest, args: Args, word: str) -> None:
    pass


def _skip(req: LinkRequest, args: Args, word: str) -> None:
    args.next_arg()


def _on_off(req: LinkRequest, args: Args, word: str) -> None:
    value = args.next_arg()
    if value not in ("on", "off"):
        raise CommandError(f'Error: argument of "{word}" must be "on" or "off", not "{value}"', 255)


def _address(req: LinkRequest, args: Args, word: str) -> None:
    req.mac = args.next_arg()
    if not MAC.match(req.mac):
        raise CommandError(f'"{req.mac}" is invalid lladdr.', 1)


def _mtu(req: LinkRequest, args: Args, word: str) -> None:
    value = args.next_arg()
    if req.mtu is not None:
        raise CommandError(f'Error: duplicate "mtu": "{value}" is the second value.', 255)
    if not decimal(value):
        raise invarg('Invalid "mtu" value\n', value)
    req.mtu = int(value)


def _device(req: LinkRequest, args: Args, word: str) -> None:
    if matches(word, "dev"):
        word = args.next_arg()
    elif matches(word, "help"):
        raise CommandError(USAGE, 255)
    if req.name is not None:
        raise garbage("dev", word)
    req.name = word


LinkOption = Callable[[LinkRequest, Args, str], "Result | None"]

# iplink_parse()'s keywords written out in full (none abbreviates one of the prefixed ones)...
_KEYWORDS: dict[str, LinkOption] = {
    "up": _up,
    "down": _up,
    **dict.fromkeys(("name", "netns", "type", "alias", "master", "vrf", "group"), _unsupported),
    "nomaster": _ignore,
    "brd": _skip,
    **dict.fromkeys(("txqueuelen", "txqlen", "qlen"), _skip),
    **dict.fromkeys(
        (
            "arp",
            "multicast",
            "allmulticast",
            "promisc",
            "trailers",
            "carrier",
            "dynamic",
            "protodown",
        ),
        _on_off,
    ),  # fmt: skip
}
# ...then the ones it accepts abbreviated, in its order; anything else names the device.
_ABBREVIATED: tuple[tuple[str, LinkOption], ...] = (
    ("address", _address),
    ("broadcast", _skip),
    ("mtu", _mtu),
)


def _set(args: Args, host: Host) -> Result:
    """`ip link set [dev] NAME [up|down] [mtu N] [address MAC] ...` (iplink_parse order)."""
    req = LinkRequest()
    while args:
        word = args.take()
        answer = keyword(word, _KEYWORDS, _ABBREVIATED, _device)(req, args, word)
        if answer is not None:
            return answer
    if req.name is None:
        raise CommandError('Not enough information: "dev" argument is required.', 255)
    iface = host.interfaces.get(req.name)
    if iface is None:
        raise CommandError(f'Cannot find device "{req.name}"', 1)
    if req.mac is not None:
        octets = [int(x, 16) for x in req.mac.split(":")]
        if iface.loopback or octets[0] & 1 or not any(octets):
            raise CommandError("RTNETLINK answers: Cannot assign requested address", 2)
        iface.mac = ":".join(f"{x:02x}" for x in octets)
    if req.mtu is not None:
        low, high = (68, 2147483647) if iface.loopback else (68, 65535)
        if req.mtu < low:
            raise CommandError("Error: mtu less than device minimum.", 2)
        if req.mtu > high:
            raise CommandError("Error: mtu greater than device maximum.", 2)
        iface.mtu = req.mtu
    if req.state is not None:
        host.set_link(req.name, req.state)
    return Result()


__all__ = ["run", "header", "link_line", "flags", "operstate", "brief_name", "show"]
