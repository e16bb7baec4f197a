"""Shell execution: a parsed line runs as an interactive bash would run it.

Nothing is executed for real: each simple command's words are expanded (variables, ``$(...)``,
word splitting), redirections (``>``, ``>>``, ``<``, ``2>``, ``2>&1``, ``&>``) are applied to
the host's virtual files, and the command is dispatched to the registry in ``commands/``.
Errors are bash's interactive ones (``bash: ipp: command not found``, 127).

Every value a line can grow is bounded (``limits.py``): the words of one command once expanded
(``MAX_EXPANSION``, bash's "Argument list too long"), each variable and the whole environment
(``environment.py``), what one pipeline stage hands the next (``MAX_PIPE``) and the output
(``MAX_OUTPUT``). Each simple command spends a step of the active budget (``budget.py``).
"""

from __future__ import annotations

import inspect
import logging
from typing import TYPE_CHECKING

from .. import budget, commands, files
from ..environment import assign
from ..errors import BudgetExceeded, CommandError
from ..limits import MAX_ARGS, MAX_COMMANDS, MAX_EXPANSION, MAX_LINE, MAX_OUTPUT, MAX_PIPE
from ..result import Result
from .syntax import HOME, ShellSyntaxError, Simple, Word, is_assignment, parse, tokenize

if TYPE_CHECKING:
    from ..model import Host
    from ..topology import Topology

log = logging.getLogger(__name__)

BUILTINS_WRITING = {"echo", "printf"}  # bash builtins: their write errors read "bash: echo: ..."
SUDO_USAGE = (
    "usage: sudo -h | -K | -k | -V\n"
    "usage: sudo -v [-ABkNnS] [-g group] [-h host] [-p prompt] [-u user]\n"
    "usage: sudo -l [-ABkNnS] [-g group] [-h host] [-p prompt] [-U user] [-u user] [command]\n"
    "usage: sudo [-ABbEHkNnPS] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R\n"
    "            directory] [-T timeout] [-u user] [VAR=value] [-i|-s] [<command>]\n"
    "usage: sudo -e [-ABkNnS] [-C num] [-D directory] [-g group] [-h host] [-p prompt] [-R\n"
    "            directory] [-T timeout] [-u user] file ..."
)
STDOUT, STDERR = "\0stdout", "\0stderr"  # the shell's own outputs, as redirect targets
TRUNCATED = "\n[output truncated by the simulator]\n"
MAX_SUBSTITUTION_DEPTH = 4  # $( $( $( $( ) ) ) ) at most
OVER_BUDGET_STATUS = 152  # 128 + SIGXCPU: what bash reports for a process past `ulimit -t`


class TooLong(Exception):
    """One command's words grew past MAX_EXPANSION while being expanded."""


