"""``export NAME=VALUE`` (bash builtin): sets a variable in the host's environment.

The environment is ``host.env``; ``curl`` reads ``http_proxy``/``https_proxy``/``no_proxy`` from it.
``export`` alone (or ``export -p``) lists the exported variables as bash does.
"""

from __future__ import annotations

import re

from netlearn.sim.commands import command
from netlearn.sim.environment import assign
from netlearn.sim.model import Host
from netlearn.sim.result import Result
from netlearn.sim.topology import Topology

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@command("export")
def export(argv: list[str], host: Host, net: Topology) -> Result:
    args = argv[1:]
    unset = False
    if args and args[0] == "-n":
        unset, args = True, args[1:]
    if not args or args == ["-p"]:
        lines = [f'declare -x {k}="{v}"' for k, v in sorted(host.env.items())]
        return Result("".join(line + "\n" for line in lines))
    status, errors = 0, []
    for word in args:
        name, eq, value = word.partition("=")
        if not _NAME.match(name):
            errors.append(f"bash: export: `{word}': not a valid identifier\n")
            status = 1
            continue
        if unset:
            host.env.pop(name, None)
        elif eq or name not in host.env:
            refused = assign(host.env, name, value)
            if refused is not None:
                errors.append(f"bash: export: {refused}\n")
                status = 1
    return Result("", "".join(errors), status)


@command("unset")
def unset(argv: list[str], host: Host, net: Topology) -> Result:
    for name in argv[1:]:
        if name != "-v":
            host.env.pop(name, None)
    return Result()


@command("env", "printenv")
def env(argv: list[str], host: Host, net: Topology) -> Result:
    if argv[0] == "printenv" and len(argv) > 1:
        values = [host.env[n] for n in argv[1:] if n in host.env]
        return Result(
            "".join(v + "\n" for v in values), "", 0 if len(values) == len(argv) - 1 else 1
        )
    return Result("".join(f"{k}={v}\n" for k, v in host.env.items()))
