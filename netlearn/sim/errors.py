"""The simulator's exception tree: every message is meant to be read by a learner or instructor."""

from __future__ import annotations

from typing import Any


class SimError(Exception):
    """Base class of every error the simulator raises on purpose."""


class ScenarioError(SimError):
    """A scenario (YAML or dict) is invalid; ``path`` names the offending key.

    >>> str(ScenarioError("hosts.R.interfaces.eth1", "unknown segment 'lan'"))
    "hosts.R.interfaces.eth1: unknown segment 'lan'"
    """

    def __init__(self, path: str, why: str) -> None:
        self.path = path
        self.why = why
        super().__init__(f"{path}: {why}" if path else why)


class CommandError(SimError):
    """A command failed the way the real tool fails: ``stderr`` text and exit ``status``.

    Command implementations may raise it anywhere; the shell turns it into a ``Result``.
    """

    def __init__(self, stderr: str, status: int = 1) -> None:
        if stderr and not stderr.endswith("\n"):
            stderr += "\n"
        self.stderr = stderr
        self.status = status
        super().__init__(stderr.rstrip("\n"))


class LimitExceeded(SimError):
    """An input went past one of the bounds in ``limits.py``."""


class BudgetExceeded(SimError):
    """A call ran out of its budget (``budget.py``): CPU time or steps.

    ``what`` names the work that was too large ("running `grep`", "validating the exercise"),
    ``budget`` the budget that ran out (its ``label`` and limits). ``Network.run`` turns its own
    command budget's overrun into a shell-like result; everything else raises this.
    """

    def __init__(
        self,
        message: str,
        *,
        budget: Any = None,
        what: str = "",
        kind: str = "time",
        meter: Any = None,
    ) -> None:
        self.budget = budget  # the Budget that ran out (budget.py)
        self.what = what  # what the loop was doing ("reading lines of input")
        self.kind = kind  # "time" or "steps"
        self.meter = meter  # the running Meter whose limit it was
        self.command = ""  # the shell fills in the command that was running
        super().__init__(message)
