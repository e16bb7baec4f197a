"""net-tools 2.10: ``route`` / ``route -n`` / ``route -e``, ``route add|del``, ``netstat -r[n]``.

The table is the kernel's main table as /proc/net/route lists it (the same order as ``ip route``).
Flags: ``U`` always (the kernel marks every listed route up), ``G`` with a gateway, ``H`` for a
/32. Without ``-n`` the destination ``0.0.0.0/0`` prints as ``default``, networks listed in Debian's
/etc/networks by name (``loopback``, ``link-local``) and gateways and host routes by their reverse
name (/etc/hosts, then DNS), cut to 15 characters.

``route add`` goes through the kernel's SIOCADDRT: a new route with the prefix and metric of an
existing one is put *before* it (``ip route prepend``); an identical route is ``File exists``.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

from netlearn.sim.commands import command
from netlearn.sim.commands.ping import inet_aton
from netlearn.sim.errors import CommandError
from netlearn.sim.model import Host
from netlearn.sim.names.resolver import reverse_name
from netlearn.sim.parsing import decimal
from netlearn.sim.result import Result
from netlearn.sim.routing import Route

if TYPE_CHECKING:
    from netlearn.sim.topology import Topology

ROUTE_HEADER = "Destination     Gateway         Genmask         Flags Metric Ref    Use Iface"
EXTENDED_HEADER = "Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface"
NETWORKS = {IPv4Address("127.0.0.0"): "loopback", IPv4Address("169.254.0.0"): "link-local"}

USAGE_HEAD = (
    "Usage: route [-nNvee] [-FC] [<AF>]           List kernel routing tables\n"
    "       route [-v] [-FC] {add|del|flush} ...  Modify routing table for AF.\n"
    "\n"
    "       route {-h|--help} [<AF>]              Detailed usage syntax for specified AF.\n"
    "       route {-V|--version}                  Display version/author and exit.\n"
    "\n"
    "        -v, --verbose            be verbose\n"
    "        -n, --numeric            don't resolve names\n"
    "        -e, --extend             display other/more information\n"
    "        -F, --fib                display Forwarding Information Base (default)\n"
    "        -C, --cache              display routing cache instead of FIB\n"
    "\n"
    "  <AF>=Use -4, -6, '-A <af>' or '--<af>'; default: inet\n"
    "  List of possible address families (which support routing):\n"
)
AF_LIST = (
    "    inet (DARPA Internet) inet6 (IPv6) ax25 (AMPR AX.25) \n"
    "    netrom (AMPR NET/ROM) rose (AMPR ROSE) ipx (Novell IPX) \n"
    "    ddp (Appletalk DDP) x25 (CCITT X.25) \n"
)
INET_USAGE = (
    "Usage: inet_route [-vF] del {-host|-net} Target[/prefix] [gw Gw] [metric M] [[dev] If]\n"
    "       inet_route [-vF] add {-host|-net} Target[/prefix] [gw Gw] [metric M]\n"
    "                              [netmask N] [mss Mss] [window W] [irtt I]\n"
    "                              [mod] [dyn] [reinstate] [[dev] If]\n"
    "       inet_route [-vF] add {-host|-net} Target[/prefix] [metric M] reject\n"
    "       inet_route [-FC] flush      NOT supported\n"
)
# iproute2/kernel errors as the SIOCADDRT/SIOCDELRT ioctls report them (perror).
IOCTL_ERRORS = {
    "Error: Nexthop has invalid gateway.": "Network is unreachable",
    "RTNETLINK answers: File exists": "File exists",
    "RTNETLINK answers: No such device": "No such device",
    "Error: Device for nexthop is not up.": "Network is down",
    "Error: Nexthop device is not up.": "Network is down",
    "RTNETLINK answers: No such process": "No such process",
    "RTNETLINK answers: No buffer space available": "No buffer space available",
    "Error: Invalid prefix for given prefix length.": "Invalid argument",
}


def flags(route: Route) -> str:
    text = "U"
    if route.gateway is not None:
        text += "G"
    if route.dst.prefixlen == 32:
        text += "H"
    return text


def _name(net: Topology, host: Host, address: IPv4Address, *, network: bool) -> str:
    if network:
        return NETWORKS.get(address, str(address))
    return (reverse_name(net, host, address) or str(address))[:15]


def table_rows(
    net: Topology, host: Host, *, numeric: bool
) -> list[tuple[str, str, str, str, Route]]:
    """(destination, gateway, genmask, flags, route) as net-tools shows each main-table route."""
    rows = []
    for route in host.routes():
        dst = route.dst.network_address
        if numeric:
            dest = str(dst)
        elif route.is_default:
            dest = "default"
        else:
            dest = _name(net, host, dst, network=route.dst.prefixlen < 32)
        if route.gateway is None:
            gateway = "0.0.0.0"
        elif numeric:
            gateway = str(route.gateway)
        else:
            gateway = _name(net, host, route.gateway, network=False)
        rows.append((dest, gateway, str(route.dst.netmask), flags(route), route))
    return rows


def route_table(net: Topology, host: Host, *, numeric: bool, extended: bool = False) -> str:
    lines = ["Kernel IP routing table", EXTENDED_HEADER if extended else ROUTE_HEADER]
    for dest, gateway, mask, flag, route in table_rows(net, host, numeric=numeric):
        if extended:
            lines.append(
                f"{dest:<15} {gateway:<15} {mask:<15} {flag:<5} {0:5d} {0:<6d} {0:5d} {route.dev}"
            )
        else:
            lines.append(
                f"{dest:<15} {gateway:<15} {mask:<15} {flag:<5} {route.metric:<6d} {0:<2d} "
                f"{0:7d} {route.dev}"
            )
    return "\n".join(lines) + "\n"


@command("route")
def route(argv: list[str], host: Host, net: Topology) -> Result:
    """route [-n] | route add|del -net NET netmask MASK gw GW: net-tools' routing table"""
    numeric = extended = False
    words: list[str] = []
    i = 1
    while i < len(argv):
        word = argv[i]
        if word in ("-A", "--family") and i + 1 < len(argv):
            if argv[i + 1] != "inet":
                raise CommandError(f"route: the simulator has no {argv[i + 1]} routing table", 1)
            i += 2
            continue
        if word.startswith("--"):
            if word == "--numeric":
                numeric = True
            elif word == "--extend":
                extended = True
            elif word not in ("--inet", "--verbose", "--fib"):
                return Result(USAGE_HEAD, AF_LIST, 0)
        elif word.startswith("-") and not words:
            for letter in word[1:]:
                if letter == "n":
                    numeric = True
                elif letter == "e":
                    extended = True
                elif letter == "h":
                    return Result(USAGE_HEAD, AF_LIST, 0)
                elif letter not in "4vFN":
                    return Result(USAGE_HEAD, f"route: invalid option -- '{letter}'\n{AF_LIST}", 0)
        else:
            words.append(word)
        i += 1
    if not words:
        return Result(route_table(net, host, numeric=numeric, extended=extended))
    verb, rest = words[0], words[1:]
    if verb not in ("add", "del"):
        raise CommandError(USAGE_HEAD + AF_LIST, 3)
    if not rest:
        return Result(INET_USAGE)
    return _modify(host, verb, rest)


