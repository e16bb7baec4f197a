"""The command registry.

A command is a small function ``run(argv, host, net) -> Result`` registered by name::

    @command("hostname")
    def hostname(argv: list[str], host: Host, net: Topology) -> Result:
        return Result(host.name + "\\n")

``argv[0]`` is the command name as typed (like ``sys.argv``). A command may raise
``CommandError(stderr, status)`` instead of returning a failing Result. Every module in this
package is imported on first use (pkgutil), so adding a command never edits a shared list.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..parsing import decimal as decimal  # re-exported: `from . import command, decimal`

if TYPE_CHECKING:
    from ..result import Result

    # run(argv, host, net) -> Result, optionally with a keyword-only stdin: str
    Command = Callable[..., Result]

REGISTRY: dict[str, Command] = {}
_discovered = False


def command(*names: str) -> Callable[[Command], Command]:
    """Register the decorated function under each of ``names``."""

    def register(fn: Command) -> Command:
        for name in names:
            REGISTRY[name] = fn
        return fn

    return register


def discover() -> None:
    """Import every module of this package once, so their @command decorators run."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def lookup(name: str) -> Command | None:
    discover()
    return REGISTRY.get(name)


def names() -> list[str]:
    """Every registered command name, sorted (for `help`)."""
    discover()
    return sorted(REGISTRY)