class Shell:
    """Runs one line for ``host``; keeps ``$?`` across the commands of the line."""

    def __init__(self, net: Topology, host: Host, depth: int = 0) -> None:
        self.net = net
        self.host = host
        self.depth = depth
        self.last_status = 0
        self.side_errors: list[str] = []  # stderr of command substitutions

    def variable(self, name: str) -> str:
        if name == "?":
            return str(self.last_status)
        if name in self.host.env:
            return self.host.env[name]
        defaults = {"HOME": HOME, "USER": "root", "LOGNAME": "root", "UID": "0", "EUID": "0",
                    "PWD": HOME, "SHELL": "/bin/bash", "HOSTNAME": self.host.name}  # fmt: skip
        return defaults.get(name, "")

    def substitute(self, command: str) -> str:
        """`$(command)`: its stdout without trailing newlines; its errors reach the terminal."""
        if self.depth >= MAX_SUBSTITUTION_DEPTH:
            self.side_errors.append("bash: command substitution nested too deeply\n")
            return ""
        inner = Shell(self.net, self.host, self.depth + 1)
        result = inner.run_line(command)
        self.side_errors.append(result.stderr)
        return result.stdout.rstrip("\n")

    def expand(self, word: Word) -> str | None:
        """The word as one string (redirection targets); None when it expands to nothing."""
        fields = self.fields(word, split=False)
        return fields[0] if fields else None

    def fields(self, word: Word, *, split: bool = True, room: int = MAX_EXPANSION) -> list[str]:
        """bash's expansion of one word: variables and $(...) replaced; the results of
        unquoted ones split on blanks; an unquoted empty expansion leaves no word. TooLong once
        the word's text passes ``room`` characters."""
        first = word.parts[0] if word.parts else ("lit", "")
        if first[0] == "lit" and is_assignment(first[1]):
            split = False  # X=$(cmd) keeps its spaces
        out: list[str] = [""]
        has_text = word.quoted
        grown = 0
        for kind, text in word.parts:
            value = text if kind == "lit" else self.value(kind, text)
            grown += len(value)
            if grown > room:
                raise TooLong
            if kind == "lit":
                has_text = True
            if kind in ("lit", "qvar", "qcmd") or not split:
                out[-1] += value
            elif value.split():
                _split_into(out, value, has_text)
                has_text = True
        if out and out[-1] == "" and len(out) > 1:
            out.pop()
        if out == [""] and not has_text:
            return []
        return out

    def value(self, kind: str, text: str) -> str:
        return self.substitute(text) if kind in ("cmd", "qcmd") else self.variable(text)

    def argv(self, words: list[Word]) -> list[str]:
        """Every word expanded; TooLong past MAX_EXPANSION characters in all."""
        argv: list[str] = []
        room = MAX_EXPANSION
        for word in words:
            budget.spend(1, "expanding words")
            for piece in self.fields(word, room=room):
                room -= len(piece) + 1
                argv.append(piece)
        return argv

    def run_line(self, line: str) -> Result:
        try:
            chain = parse(tokenize(line))
        except ShellSyntaxError as exc:
            return Result.error(f"bash: {exc}", 2)
        stdout: list[str] = []
        stderr: list[str] = []
        trace = None
        for connector, pipeline in chain:
            if connector == "&&" and self.last_status != 0:
                continue
            if connector == "||" and self.last_status == 0:
                continue
            result = self.run_pipeline(pipeline)
            stdout.append(result.stdout)
            stderr.append(result.stderr)
            if result.trace is not None:
                trace = result.trace
            self.last_status = result.status
        return Result(_cap("".join(stdout)), _cap("".join(stderr)), self.last_status, trace)

    def run_pipeline(self, pipeline: list[Simple]) -> Result:
        stdin = ""
        errors: list[str] = []
        result = Result()
        for simple in pipeline:
            budget.spend(1, "running a pipeline")
            result = self.run_simple(simple, stdin)
            errors.append(result.stderr)
            stdin = result.stdout[:MAX_PIPE]  # a pipe holds so much; the rest is not read
        return Result(result.stdout, "".join(errors), result.status, result.trace)

    def run_simple(self, simple: Simple, stdin: str) -> Result:
        try:
            argv = self.argv(simple.words)
        except TooLong:
            name = simple.words[0].literal() or "bash"
            return Result.error(
                f"bash: {name}: Argument list too long (the simulator expands at most "
                f"{MAX_EXPANSION} characters of arguments)",
                126,
            )
        if len(argv) > MAX_ARGS:
            return Result.error(f"bash: too many arguments (the simulator allows {MAX_ARGS})", 2)
        assignments = {}
        while argv and is_assignment(argv[0]):
            name, _, value = argv.pop(0).partition("=")
            assignments[name] = value
        opened = self.redirect(simple, stdin)
        if isinstance(opened, Result):
            return opened
        fds, stdin = opened
        side = "".join(self.side_errors)
        self.side_errors = []
        if not argv:
            return self.assign(assignments, side)
        result = self.dispatch(argv, stdin, assignments)
        return self.route_output(argv[0], result, fds, side)

    def redirect(self, simple: Simple, stdin: str) -> Result | tuple[dict[int, str], str]:
        """Open the redirections, left to right: (fds, stdin), or the error that stops the
        command. ``2>&1`` makes fd 2 point where fd 1 points at that moment (so ``>f 2>&1``
        and ``2>&1 >f`` differ)."""
        fds = {1: STDOUT, 2: STDERR}  # a file path, or where the shell's own fds go
        for op, target in simple.redirects:
            if op == "2>&1":
                fds[2] = fds[1]
                continue
            path = self.expand(target) if target is not None else None
            if path is None:
                return Result.error("bash: ambiguous redirect", 1)
            if op == "<":
                try:
                    stdin = files.read(self.host, path) if path != "/dev/null" else ""
                except files.FileError as exc:
                    return Result.error(f"bash: {path}: {exc.reason}", 1)
                continue
            error = self.open_for_writing(path, op.endswith(">>"))
            if error is not None:
                return error
            if op in (">", ">>", "&>", "&>>"):
                fds[1] = path
            if op in ("2>", "2>>", "&>", "&>>"):
                fds[2] = path
        return fds, stdin

    def assign(self, assignments: dict[str, str], side: str) -> Result:
        """``NAME=value`` alone on a command: the shell's variables change (within bounds)."""
        for name, value in assignments.items():
            refused = assign(self.host.env, name, value)
            if refused is not None:
                return Result("", f"{side}bash: {refused}\n", 1)
        return Result("", side, 0)

    def route_output(self, name: str, result: Result, fds: dict[int, str], side: str) -> Result:
        """Send the command's stdout and stderr where the redirections point."""
        streams: dict[str, list[str]] = {STDOUT: [], STDERR: []}
        streams.setdefault(fds[1], []).append(result.stdout)
        streams.setdefault(fds[2], []).append(side + result.stderr)
        status = result.status
        for path, chunks in streams.items():
            if path in (STDOUT, STDERR):
                continue
            failure = self.write(path, "".join(chunks), True)
            if failure is not None and path == fds[1]:
                who = f"bash: {name}" if name in BUILTINS_WRITING else name
                streams[STDERR].append(f"{who}: write error: {failure}\n")
                status = 1
        return Result("".join(streams[STDOUT]), "".join(streams[STDERR]), status, result.trace)

    def open_for_writing(self, path: str, append: bool) -> Result | None:
        if path == "/dev/null":
            return None
        try:
            if not append:
                if files.normalize(path) == files.IP_FORWARD:
                    return None  # procfs ignores O_TRUNC; the write is what counts
                files.write(self.host, path, "", append=False)
            elif not files.exists(self.host, path):
                files.write(self.host, path, "", append=True)
        except files.FileError as exc:
            return Result.error(f"bash: {path}: {exc.reason}", 1)
        return None

    def write(self, path: str, text: str, append: bool) -> str | None:
        """Write after the command ran; returns strerror of a failed write (procfs EINVAL)."""
        if path == "/dev/null" or (not text and files.normalize(path) != files.IP_FORWARD):
            return None
        try:
            files.write(self.host, path, text, append=append)
        except files.FileError as exc:
            return exc.reason
        return None

    def dispatch(self, argv: list[str], stdin: str, assignments: dict[str, str]) -> Result:
        while argv and argv[0] == "sudo":  # the learner is root already: sudo just runs it
            argv = argv[1:]
            while argv and argv[0] in ("-E", "-H", "-n", "-S", "--"):
                argv = argv[1:]
            if not argv:
                return Result.error(SUDO_USAGE, 1)
        name = argv[0]
        fn = commands.lookup(name)
        if fn is None:
            if "/" in name:
                return Result.error(f"bash: {name}: No such file or directory", 127)
            return Result.error(f"bash: {name}: command not found", 127)
        saved = dict(self.host.env)
        self.host.env.update(assignments)
        try:
            if _accepts_stdin(fn):
                result = fn(argv, self.host, self.net, stdin=stdin)
            else:
                result = fn(argv, self.host, self.net)
        except CommandError as exc:
            result = Result("", exc.stderr, exc.status)
        except BudgetExceeded as exc:
            exc.command = exc.command or name  # the command that was running, for the message
            raise
        except Exception:  # a simulator bug must never reach the learner as a traceback
            log.exception("command %r failed", argv)
            result = Result.error(f"{name}: internal simulator error (please report it)", 1)
        finally:
            if assignments:
                self.host.env.clear()
                self.host.env.update(saved)
        return result


