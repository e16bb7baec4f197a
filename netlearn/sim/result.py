"""What one command line gives back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Result:
    """stdout, stderr and exit status of one command, as a terminal would show them.

    ``trace`` carries structured detail for the UI and checks (ping's packet trace, ...).

    >>> Result("hello\\n").output
    'hello\\n'
    >>> Result("", "oops\\n", 1).ok
    False
    """

    stdout: str = ""
    stderr: str = ""
    status: int = 0
    trace: Any = None

    @property
    def output(self) -> str:
        """stdout then stderr, the way a terminal shows a non-interleaved command."""
        return self.stdout + self.stderr

    @property
    def ok(self) -> bool:
        return self.status == 0

    @classmethod
    def error(cls, stderr: str, status: int = 1) -> Result:
        """A failed command; a missing final newline is added."""
        if stderr and not stderr.endswith("\n"):
            stderr += "\n"
        return cls("", stderr, status)
