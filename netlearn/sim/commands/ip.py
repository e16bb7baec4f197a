"""`ip` (iproute2 6.1): global options, object abbreviations, and shared parsing helpers.

The object families live in ip_link.py, ip_addr.py and ip_route.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model import Host
from ..parsing import incomplete, invarg, matches
from ..result import Result
from ..topology import Topology
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
    state: dict[str, Any] = {"depth": 0, "sep": ""}

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


Matcher = Callable[[str], bool]
GlobalOption = Callable[[IpOptions, list[str]], "Result | None"]


def _is(*words: str) -> Matcher:
    return lambda opt: opt in words


def _abbrev(*fulls: str) -> Matcher:
    """iproute2's matches(): any non-empty prefix of one of ``fulls``."""
    return lambda opt: any(matches(opt, full) for full in fulls)


def _set(**values: object) -> GlobalOption:
    def apply(opts: IpOptions, args: list[str]) -> None:
        for key, value in values.items():
            setattr(opts, key, value)

    return apply


def _family(opts: IpOptions, args: list[str]) -> None:
    if not args:
        raise incomplete()
    fam = args.pop(0)
    if fam in ("inet", "inet6"):
        opts.family = fam
    elif fam in ("link", "mpls", "bridge"):
        opts.family = "other"
    else:
        raise invarg("invalid protocol family\n", fam)


def _stats(opts: IpOptions, args: list[str]) -> None:
    opts.stats += 1


def _ignored(opts: IpOptions, args: list[str]) -> None:
    pass


def _answer(result: Result) -> GlobalOption:
    return lambda opts, args: result


def _color(opt: str) -> bool:
    return opt.split("=")[0] in ("-c", "-co", "-col", "-colo", "-color", "-colou", "-colour")


# main()'s option ladder in ip.c, in its order: an abbreviation takes the first option it
# prefixes ("-" alone is -family, "-s" is -stats).
_GLOBAL_OPTIONS: tuple[tuple[Matcher, GlobalOption], ...] = (
    (_is("-4"), _set(family="inet")),
    (_is("-6"), _set(family="inet6")),
    (_is("-0", "-M", "-B"), _set(family="other")),
    (_abbrev("-family"), _family),
    (lambda opt: opt == "-h" or matches(opt, "-help"), _answer(Result.error(USAGE, 255))),
    (_abbrev("-pretty"), _set(pretty=True)),
    (_abbrev("-human", "-iec"), _ignored),
    (_abbrev("-stats", "-statistics"), _stats),
    (_abbrev("-details"), _set(details=True)),
    (_abbrev("-resolve", "-Numeric", "-all"), _ignored),
    (_abbrev("-oneline"), _set(oneline=True)),
    (_abbrev("-timestamp", "-tshort", "-force"), _ignored),
    (_abbrev("-Version"), _answer(Result(VERSION))),
    (_abbrev("-batch"), _answer(Result.error("netlearn: ip -batch is not simulated", 1))),
    (_abbrev("-brief"), _set(brief=True)),
    (_abbrev("-json"), _set(json=True)),
    (_color, _ignored),
    (_abbrev("-netns"), _answer(Result.error("netlearn: ip -netns is not simulated", 1))),
)


@command("ip")
def ip(argv: list[str], host: Host, net: Topology) -> Result:
    opts = IpOptions()
    args = argv[1:]
    while args and args[0].startswith("-"):
        opt = args.pop(0)
        if opt == "--":
            break
        if opt.startswith("--"):
            opt = opt[1:]
        handler = next((h for matcher, h in _GLOBAL_OPTIONS if matcher(opt)), None)
        if handler is None:
            return Result.error(f'Option "{opt}" is unknown, try "ip -help".', 255)
        answer = handler(opts, args)
        if answer is not None:
            return answer
    if not args:
        return Result.error(USAGE, 255)
    return _run_object(args.pop(0), args, host, net, opts)


def _run_object(word: str, args: list[str], host: Host, net: Topology, opts: IpOptions) -> Result:
    """The OBJECT an abbreviation names, first in iproute2's table, and its command."""
    # The families import this module's IpOptions and dump_json: imported here, once loaded.
    from . import ip_addr, ip_link, ip_neigh, ip_route

    obj = next((o for o in OBJECTS if matches(word, o)), None)
    if obj is None:
        return Result.error(f'Object "{word}" is unknown, try "ip help".', 1)
    families = {
        "address": ip_addr.run,
        "link": ip_link.run,
        "route": ip_route.run,
        "neighbor": ip_neigh.run,
        "neighbour": ip_neigh.run,
    }
    if obj in families:
        return families[obj](args, host, net, opts)
    if obj == "help":
        return Result.error(USAGE, 255)
    if obj == "rule" and (not args or matches(args[0], "show") or matches(args[0], "list")):
        return Result(RULES)
    return Result.error(f'netlearn: "ip {obj}" is not simulated', 1)
