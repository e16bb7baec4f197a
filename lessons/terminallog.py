"""How much of a terminal's log is kept: every command, but not every output.

A log holds at most ``lessons.services.terminal.MAX_WORKSPACE_COMMANDS`` commands
(TerminalEntry rows); one output is cut at ``MAX_STORED_OUTPUT`` characters, and the outputs of
a whole log at ``MAX_LOG_OUTPUT``, the oldest emptied first, as a terminal's scrollback forgets
them. The page shows the log through ``within_output_budget``; the stored rows are trimmed to
the same budget every few commands (lessons.services.terminal._trim_outputs).
"""

from __future__ import annotations

MAX_STORED_OUTPUT = 16 * 1024  # characters of one command's output kept in the log
MAX_LOG_OUTPUT = 256 * 1024  # characters of output kept in a whole log (the oldest go first)
TRUNCATED = "\n[output truncated]\n"


def within_output_budget(log: list[dict]) -> list[dict]:
    """The log as a terminal keeps it: the newest outputs up to ``MAX_LOG_OUTPUT`` characters
    in all, older outputs emptied (the scrollback forgets outputs, never a command)."""
    newest_first = [(i, len(log[i].get("output") or "")) for i in reversed(range(len(log)))]
    beyond = set(outputs_beyond_budget(newest_first))
    return [{**entry, "output": ""} if i in beyond else entry for i, entry in enumerate(log)]


def outputs_beyond_budget(lengths: list[tuple[int, int]]) -> list[int]:
    """Of ``(key, output length)`` pairs, newest first, the keys whose outputs the budget no
    longer holds."""
    budget, beyond = MAX_LOG_OUTPUT, []
    for key, length in lengths:
        budget -= length
        if budget < 0 and length:
            beyond.append(key)
    return beyond