def _route_options(words: list[str]) -> dict[str, str]:
    """``[netmask M] [gw G] [metric N] [[dev] IF]`` as net-tools reads them (a bare last word
    is the device)."""
    options: dict[str, str] = {}
    while words:
        key = words.pop(0)
        if key in ("netmask", "gw", "metric", "dev", "mss", "window", "irtt"):
            if not words:
                raise CommandError(INET_USAGE, 3)
            options[key] = words.pop(0)
        elif key in ("mod", "dyn", "reinstate"):
            continue
        elif "dev" not in options and not words:
            options["dev"] = key
        else:
            raise CommandError(INET_USAGE, 3)
    return options


def _gateway_and_metric(options: dict[str, str]) -> tuple[IPv4Address | None, int]:
    gateway = None
    if "gw" in options:
        gateway = inet_aton(options["gw"])
        if gateway is None:
            raise CommandError(f"{options['gw']}: Host name lookup failure", 6)
    metric = 0
    if "metric" in options:
        if not decimal(options["metric"]):
            raise CommandError(INET_USAGE, 3)
        metric = int(options["metric"])
    return gateway, metric


def _modify(host: Host, verb: str, words: list[str]) -> Result:
    """``route add|del [-net|-host] TARGET [netmask M] [gw G] [metric N] [[dev] IF]``."""
    kind = None
    if words[0] in ("-net", "-host"):
        kind, words = words[0], words[1:]
    if not words:
        raise CommandError(INET_USAGE, 3)
    target, words = words[0], words[1:]
    options = _route_options(words)
    dst = _destination(target, kind, options.get("netmask"))
    gateway, metric = _gateway_and_metric(options)
    dev = options.get("dev")
    if dev is not None and dev not in host.interfaces:
        raise CommandError(f"SIOC{verb.upper()}RT: No such device", 7)
    if verb == "del":
        try:
            host.del_route(dst, gateway=gateway, dev=dev, metric=metric or None)
        except CommandError as exc:
            raise _ioctl_error("SIOCDELRT", exc) from None
        return Result()
    scope = "global" if gateway is not None else "link"
    new = Route(dst, gateway, dev or "", metric, scope=scope)
    before = [r for r in host.table.same_prefix(dst) if r.metric == metric]
    try:
        added = host.add_route(new, mode="append")
    except CommandError as exc:
        raise _ioctl_error("SIOCADDRT", exc) from None
    if before:  # SIOCADDRT inserts before the routes of equal prefix and metric
        host.table.remove(added)
        host.table.add(added, before_equal=True)
    return Result()