def _split_into(out: list[str], value: str, has_text: bool) -> None:
    """Word splitting: ``value``'s blank-separated pieces continue the current field, then
    start new ones; a leading blank ends a field that has text, a trailing one ends the last."""
    pieces = value.split()
    if value[:1].isspace() and (out[-1] or has_text):
        out.append("")
    out[-1] += pieces[0]
    out += pieces[1:]
    if value[-1:].isspace():
        out.append("")


_STDIN_CACHE: dict[object, bool] = {}


def _accepts_stdin(fn) -> bool:
    if fn not in _STDIN_CACHE:
        try:
            _STDIN_CACHE[fn] = "stdin" in inspect.signature(fn).parameters
        except (TypeError, ValueError):
            _STDIN_CACHE[fn] = False
    return _STDIN_CACHE[fn]


def _cap(text: str) -> str:
    if len(text) <= MAX_OUTPUT:
        return text
    return text[:MAX_OUTPUT] + TRUNCATED


def run(net: Topology, host: Host, line: str) -> Result:
    """Run one command line typed on ``host``: the simulator's whole shell."""
    if len(line) > MAX_LINE:
        return Result.error(
            f"bash: command line too long: {len(line)} characters "
            f"(the simulator accepts at most {MAX_LINE})",
            2,
        )
    if net.commands_run >= MAX_COMMANDS:
        return Result.error(
            f"bash: this workspace has run its {MAX_COMMANDS} commands; reset it to go on", 1
        )
    net.commands_run += 1
    commands.discover()  # a cold process imports every command first: not the learner's time
    try:
        with budget.limit(budget.COMMAND) as meter:
            return Shell(net, host).run_line(line)
    except BudgetExceeded as exc:
        if exc.meter is not meter:
            raise  # a caller's budget (validation...) ran out: that caller answers
        log.warning("command over its budget on %s: %r: %s", host.name, line, exc)
        return over_budget(exc, line)


def over_budget(exc: BudgetExceeded, line: str) -> Result:
    """What the terminal shows for a command stopped by its budget: like bash for a process
    killed by its CPU limit, status 152, naming the command and what it was doing."""
    name = exc.command or (line.split() or ["bash"])[0]
    spent = exc.budget
    amount = f"{spent.seconds:g} s of CPU time" if exc.kind == "time" else f"{spent.steps} steps"
    doing = f" while {exc.what}" if exc.what else ""
    return Result.error(
        f"bash: {name}: resource limit exceeded (the simulator stops a command after "
        f"{amount}){doing}",
        OVER_BUDGET_STATUS,
    )
