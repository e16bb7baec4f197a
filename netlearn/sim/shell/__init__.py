"""The simulator's bash: one command line -> words -> registered commands.

``syntax`` turns a line into a chain of pipelines (quoting, variables, redirections, operators);
``execution`` runs it against a host (expansion, redirections onto the virtual files, the
command registry, every value bounded and every command within its budget). ``run`` is the
whole shell, as ``Network.run`` calls it.
"""

from __future__ import annotations

from .execution import TRUNCATED, Shell, run
from .syntax import ShellSyntaxError, Simple, Word, parse, tokenize

__all__ = ["TRUNCATED", "Shell", "ShellSyntaxError", "Simple", "Word", "parse", "run", "tokenize"]
