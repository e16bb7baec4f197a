"""`ifconfig` (net-tools 2.10): list interfaces, set them up/down, set an IPv4 address.

Listing follows net-tools: interfaces sorted by name (numbers compared as numbers), only UP ones
without ``-a``, the first IPv4 address labelled with the interface's name (what SIOCGIFADDR
returns), ``broadcast 0.0.0.0`` when no broadcast was set (plain ``ip addr add``).
Packet counters are not simulated: every counter prints 0 (the transcripts' values vary by run).

Setting an address uses the kernel's SIOCSIFADDR then SIOCSIFNETMASK: the first address labelled
with the interface is replaced, the prefix is the classful one (10/8, 172.16/16, 192.168/24)
unless ``netmask`` or ``/N`` is given, the broadcast is address | ~mask, and the interface is
brought up.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Interface

from ..errors import CommandError
from ..model import Host, link_local
from ..parsing import decimal
from ..result import Result
from ..topology import Topology
from . import command

USAGE_HINT = "ifconfig: `--help' gives usage information.\n"


def _natural(name: str) -> list:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def _flags(iface) -> tuple[int, str]:
    names = []
    value = 0
    if iface.admin_up:
        value |= 0x1
        names.append("UP")
    if iface.loopback:
        value |= 0x8
        names.append("LOOPBACK")
    else:
        value |= 0x2
        names.append("BROADCAST")
    if iface.oper_up:
        value |= 0x40
        names.append("RUNNING")
    if not iface.loopback:
        value |= 0x1000
        names.append("MULTICAST")
    return value, ",".join(names)


def _block(iface) -> str:
    value, names = _flags(iface)
    lines = [f"{iface.name}: flags={value}<{names}>  mtu {iface.mtu}"]
    address = next((a for a in iface.addresses if iface.label_of(a) == iface.name), None)
    if address is not None:
        mask = address.network.netmask
        line = f"        inet {address.ip}  netmask {mask}"
        if not iface.loopback:
            line += f"  broadcast {iface.broadcasts.get(str(address), '0.0.0.0')}"
        lines.append(line)
    if iface.loopback:
        if iface.admin_up:
            lines.append("        inet6 ::1  prefixlen 128  scopeid 0x10<host>")
        lines.append("        loop  txqueuelen 1000  (Local Loopback)")
    else:
        if iface.admin_up and iface.link_local_configured:
            ll = link_local(iface.link_local_mac or iface.mac)
            lines.append(f"        inet6 {ll}  prefixlen 64  scopeid 0x20<link>")
        lines.append(f"        ether {iface.mac}  txqueuelen 1000  (Ethernet)")
    lines += [
        "        RX packets 0  bytes 0 (0.0 B)",
        "        RX errors 0  dropped 0  overruns 0  frame 0",
        "        TX packets 0  bytes 0 (0.0 B)",
        "        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0",
    ]
    return "\n".join(lines) + "\n\n"


def _classful(ip: IPv4Address) -> int:
    first = int(ip) >> 24
    if first < 128:
        return 8
    if first < 192:
        return 16
    return 24


def _parse_v4(text: str) -> IPv4Address:
    try:
        return IPv4Address(text)
    except ValueError:
        raise CommandError(f"{text}: Unknown host\n{USAGE_HINT}".rstrip("\n"), 1) from None


def _set_address(host: Host, name: str, ip: IPv4Address, plen: int | None) -> None:
    iface = host.interfaces[name]
    old = next((a for a in iface.addresses if iface.label_of(a) == name), None)
    if old is not None and old.ip == ip and plen is None:
        host.set_link(name, True)
        return
    if old is not None:
        host.del_address(name, old.ip, old.network.prefixlen)
    plen = _classful(ip) if plen is None else plen
    new = IPv4Interface(f"{ip}/{plen}")
    brd = str(new.network.broadcast_address) if plen < 31 else None
    if int(ip) != 0:
        host.add_address(name, new, brd=brd)
    host.set_link(name, True)


def _set_netmask(host: Host, name: str, plen: int) -> None:
    iface = host.interfaces[name]
    old = next((a for a in iface.addresses if iface.label_of(a) == name), None)
    if old is None:
        raise CommandError("SIOCSIFNETMASK: Cannot assign requested address", 1)
    if old.network.prefixlen == plen:
        return
    old_brd = iface.broadcasts.get(str(old))
    host.del_address(name, old.ip, old.network.prefixlen)
    new = IPv4Interface(f"{old.ip}/{plen}")
    brd = old_brd
    if old_brd == str(old.network.broadcast_address) and plen < 31:
        brd = str(new.network.broadcast_address)
    host.add_address(name, new, brd=brd)


def _mask_len(text: str) -> int:
    ip = _parse_v4(text)
    bits = f"{int(ip):032b}"
    if "01" in bits:
        raise CommandError("SIOCSIFNETMASK: Invalid argument", 1)
    return bits.count("1")


def _options(args: list[str]) -> bool | Result:
    """The leading options: -a (show every interface, down ones too) or an error."""
    show_all = False
    while args and args[0].startswith("-") and args[0] not in ("-arp",):
        opt = args.pop(0)
        if opt == "-a":
            show_all = True
        elif opt in ("-h", "--help"):
            return Result.error("netlearn: ifconfig --help is not simulated; see `help`", 1)
        elif opt not in ("-s", "-v"):
            return Result.error(f"ifconfig: option `{opt}' not recognised.\n{USAGE_HINT}", 1)
    return show_all


@command("ifconfig")
def ifconfig(argv: list[str], host: Host, net: Topology) -> Result:
    """ifconfig [-a] [IFACE [up|down|ADDRESS [netmask MASK]]]: show or configure interfaces"""
    args = argv[1:]
    show_all = _options(args)
    if isinstance(show_all, Result):
        return show_all
    if not args:
        ifaces = sorted(host.interfaces.values(), key=lambda i: _natural(i.name))
        return Result("".join(_block(i) for i in ifaces if show_all or i.admin_up))
    name = args.pop(0)
    iface = host.interfaces.get(name)
    if not args:
        if iface is None:
            return Result.error(
                f"{name}: error fetching interface information: Device not found", 1
            )
        return Result(_block(iface))
    if iface is None:
        if args[0] in ("up", "down"):
            return Result.error(f"{name}: ERROR while getting interface flags: No such device", 255)
        return Result.error("SIOCSIFADDR: No such device", 1)
    _configure(host, name, args)
    return Result("")


_NOT_SIMULATED = ("broadcast", "mtu", "hw", "-arp", "arp", "promisc", "-promisc", "add", "del")


def _configure(host: Host, name: str, args: list[str]) -> None:
    """`up`, `down`, `netmask M` and an address (its /len applied after everything else)."""
    plen_later: int | None = None
    while args:
        word = args.pop(0)
        if word == "up":
            host.set_link(name, True)
        elif word == "down":
            host.set_link(name, False)
        elif word == "netmask":
            if not args:
                raise CommandError(USAGE_HINT.rstrip("\n"), 1)
            _set_netmask(host, name, _mask_len(args.pop(0)))
        elif word in _NOT_SIMULATED:
            raise CommandError(f"netlearn: ifconfig {word} is not simulated (use ip)", 1)
        else:
            text, slash, plen_text = word.partition("/")
            ip = _parse_v4(text)
            plen = None
            if slash:
                if not decimal(plen_text) or int(plen_text) > 32:
                    raise CommandError(f"{word}: Unknown host\n{USAGE_HINT}".rstrip("\n"), 1)
                plen_later = int(plen_text)
            _set_address(host, name, ip, plen)
    if plen_later is not None:
        _set_netmask(host, name, plen_later)
