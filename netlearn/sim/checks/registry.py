"""Exercise goals ("checks"): a registry of check kinds, each ``(net, goal) -> Outcome``.

A goal is a mapping with a ``check`` kind and that kind's keys::

    {"check": "reachable", "from": "A", "to": "192.165.2.10"}     # ping round trip
    {"check": "unreachable", "from": "A", "to": "192.165.2.10"}
    {"check": "route", "on": "A", "to": "192.165.2.10", "via": "192.165.1.1", "dev": "eth0"}
    {"check": "forwarding", "on": "R", "enabled": true}

Every failure carries a learner-facing message naming the cause in *their* network and a stable
``cause`` code (see ``trace.py``). A goal with an unknown kind, a missing key or a key the kind
does not know raises ``ScenarioError`` naming it, so validating an exercise catches typos.

Each kind module of this package registers its kinds with ``@check_kind("resolves")``; the
package imports them all (``checks/__init__.py``), so every kind is known before a goal is graded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

from ..budget import spend
from ..errors import ScenarioError

if TYPE_CHECKING:
    from ..model import Host
    from ..topology import Topology

# Keys any goal may carry for the authoring UI; they do not change the grading.
META_KEYS = frozenset({"check", "label", "description", "title", "hint", "points"})


@dataclass(frozen=True, slots=True)
class Outcome:
    """The grade of one goal. ``trace`` keeps the structured detail (a ``PingOutcome``...)."""

    passed: bool
    message: str
    cause: str | None = None
    trace: Any = None


CHECKS: dict[str, Callable[[Topology, dict], Outcome]] = {}


def check_kind(name: str):
    """Register the decorated ``fn(net, goal) -> Outcome`` as the check kind ``name``."""

    def register(fn):
        CHECKS[name] = fn
        return fn

    return register


def run_check(net: Topology, goal: dict) -> Outcome:
    if not isinstance(goal, dict) or "check" not in goal:
        raise ScenarioError("goal", "a goal is a mapping with a 'check' kind")
    if True in goal and "on" not in goal:
        # YAML 1.1 (PyYAML) reads an unquoted `on:` key as the boolean true.
        goal = {("on" if key is True else key): value for key, value in goal.items()}
    kind = goal["check"]
    spend(1, f"checking a {kind!s:.40} goal")
    fn = CHECKS.get(kind) if isinstance(kind, str) else None
    if fn is None:
        known = ", ".join(sorted(CHECKS)) or "none registered"
        raise ScenarioError("goal.check", f"unknown check kind {kind!r} (known: {known})")
    return fn(net, goal)


# -- goal validation helpers (usable by other check modules) -----------------------------------


def require(goal: dict, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
    """Missing or unknown keys raise ScenarioError naming the key."""
    for key in required:
        if key not in goal:
            raise ScenarioError(f"goal.{key}", f"the {goal['check']} check needs '{key}'")
    allowed = set(required) | set(optional) | META_KEYS
    for key in goal:
        if key not in allowed:
            expected = ", ".join([*required, *optional])
            raise ScenarioError(
                f"goal.{key}", f"the {goal['check']} check has no key '{key}' (it takes {expected})"
            )


def host_of(net: Topology, goal: dict, key: str) -> Host:
    name = goal[key]
    host = net.hosts.get(name) if isinstance(name, str) else None
    if host is None:
        raise ScenarioError(f"goal.{key}", f"there is no host named {name!r}")
    return host


def address_of(goal: dict, key: str) -> IPv4Address:
    try:
        return IPv4Address(str(goal[key]))
    except ValueError:
        raise ScenarioError(f"goal.{key}", f"{goal[key]!r} is not an IPv4 address") from None
