"""Regular expressions a learner types (``grep``), in linear time: POSIX syntax on RE2.

Python's ``re`` backtracks: ``echo aaaa…a! | grep -E '^(a|a)*$'`` takes 2^n steps, so one line
could hold a server for minutes. RE2 (the ``google-re2`` package, module ``re2``) runs in time
linear in the text, whatever the pattern, and with ``longest_match`` it has POSIX's
leftmost-longest semantics, which is what GNU grep prints with ``-o``. What RE2 cannot do in
linear time (back-references such as ``\\(a\\)\\1``) is refused with a clear message, never
handed to a backtracking engine.

POSIX basic (BRE) and extended (ERE) syntax are translated to RE2's by a table of escapes:

>>> translate(r"ip6-\\(allnodes\\|allrouters\\)", extended=False)
'ip6-(allnodes|allrouters)'
>>> translate("a{,3}+", extended=True)
'a{0,3}+'
>>> try:
...     translate(r"\\(a\\)\\1", extended=False)
... except RegexError as exc:
...     print(exc)
back-references such as \\1 are not supported (they can take exponential time)
"""

from __future__ import annotations

from dataclasses import dataclass

import re2

from .errors import SimError


class RegexError(SimError):
    """A pattern the simulator refuses; the message is what grep prints after ``grep: ``."""


# BRE: these escaped characters are operators; their bare forms are literal (escaped for RE2).
_BRE_OPERATORS = frozenset("(){}|+?")
# Both syntaxes: GNU's word-boundary escapes, which RE2 spells \b.
_ESCAPES = {"<": r"\b", ">": r"\b"}
_BACKREFS = frozenset("123456789")


def translate(pattern: str, *, extended: bool) -> str:
    """``pattern`` (POSIX BRE, or ERE when ``extended``) in RE2 syntax; RegexError for a
    back-reference."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "[":
            end = _bracket_end(pattern, i)
            out.append(_bracket(pattern[i:end]))
            i = end
            continue
        if c == "\\" and i + 1 < n:
            out.append(_escape(pattern[i + 1], extended))
            i += 2
            continue
        out.append(_bare(pattern, i, extended, out))
        i += 1
    return "".join(out)


def _escape(nxt: str, extended: bool) -> str:
    if nxt in _BACKREFS:
        raise RegexError(
            f"back-references such as \\{nxt} are not supported (they can take exponential time)"
        )
    if nxt in _ESCAPES:
        return _ESCAPES[nxt]
    if not extended and nxt in _BRE_OPERATORS:
        return nxt
    return "\\" + nxt


def _bare(pattern: str, i: int, extended: bool, out: list[str]) -> str:
    c = pattern[i]
    at_start = not out or out[-1] in ("(", "|", "^")
    if c == "*" and at_start:
        return r"\*"  # POSIX: a leading star is literal
    if not extended and c in _BRE_OPERATORS:
        return "\\" + c
    if extended and c == "{" and pattern.startswith("{,", i):
        return "{0"  # GNU's {,n} is {0,n}
    return c


def _bracket_end(pattern: str, start: int) -> int:
    """Index after the bracket expression opened at ``start`` (``]`` first is literal, and
    ``[:alpha:]`` inside is a class); an unclosed one runs to the end (RE2 then reports it)."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern):
        if pattern[i] == "[" and pattern[i + 1 : i + 2] in (":", "=", "."):
            close = pattern.find(pattern[i + 1] + "]", i + 2)
            i = close + 2 if close >= 0 else len(pattern)
            continue
        if pattern[i] == "]":
            return i + 1
        i += 1
    return len(pattern)


def _bracket(text: str) -> str:
    """A bracket expression: a backslash inside is literal in POSIX, an escape in RE2."""
    return text.replace("\\", "\\\\")


@dataclass(frozen=True, slots=True)
class Matcher:
    """A compiled grep pattern: ``search`` finds the next match in a line, as (start, end)."""

    regex: re2._Regexp
    word: bool

    def search(self, line: str, pos: int = 0) -> tuple[int, int] | None:
        match = self.regex.search(line, pos)
        if match is None:
            return None
        return match.span(1)

    def matches(self, line: str) -> list[str]:
        """Every non-overlapping match, left to right (what ``grep -o`` prints)."""
        found, pos = [], 0
        while pos <= len(line):
            span = self.search(line, pos)
            if span is None:
                break
            start, end = span
            if end > start:
                found.append(line[start:end])
            pos = end if end > start else end + 1
        return found


def compile_grep(
    patterns: list[str], *, extended: bool, fixed: bool, ignore_case: bool, word: bool, line: bool
) -> Matcher:
    """One matcher for grep's patterns (any of them matches); RegexError with grep's message."""
    sources = []
    for pattern in patterns:
        for part in pattern.split("\n"):
            sources.append(re2.escape(part) if fixed else translate(part, extended=extended))
    body = "|".join(f"(?:{s})" for s in sources)
    if line:
        body = f"^(?:{body})$"
    # -w: preceded by the start or a non-word character, followed by one or the end; the
    # boundary characters stay outside group 1, and the next search starts at group 1's end.
    source = rf"(?:^|\W)({body})(?:\W|$)" if word else f"({body})"
    options = re2.Options()
    options.longest_match = True
    options.log_errors = False
    options.case_sensitive = not ignore_case
    try:
        return Matcher(re2.compile(source, options), word)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else b""
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        if "too large" in reason or "repetition size" in reason:
            raise RegexError("regular expression too big") from None
        raise RegexError("Invalid regular expression") from None
