"""Exercise goals ("checks"): a registry of check kinds, each ``(net, goal) -> Outcome``.

``registry`` holds the registry and the goal-validation helpers; each other module registers
its kinds when imported, which this package does for all of them here.
"""

from __future__ import annotations

from . import http, names, reachability
from .registry import (
    CHECKS,
    META_KEYS,
    Outcome,
    address_of,
    check_kind,
    host_of,
    require,
    run_check,
)

__all__ = [
    "CHECKS",
    "META_KEYS",
    "Outcome",
    "address_of",
    "check_kind",
    "host_of",
    "http",
    "names",
    "reachability",
    "require",
    "run_check",
]
