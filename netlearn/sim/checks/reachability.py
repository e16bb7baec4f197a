"""Reachability and routing goals: ``reachable``, ``unreachable``, ``route``, ``forwarding``.

Grading sends the same packets ``ping`` would (``forwarding.ping_once``) and reads the same
routes ``ip route get`` would; each failure names the cause in the learner's network.
"""

from __future__ import annotations

from ipaddress import IPv4Address

from .. import trace as t
from ..commands.ping import resolve_target
from ..drops import network_of
from ..errors import CommandError, ScenarioError
from ..forwarding import ping_once
from ..topology import Topology
from .registry import Outcome, address_of, check_kind, host_of, require

STILL_REACHABLE = "still-reachable"
WRONG_GATEWAY = "wrong-gateway"
WRONG_DEVICE = "wrong-device"
FORWARDING_ON = "forwarding-on"
NAME_NOT_RESOLVED = "name-not-resolved"


# -- reachability -------------------------------------------------------------------------------


def _ping(net: Topology, goal: dict):
    """(sender, the destination as written, its address or None, PingOutcome or failure text)."""
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
def reachable(net: Topology, goal: dict) -> Outcome:
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
def unreachable(net: Topology, goal: dict) -> Outcome:
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
def route(net: Topology, goal: dict) -> Outcome:
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
def forwarding(net: Topology, goal: dict) -> Outcome:
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
