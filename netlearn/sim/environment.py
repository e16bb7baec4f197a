"""The rules for a host's shell variables (``host.env``): how many, and how long.

bash has no such limits; the simulator keeps every workspace small (``limits.py``), so a
variable doubled again and again (``export A=$A$A``) stops with a clear error instead of
growing a stored workspace by megabytes.

>>> env = {}
>>> assign(env, "A", "x" * 10), env
(None, {'A': 'xxxxxxxxxx'})
>>> assign(env, "B", "x" * 5000)
'B: value too long (the simulator keeps at most 4096 characters in a variable)'
"""

from __future__ import annotations

from .limits import MAX_ENV, MAX_ENV_CHARS, MAX_VARIABLE


def assign(env: dict[str, str], name: str, value: str) -> str | None:
    """Set ``name`` in ``env`` unless a bound forbids it; then return why (bash's message
    after ``bash: export: `` or ``bash: ``) and leave ``env`` unchanged."""
    if len(value) > MAX_VARIABLE:
        return (
            f"{name}: value too long (the simulator keeps at most {MAX_VARIABLE} characters "
            "in a variable)"
        )
    if name not in env and len(env) >= MAX_ENV:
        return f"{name}: too many variables (the simulator keeps at most {MAX_ENV})"
    total = size(env) - len(env.get(name, "")) + (0 if name in env else len(name)) + len(value)
    if total > MAX_ENV_CHARS:
        return (
            f"{name}: environment full (the simulator keeps at most {MAX_ENV_CHARS} characters "
            "of variables on a host; unset some)"
        )
    env[name] = value
    return None


def size(env: dict[str, str]) -> int:
    """Characters of every name and value."""
    return sum(len(k) + len(v) for k, v in env.items())
