"""Budgets: a hard deadline on every simulator call, enforced by the simulator itself.

Bounds on values (``limits.py``) keep memory small by construction; a budget bounds *time*, for
inputs nobody thought of. Every loop whose length depends on its input (pipelines, lines read by
``grep``, routes walked, hops forwarded, DNS referrals followed, goals checked, hosts loaded)
calls :func:`spend`; the innermost active :class:`Meter` counts the steps and, every
``CLOCK_EVERY`` steps, reads the thread's CPU clock. Past either limit it raises
:class:`~netlearn.sim.errors.BudgetExceeded` naming the work and what it was doing.

The public entry points open a budget of their own (``Network.run``: :data:`COMMAND`,
``Network.check``: :data:`CHECK`, ``Network.from_scenario``/``from_yaml``/``from_dict``:
:data:`LOADING`). A caller opens a wider one around many calls, for example to validate an
exercise::

    with budget.limit(budget.AUTHOR):           # 5 s of CPU for the whole validation
        net = Network.from_scenario(data)       # its own LOADING budget, within AUTHOR's
        net.run("A", "ip route add ...")        # its own COMMAND budget, within AUTHOR's

A nested budget never outlives its parent: its deadline and step limit are the smaller of its
own and what the parent has left, and its steps count against the parent when it ends. The
exception says which budget ran out (``exc.budget``): ``Network.run`` answers a shell-like
error only when its own command budget ran out, and lets a parent's overrun through, so a
validation stops at once instead of going on command after command.

The active meter lives in a ``ContextVar``, so threads and asyncio tasks never share one; outside
any ``limit()`` block :func:`spend` does nothing (a library caller that wants no limit).

>>> try:
...     with limit(Budget("the demo", seconds=10.0, steps=100)):
...         for _ in range(1000):
...             spend(1, "counting to a thousand")
... except BudgetExceeded as exc:
...     print(exc)
the demo ran out of its budget (100 steps) while counting to a thousand
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from .errors import BudgetExceeded

CLOCK_EVERY = 64  # steps between two reads of the CPU clock
clock = time.thread_time  # CPU time of this thread: other threads' work never counts against it


@dataclass(frozen=True, slots=True)
class Budget:
    """How much one call may spend: CPU ``seconds`` and ``steps`` (loop iterations, roughly a
    microsecond to a few each). ``label`` names the work in messages ("validating the
    exercise")."""

    label: str
    seconds: float
    steps: int


COMMAND = Budget("the command", seconds=0.5, steps=2_000_000)  # one learner's command line
CHECK = Budget("checking the goal", seconds=0.5, steps=2_000_000)  # one goal, for a learner
GRADING = Budget("checking your work", seconds=2.0, steps=10_000_000)  # all goals, for a learner
LOADING = Budget("loading the network", seconds=2.0, steps=5_000_000)  # one scenario or state
AUTHOR = Budget("validating the exercise", seconds=5.0, steps=50_000_000)  # a whole validation


class Meter:
    """A running budget: what is left of it, and which budget sets each limit (its own or a
    parent's, when the parent has less left)."""

    __slots__ = ("budget", "deadline", "doing", "limit", "parent", "start", "steps_left", "tick")

    def __init__(self, budget: Budget, parent: Meter | None) -> None:
        now = clock()
        self.budget = budget
        self.parent = parent
        self.deadline = now + budget.seconds
        self.steps_left = budget.steps
        self.limit: dict[str, Meter] = {"time": self, "steps": self}
        if parent is not None:
            if parent.deadline < self.deadline:
                self.deadline, self.limit["time"] = parent.deadline, parent.limit["time"]
            if parent.steps_left < self.steps_left:
                self.steps_left, self.limit["steps"] = parent.steps_left, parent.limit["steps"]
        self.start = self.steps_left
        self.tick = CLOCK_EVERY
        self.doing = ""

    def spend(self, steps: int, doing: str) -> None:
        self.steps_left -= steps
        self.tick -= steps
        if doing:
            self.doing = doing
        if self.steps_left < 0:
            self._exceeded("steps")
        if self.tick <= 0:
            self.tick = CLOCK_EVERY
            if clock() > self.deadline:
                self._exceeded("time")

    def exhausted(self) -> bool:
        return self.steps_left < 0 or clock() > self.deadline

    def _exceeded(self, kind: str) -> None:
        owner = self.limit[kind]
        budget = owner.budget
        amount = f"{budget.seconds:g} s of CPU time" if kind == "time" else f"{budget.steps} steps"
        doing = f" while {self.doing}" if self.doing else ""
        raise BudgetExceeded(
            f"{budget.label} ran out of its budget ({amount}){doing}",
            budget=budget,
            what=self.doing,
            kind=kind,
            meter=owner,
        )

    def close(self) -> None:
        """Charge the parent with the steps spent here."""
        if self.parent is not None:
            self.parent.steps_left -= self.start - self.steps_left
            self.parent.tick = 0  # the parent reads the clock at its next step


_ACTIVE: ContextVar[Meter | None] = ContextVar("netlearn_sim_budget", default=None)


@contextmanager
def limit(budget: Budget) -> Iterator[Meter]:
    """Run the block within ``budget`` (and within any budget already active)."""
    meter = Meter(budget, _ACTIVE.get())
    token = _ACTIVE.set(meter)
    try:
        yield meter
    finally:
        _ACTIVE.reset(token)
        meter.close()


def spend(steps: int = 1, doing: str = "") -> None:
    """Count ``steps`` against the active budget; ``doing`` says what the loop is doing, for the
    message ("reading lines of input"). Raises BudgetExceeded past a limit."""
    meter = _ACTIVE.get()
    if meter is not None:
        meter.spend(steps, doing)


def exhausted() -> bool:
    """Whether the active budget (the caller's, once an inner ``limit()`` has ended) is spent:
    a loop that catches BudgetExceeded for one item asks this before going on to the next."""
    meter = _ACTIVE.get()
    return meter is not None and meter.exhausted()


def json_size(value: Any) -> int:
    """``len(json.dumps(value))`` without building the text, in time linear in the number of
    *distinct* objects: a YAML alias (one object referenced many times) is measured once and
    counted each time it appears. Raises ValueError on a cycle.

    >>> shared = ["x" * 10]
    >>> data = {"a": shared, "b": shared}
    >>> json_size(data) == len(json.dumps(data))
    True
    """
    return measure(value).size


@dataclass(slots=True)
class Measure:
    """Sizes of a value's parts: ``size`` of the whole, and ``sizes`` by ``id`` of every
    container and string (shared objects once), to name the largest part."""

    size: int
    sizes: dict[int, int]
    uses: dict[int, int]


def measure(value: Any) -> Measure:
    """JSON sizes of ``value`` and of each of its parts (see :func:`json_size`)."""
    sizes: dict[int, int] = {}
    uses: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            sizes[key] = _container_size(node, sizes)
            continue
        uses[key] = uses.get(key, 0) + 1
        if key in sizes:
            continue
        if not isinstance(node, dict | list | tuple):
            sizes[key] = _scalar_size(node)
            continue
        if key in on_path:
            raise ValueError("a value contains itself")
        on_path.add(key)
        stack.append((node, True))
        stack += [(child, False) for child in (node.values() if isinstance(node, dict) else node)]
    return Measure(sizes[id(value)], sizes, uses)


def _scalar_size(value: Any) -> int:
    try:
        return len(json.dumps(value))
    except (TypeError, ValueError):  # a date or bytes from YAML: about its text
        return len(json.dumps(str(value)))


def _container_size(node: Any, sizes: dict[int, int]) -> int:
    """Brackets and separators as ``json.dumps`` writes them (", " and ": ")."""
    if not node:
        return 2
    if isinstance(node, dict):
        inner = sum(_key_size(k) + 2 + sizes[id(v)] for k, v in node.items())
    else:
        inner = sum(sizes[id(item)] for item in node)
    return 2 + inner + 2 * (len(node) - 1)


def _key_size(key: Any) -> int:
    """A dict key as json.dumps writes it: a string as it is, anything else as quoted text."""
    return _scalar_size(key if isinstance(key, str) else _scalar_text(key))


def _scalar_text(key: Any) -> str:
    try:
        return json.dumps(key)
    except (TypeError, ValueError):
        return str(key)
