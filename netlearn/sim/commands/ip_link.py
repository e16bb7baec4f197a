"""`ip link [show|set]`: interfaces as a physical host prints them (`eth0:`, qdisc fq_codel)."""

from __future__ import annotations

from ..errors import CommandError
from ..model import Host, Interface
from ..result import Result
from .ip import Args, IpOptions, garbage, incomplete, matches

USAGE = """\
Usage: ip link add [link DEV | parentdev NAME] [ name ] NAME
\t\t    [ txqueuelen PACKETS ]
\t\t    [ address LLADDR ]
\t\t    [ broadcast LLADDR ]
\t\t    [ mtu MTU ] [index IDX ]
\t\t    [ numtxqueues QUEUE_COUNT ]
\t\t    [ numrxqueues QUEUE_COUNT ]
\t\t    type TYPE [ ARGS ]

       ip link delete { DEVICE | dev DEVICE | group DEVGROUP } type TYPE [ ARGS ]

       ip link set { DEVICE | dev DEVICE | group DEVGROUP }
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
\t\t[ netns { PID | NETNSNAME | NETNSFILE } ]
\t\t[ link-netns NAME | link-netnsid ID ]
\t\t\t[ alias NAME ]
\t\t\t[ state { auto | dormant | down | up } ]
\t\t\t[ master DEVICE ][ vrf NAME ]
\t\t\t[ nomaster ]
\t\t\t[ addrgenmode { eui64 | none | stable_secret | random } ]
\t\t\t[ protodown { on | off } ]
\t\t\t[ protodown_reason PREASON { on | off } ]
\t\t\t[ gso_max_size BYTES ] | [ gso_ipv4_max_size BYTES ] [ gso_max_segs PACKETS ]
\t\t\t[ gro_max_size BYTES ] | [ gro_ipv4_max_size BYTES ]

       ip link show [ DEVICE | group GROUP ] [up] [master DEV] [vrf NAME] [type TYPE]
\t[nomaster]

       ip link xstats type TYPE [ ARGS ]

       ip link afstats [ dev DEVICE ]
       ip link property add dev DEVICE [ altname NAME .. ]
       ip link property del dev DEVICE [ altname NAME .. ]

       ip link help [ TYPE ]

TYPE := { amt | bareudp | bond | bond_slave | bridge | bridge_slave |
          dsa | dummy | erspan | geneve | gre | gretap | gtp | ifb |
          ip6erspan | ip6gre | ip6gretap | ip6tnl |
          ipip | ipoib | ipvlan | ipvtap |
          macsec | macvlan | macvtap |
          netdevsim | nlmon | rmnet | sit | team | team_slave |
          vcan | veth | vlan | vrf | vti | vxcan | vxlan | wwan |
          xfrm }
"""


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


def header(iface: Interface, *, mode: bool) -> str:
    """`2: eth0: <...> mtu 1500 qdisc fq_codel state UP [mode DEFAULT ]group default qlen 1000`"""
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
    else:
        chosen = list(host.interfaces.values())
    if only_up:
        chosen = [i for i in chosen if i.admin_up]
    return chosen


def run(argv: list[str], host: Host, net, opts: IpOptions) -> Result:
    args = Args(argv)
    sub = args.take() if args else "show"
    if matches(sub, "show") or matches(sub, "list") or matches(sub, "lst"):
        return _show(args, host, opts)
    if matches(sub, "set"):
        return _set(args, host)
    if matches(sub, "help"):
        return Result.error(USAGE, 255)
    if sub in ("add", "delete", "del", "change") or matches(sub, "delete"):
        return Result.error(
            "netlearn: creating or deleting interfaces is not simulated; the scenario sets them up",
            2,
        )
    return Result.error(f'Command "{sub}" is unknown, try "ip link help".', 255)


def _show(args: Args, host: Host, opts: IpOptions) -> Result:
    lines = []
    for iface in show(args, host, opts):
        if opts.brief:
            lines.append(f"{brief_name(iface)}{iface.mac} {flags(iface)} ")
        else:
            lines.append(header(iface, mode=True))
            lines.append(link_line(iface))
    return Result("".join(line + "\n" for line in lines))


def _set(args: Args, host: Host) -> Result:
    """`ip link set [dev] NAME [up|down] [mtu N] [address MAC] ...` (iplink_parse order)."""
    name = None
    state = None
    while args:
        word = args.take()
        if word == "up":
            state = True
        elif word == "down":
            state = False
        elif word in (
            "mtu",
            "txqueuelen",
            "txqlen",
            "qlen",
            "alias",
            "group",
            "master",
        ) or word in ("name", "address", "netns", "type"):
            args.next_arg()
            return Result.error(f'netlearn: "ip link set ... {word}" is not simulated', 2)
        elif word in ("arp", "multicast", "allmulticast", "promisc", "trailers", "carrier"):
            value = args.next_arg()
            if value not in ("on", "off"):
                raise CommandError(
                    f'Error: argument of "{word}" must be "on" or "off", not "{value}"', 255
                )
        else:
            if matches(word, "dev"):
                word = args.next_arg()
            elif matches(word, "help"):
                raise CommandError(USAGE, 255)
            if name is not None:
                raise garbage("dev", word)
            name = word
    if name is None:
        raise CommandError('Not enough information: "dev" argument is required.', 255)
    if name not in host.interfaces:
        raise CommandError(f'Cannot find device "{name}"', 1)
    if state is not None:
        host.set_link(name, state)
    return Result()


__all__ = ["run", "header", "link_line", "flags", "operstate", "brief_name", "incomplete"]
