"""Exercise goals ("checks"): a registry of check kinds, each ``(net, goal) -> Outcome``.

A goal is a mapping with a ``check`` kind and that kind's keys::

    {"check": "reachable", "from": "A", "to": "192.165.2.10"}     # ping round trip
    {"check": "unreachable", "from": "A", "to": "192.165.2.10"}
    {"check": "route", "on": "A", "to": "192.165.2.10", "via": "192.165.1.1", "dev": "eth0"}
    {"check": "forwarding", "on": "R", "enabled": true}

Every failure carries a learner-facing message naming the cause in *their* network and a stable
``cause`` code (see ``trace.py``). A goal with an unknown kind, a missing key or a key the kind
does not know raises ``ScenarioError`` naming it, so validating an exercise catches typos.

Other modules add kinds with ``@check_kind("resolves")`` (alias ``@check``); the modules in
``CHECK_MODULES`` are imported before the first goal is graded, so their kinds are always known.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import TYPE_CHECKING, Any

from . import trace as t
from .budget import spend
from .errors import CommandError, ScenarioError

if TYPE_CHECKING:
    from .model import Host
    from .network import Network

# Modules that register check kinds from outside this file (imported on first use).
CHECK_MODULES = ("netlearn.sim.names.checks", "netlearn.sim.http")
# Keys any goal may carry for the authoring UI; they do not change the grading.
META_KEYS = frozenset({"check", "label", "description", "title", "hint", "points"})

STILL_REACHABLE = "still-reachable"
WRONG_GATEWAY = "wrong-gateway"
WRONG_DEVICE = "wrong-device"
FORWARDING_ON = "forwarding-on"
NAME_NOT_RESOLVED = "name-not-resolved"


@dataclass(frozen=True, slots=True)
class Outcome:
    """The grade of one goal. ``trace`` keeps the structured detail (a ``PingOutcome``...)."""

    passed: bool
    message: str
    cause: str | None = None
    trace: Any = None


CHECKS: dict[str, Callable[[Network, dict], Outcome]] = {}
_discovered = False


def check_kind(name: str):
    """Register the decorated ``fn(net, goal) -> Outcome`` as the check kind ``name``."""

    def register(fn):
        CHECKS[name] = fn
        return fn

    return register


check = check_kind


def discover() -> None:
    global _discovered
    if _discovered:
        return
    _discovered = True
    for module in CHECK_MODULES:
        try:
            importlib.import_module(module)
        except ImportError:  # pragma: no cover - a part of the simulator not installed
            continue


def run_check(net: Network, goal: dict) -> Outcome:
    if not isinstance(goal, dict) or "check" not in goal:
        raise ScenarioError("goal", "a goal is a mapping with a 'check' kind")
    discover()
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


def host_of(net: Network, goal: dict, key: str) -> Host:
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


# -- reachability -------------------------------------------------------------------------------


def _ping(net: Network, goal: dict):
    """(sender, the destination as written, its address or None, PingOutcome or failure text)."""
    from .commands.ping import resolve_target
    from .forwarding import ping_once

    require(goal, ("from", "to"))
    sender = host_of(net, goal, "from")
    to = str(goal["to"])
    try:
        target = resolve_target(net, sender, to, "")
    except CommandError as exc:
        return sender, to, None, exc.stderr.strip().split(": ", 1)[-1]
    return sender, to, target.address, ping_once(net, sender, target.address)


def _shown(to: str, address: IPv4Address) -> str:
    return to if to == str(address) else f"{to} ({address})"


@check_kind("reachable")
def reachable(net: Network, goal: dict) -> Outcome:
    """``from`` can ping ``to``: the request arrives and the reply finds its way back."""
    sender, to, address, outcome = _ping(net, goal)
    if address is None:
        return Outcome(False, f"{sender.name} cannot resolve {to}: {outcome}", NAME_NOT_RESOLVED)
    where = _shown(to, address)
    if outcome.ok:
        there = " -> ".join(outcome.request.path())
        back = " -> ".join(outcome.reply.path()) if outcome.reply is not None else there
        message = f"{sender.name} reaches {where}: request {there}, reply {back}."
        return Outcome(True, message, None, outcome)
    message = f"{sender.name} cannot reach {where}: {outcome.message}."
    return Outcome(False, _sentence(message), outcome.cause, outcome)


@check_kind("unreachable")
def unreachable(net: Network, goal: dict) -> Outcome:
    """``from`` cannot ping ``to`` (a firewall-free way to isolate two hosts)."""
    sender, to, address, outcome = _ping(net, goal)
    if address is None:
        return Outcome(True, f"{sender.name} cannot even resolve {to}.", None)
    where = _shown(to, address)
    if outcome.ok:
        there = " -> ".join(outcome.request.path())
        message = (
            f"{sender.name} can still reach {where} (request {there}, and the reply comes back)."
        )
        return Outcome(False, message, STILL_REACHABLE, outcome)
    return Outcome(
        True, _sentence(f"{sender.name} cannot reach {where}: {outcome.message}."), None, outcome
    )


def _sentence(text: str) -> str:
    text = text.replace("..", ".")
    return text[0].upper() + text[1:] if text else text


# -- routing ------------------------------------------------------------------------------------


@check_kind("route")
def route(net: Network, goal: dict) -> Outcome:
    """What ``ip route get TO`` on ``on`` would choose: optionally ``via`` a gateway, ``dev``."""
    require(goal, ("on", "to"), ("via", "dev"))
    host = host_of(net, goal, "on")
    dst = address_of(goal, "to")
    via = address_of(goal, "via") if goal.get("via") is not None else None
    dev = goal.get("dev")
    if dev is not None and dev not in host.interfaces:
        raise ScenarioError("goal.dev", f"{host.name} has no interface {dev!r}")
    local = host.local_interface_for(dst)
    if local is not None:
        chosen, text = None, f"local {dst} dev lo"
        gateway, out = None, "lo"
    else:
        chosen = host.lookup(dst)
        if chosen is None:
            from .forwarding import network_of

            message = (
                f"{host.name} has no route to {network_of(net, dst)} (ip route get {dst} fails)."
            )
            return Outcome(False, message, t.NO_ROUTE)
        text = str(chosen).strip()
        gateway, out = chosen.gateway, chosen.dev
    if via is not None and gateway != via:
        how = f"via {gateway}" if gateway is not None else f"straight out {out} (no gateway)"
        message = f"{host.name} sends {dst} {how} by the route '{text}', not via {via}."
        return Outcome(False, message, WRONG_GATEWAY, chosen)
    if dev is not None and out != dev:
        message = f"{host.name} sends {dst} out {out} by the route '{text}', not out {dev}."
        return Outcome(False, message, WRONG_DEVICE, chosen)
    if chosen is not None and chosen.linkdown:
        message = f"{host.name}'s route '{text}' goes out {out}, which has no carrier (linkdown)."
        return Outcome(False, message, t.LINK_DOWN, chosen)
    return Outcome(True, f"{host.name} sends {dst} by the route '{text}'.", None, chosen)


@check_kind("forwarding")
def forwarding(net: Network, goal: dict) -> Outcome:
    """``on`` forwards packets (net.ipv4.ip_forward non-zero) when ``enabled`` (default true)."""
    require(goal, ("on",), ("enabled",))
    host = host_of(net, goal, "on")
    enabled = goal.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ScenarioError("goal.enabled", f"expected true or false, not {enabled!r}")
    value = host.ip_forward
    if host.forwarding == enabled:
        state = "forwards packets" if enabled else "does not forward packets"
        return Outcome(True, f"{host.name} {state} (net.ipv4.ip_forward = {value}).")
    if enabled:
        message = (
            f"{host.name} does not forward packets: net.ipv4.ip_forward is 0 on {host.name} "
            "(sysctl -w net.ipv4.ip_forward=1)."
        )
        return Outcome(False, message, t.FORWARDING_OFF)
    message = (
        f"{host.name} still forwards packets: net.ipv4.ip_forward is {value} on {host.name} "
        "(sysctl -w net.ipv4.ip_forward=0)."
    )
    return Outcome(False, message, FORWARDING_ON)
