"""``hostname`` and ``help``.

``help`` lists every registered command, one line each, from the command's docstring (else its
module's), so a command added anywhere in ``commands/`` shows up without editing this file. It
replaces bash's list of builtins: in the simulator, ``help`` is the way to find what works.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING

from netlearn.sim import commands
from netlearn.sim.commands import command
from netlearn.sim.errors import CommandError
from netlearn.sim.result import Result

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology

HEADER = "Commands of this simulated Linux shell (ping sends 4 packets unless -c N):"
# For commands whose function and module have no docstring.
FALLBACK = {
    "true": "true: do nothing, successfully (status 0)",
    "false": "false: do nothing, unsuccessfully (status 1)",
    "ip": "ip link|addr|route [show|add|del|set|get]: interfaces, addresses, routes (iproute2)",
    "env": "env, printenv: print the shell's environment variables",
    "unset": "unset NAME: remove a variable from the environment",
}
MAX_SUMMARY = 100


def summary(name: str, fn) -> str:
    """The first sentence of the command's docstring (or its module's), on one line."""
    if name in FALLBACK:
        return FALLBACK[name]
    doc = (fn.__doc__ or "").strip()
    if not doc:
        module = sys.modules.get(fn.__module__)
        doc = ((module.__doc__ if module else "") or "").strip()
    first = doc.split("\n\n")[0].replace("\n", " ")
    first = re.sub(r"`+", "", first).strip()
    if len(first) > MAX_SUMMARY:
        first = first[: MAX_SUMMARY - 3].rstrip() + "..."
    return first or name


def help_lines() -> list[str]:
    by_fn: dict[object, list[str]] = {}
    for name in commands.names():
        by_fn.setdefault(commands.lookup(name), []).append(name)
    groups = sorted(by_fn.items(), key=lambda item: item[1][0])
    width = max([12, *(len(", ".join(names)) + 1 for _, names in groups)])
    return [f"  {', '.join(names):<{width}} {summary(names[0], fn)}" for fn, names in groups]


@command("help")
def help_(argv: list[str], host: Host, net: Topology) -> Result:
    """help [COMMAND]: list the commands this simulated shell understands"""
    topics = [word for word in argv[1:] if not word.startswith("-")]
    if not topics:
        return Result("\n".join([HEADER, *help_lines()]) + "\n")
    out = []
    for topic in topics:
        fn = commands.lookup(topic)
        if fn is None:
            raise CommandError(
                f"bash: help: no help topics match `{topic}'.  Try `help help' or "
                f"`man -k {topic}' or `info {topic}'.",
                1,
            )
        out.append(f"  {topic:<12} {summary(topic, fn)}")
    return Result("\n".join(out) + "\n")


@command("hostname")
def hostname(argv: list[str], host: Host, net: Topology) -> Result:
    """hostname [-I]: print the host's name (-I: its IPv4 addresses)"""
    args = argv[1:]
    if not args:
        return Result(host.name + "\n")
    if args in (["-s"], ["--short"], ["-f"], ["--fqdn"], ["--long"]):
        return Result(host.name + "\n")
    if args in (["-I"], ["--all-ip-addresses"]):
        addresses = [
            str(address.ip)
            for iface in host.interfaces.values()
            if iface.admin_up and not iface.loopback
            for address in iface.addresses
        ]
        return Result("".join(a + " " for a in addresses) + "\n")
    if args[0].startswith("-"):
        raise CommandError(
            f"hostname: the simulator supports hostname, -s and -I, not {args[0]}",
            1,
        )
    raise CommandError(
        "hostname: you cannot rename a host in the simulator (its name is fixed by the exercise)", 1
    )
