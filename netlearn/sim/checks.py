"""Exercise goals ("checks"): a registry of check kinds, each ``(net, goal) -> Outcome``.

The traffic engineer fills in `reachable`, `unreachable`, `route`, `forwarding`; names/DNS add
`resolves`, `dns_answer`, `http`. Register a kind with ``@check_kind("name")``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import ScenarioError

if TYPE_CHECKING:
    from .network import Network


@dataclass(frozen=True, slots=True)
class Outcome:
    passed: bool
    message: str
    cause: str | None = None


CHECKS: dict[str, Callable[[Network, dict], Outcome]] = {}


def check_kind(name: str):
    def register(fn):
        CHECKS[name] = fn
        return fn

    return register


def run_check(net: Network, goal: dict) -> Outcome:
    if not isinstance(goal, dict) or "check" not in goal:
        raise ScenarioError("goal", "a goal is a mapping with a 'check' kind")
    kind = goal["check"]
    fn = CHECKS.get(kind)
    if fn is None:
        known = ", ".join(sorted(CHECKS)) or "none registered"
        raise ScenarioError("goal.check", f"unknown check kind {kind!r} (known: {known})")
    return fn(net, goal)