def _destination(target: str, kind: str | None, netmask: str | None) -> IPv4Network:
    if target == "default":
        return IPv4Network("0.0.0.0/0")
    text, _, prefix = target.partition("/")
    address = inet_aton(text)
    if address is None:
        raise CommandError(f"{text}: Unknown host", 6)
    if prefix:
        if not decimal(prefix) or int(prefix) > 32:
            raise CommandError("route: netmask doesn't match route address\n" + INET_USAGE, 3)
        length = int(prefix)
    elif netmask is not None:
        mask = inet_aton(netmask)
        bits = f"{int(mask):032b}" if mask is not None else "01"
        if "01" in bits:
            raise CommandError(f"route: bogus netmask {netmask}\n" + INET_USAGE, 3)
        length = bits.count("1")
    elif kind == "-net":
        raise CommandError("SIOCADDRT: Invalid argument", 7)
    else:
        length = 32
    try:
        return IPv4Network(f"{address}/{length}")
    except ValueError:
        raise CommandError("route: netmask doesn't match route address\n" + INET_USAGE, 3) from None


def _ioctl_error(call: str, exc: CommandError) -> CommandError:
    text = exc.stderr.strip()
    return CommandError(f"{call}: {IOCTL_ERRORS.get(text, 'Invalid argument')}", 7)


@command("netstat")
def netstat(argv: list[str], host: Host, net: Topology) -> Result:
    """netstat -rn: the routing table (the simulator's netstat shows routes only)"""
    letters = "".join(word[1:] for word in argv[1:] if word.startswith("-") and word[:2] != "--")
    if "r" not in letters and "--route" not in argv:
        raise CommandError("netstat: the simulator's netstat shows the routing table only (-r)", 1)
    numeric = "n" in letters or "--numeric" in argv
    return Result(route_table(net, host, numeric=numeric, extended=True))
