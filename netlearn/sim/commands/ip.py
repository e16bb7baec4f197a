"""`ip` (iproute2 6.1): global options, object abbreviations, and shared parsing helpers.

The object families live in ip_link.py, ip_addr.py and ip_route.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..parsing import incomplete, invarg, matches
from ..result import Result
from . import command

VERSION = "ip utility, iproute2-6.1.0, libbpf 1.1.2\n"

USAGE = """\
Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
       ip [ -force ] -batch filename
where  OBJECT := { address | addrlabel | amt | fou | help | ila | ioam | l2tp |
                   link | macsec | maddress | monitor | mptcp | mroute | mrule |
                   neighbor | neighbour | netconf | netns | nexthop | ntable |
                   ntbl | route | rule | sr | tap | tcpmetrics |
                   token | tunnel | tuntap | vrf | xfrm }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |
                    -h[uman-readable] | -iec | -j[son] | -p[retty] |
                    -f[amily] { inet | inet6 | mpls | bridge | link } |
                    -4 | -6 | -M | -B | -0 |
                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |
                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |
                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |
                    -c[olor]}
"""

RULES = "0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n"

# iproute2's object table, in its order: an abbreviation picks the first object it prefixes.
OBJECTS = (
    "address", "addrlabel", "maddress", "route", "rule", "neighbor", "neighbour", "ntable",
    "ntbl", "link", "l2tp", "fou", "ila", "macsec", "tunnel", "tuntap", "tap", "token",
    "tcpmetrics", "tcp_metrics", "monitor", "xfrm", "mroute", "mrule", "netns", "netconf",
    "vrf", "sr", "nexthop", "mptcp", "ioam", "help", "stats",
)  # fmt: skip


@dataclass
class IpOptions:
    family: str | None = None  # "inet" | "inet6" | None
    brief: bool = False
    details: bool = False
    stats: int = 0
    oneline: bool = False
    json: bool = False
    pretty: bool = False


def dump_json(items: list, pretty: bool = False) -> Result:
    """`ip -j` output: compact, or with -p iproute2's json_writer layout (4-space indents,
    `[ ]`, `},{`), reproduced by replaying its state machine."""
    if not pretty:
        return Result(json.dumps(items, separators=(",", ":")) + "\n")
    out: list[str] = []
    state = {"depth": 0, "sep": ""}

    def eor() -> None:
        if state["sep"]:
            out.append(state["sep"])
        state["sep"] = ","

    def eol() -> None:
        out.append("\n" + "    " * state["depth"])

    def begin(char: str) -> None:
        eor()
        out.append(char)
        state["depth"] += 1
        state["sep"] = ""

    def end(char: str) -> None:
        state["depth"] -= 1
        if state["sep"]:
            eol()
        out.append(char)
        state["sep"] = ","

    def write(value) -> None:
        if isinstance(value, dict):
            begin("{")
            for key, item in value.items():
                eor()
                eol()
                state["sep"] = ""
                out.append(json.dumps(key) + ": ")
                write(item)
            end("}")
        elif isinstance(value, list):
            begin("[")
            out.append(" ")
            for item in value:
                write(item)
            if state["sep"]:
                out.append(" ")
            state["sep"] = ""
            end("]")
        else:
            eor()
            out.append(json.dumps(value))

    write(items)
    return Result("".join(out) + "\n")


@command("ip")
def ip(argv: list[str], host, net) -> Result:
    from . import ip_addr, ip_link, ip_route

    opts = IpOptions()
    args = argv[1:]
    while args and args[0].startswith("-"):
        opt = args.pop(0)
        if opt == "--":
            break
        if opt.startswith("--"):
            opt = opt[1:]
        if opt == "-4":
            opts.family = "inet"
        elif opt == "-6":
            opts.family = "inet6"
        elif opt in ("-0", "-M", "-B"):
            opts.family = "other"
        elif matches(opt, "-family"):
            if not args:
                raise incomplete()
            fam = args.pop(0)
            if fam in ("inet", "inet6"):
                opts.family = fam
            elif fam in ("link", "mpls", "bridge"):
                opts.family = "other"
            else:
                raise invarg("invalid protocol family\n", fam)
        elif opt == "-h" or matches(opt, "-help"):
            return Result.error(USAGE, 255)
        elif matches(opt, "-pretty"):
            opts.pretty = True
        elif matches(opt, "-human") or matches(opt, "-iec"):
            pass
        elif matches(opt, "-stats") or matches(opt, "-statistics"):
            opts.stats += 1
        elif matches(opt, "-details"):
            opts.details = True
        elif matches(opt, "-resolve") or matches(opt, "-Numeric") or matches(opt, "-all"):
            pass
        elif matches(opt, "-oneline"):
            opts.oneline = True
        elif matches(opt, "-timestamp") or matches(opt, "-tshort") or matches(opt, "-force"):
            pass
        elif matches(opt, "-Version"):
            return Result(VERSION)
        elif matches(opt, "-batch"):
            return Result.error("netlearn: ip -batch is not simulated", 1)
        elif matches(opt, "-brief"):
            opts.brief = True
        elif matches(opt, "-json"):
            opts.json = True
        elif opt.split("=")[0] in ("-c", "-co", "-col", "-colo", "-color", "-colou", "-colour"):
            pass
        elif matches(opt, "-help"):
            return Result.error(USAGE, 255)
        elif matches(opt, "-netns"):
            return Result.error("netlearn: ip -netns is not simulated", 1)
        else:
            return Result.error(f'Option "{opt}" is unknown, try "ip -help".', 255)
    if not args:
        return Result.error(USAGE, 255)
    word = args.pop(0)
    obj = next((o for o in OBJECTS if matches(word, o)), None)
    if obj is None:
        return Result.error(f'Object "{word}" is unknown, try "ip help".', 1)
    if obj == "help":
        return Result.error(USAGE, 255)
    if obj == "address":
        return ip_addr.run(args, host, net, opts)
    if obj == "link":
        return ip_link.run(args, host, net, opts)
    if obj == "route":
        return ip_route.run(args, host, net, opts)
    if obj in ("neighbor", "neighbour"):
        from . import ip_neigh

        return ip_neigh.run(args, host, net, opts)
    if obj == "rule" and (not args or matches(args[0], "show") or matches(args[0], "list")):
        return Result(RULES)
    return Result.error(f'netlearn: "ip {obj}" is not simulated', 1)
