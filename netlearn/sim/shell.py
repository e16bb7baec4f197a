"""One command line -> words -> registered commands, as an interactive bash would run it.

Nothing is executed: the line is tokenised (quotes, backslashes, ``$VAR``, comments), split on
``;``, ``&&``, ``||`` and ``|``, redirections (``>``, ``>>``, ``<``, ``2>``, ``2>&1``, ``&>``) are
applied to the host's virtual files, and each command is dispatched to the registry in
``commands/``. Errors are bash's interactive ones (``bash: ipp: command not found``, 127).
"""

from __future__ import annotations

import inspect
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import commands, files
from .errors import CommandError
from .limits import MAX_ARGS, MAX_COMMANDS, MAX_LINE, MAX_OUTPUT
from .result import Result

if TYPE_CHECKING:
    from .model import Host
    from .topology import Topology

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
OPERATORS = ("2>&1", "2>>", "&>>", "&&", "||", ">>", "2>", "&>", ";", "|", "&", ">", "<", "\n")
REDIRECTS = {">", ">>", "<", "2>", "2>>", "&>", "&>>"}


HOME = "/root"
MAX_SUBSTITUTION_DEPTH = 4  # $( $( $( $( ) ) ) ) at most
_BLANKS = re.compile(r"[ \t]+")
_SPECIAL = re.compile(r"[\'\"\\$#;&|<>\n`~]|(?:^|\s)2>")


class ShellSyntaxError(Exception):
    pass


@dataclass
class Word:
    """A word as parts: ("lit", text) or ("var", name); ``quoted`` keeps empty words alive."""

    parts: list[tuple[str, str]] = field(default_factory=list)
    quoted: bool = False

    def add(self, kind: str, text: str) -> None:
        if kind == "lit" and self.parts and self.parts[-1][0] == "lit":
            self.parts[-1] = ("lit", self.parts[-1][1] + text)
        else:
            self.parts.append((kind, text))

    def literal(self) -> str | None:
        """The text if the word has no expansion (used to recognise assignments)."""
        if all(kind == "lit" for kind, _ in self.parts):
            return "".join(text for _, text in self.parts)
        return None


def tokenize(line: str) -> list[Word | str]:
    """Words and operator strings. Raises ShellSyntaxError with bash's message."""
    if not _SPECIAL.search(line):  # the common case: plain words
        return [Word([("lit", w)]) for w in _BLANKS.split(line) if w]
    tokens: list[Word | str] = []
    word: Word | None = None
    i, n = 0, len(line)

    def current() -> Word:
        nonlocal word
        if word is None:
            word = Word()
        return word

    def finish() -> None:
        nonlocal word
        if word is not None:
            tokens.append(word)
            word = None

    while i < n:
        c = line[i]
        if c in " \t":
            finish()
            i += 1
        elif c == "#" and word is None:
            break
        elif c == "'":
            end = line.find("'", i + 1)
            if end < 0:
                raise ShellSyntaxError("unexpected EOF while looking for matching `''")
            w = current()
            w.quoted = True
            w.add("lit", line[i + 1 : end])
            i = end + 1
        elif c == '"':
            w = current()
            w.quoted = True
            i += 1
            while True:
                if i >= n:
                    raise ShellSyntaxError("unexpected EOF while looking for matching `\"'")
                c = line[i]
                if c == '"':
                    i += 1
                    break
                if c == "\\" and i + 1 < n and line[i + 1] in '"\\$`':
                    w.add("lit", line[i + 1])
                    i += 2
                elif c == "$":
                    i = _variable(line, i, w, quoted=True)
                elif c == "`":
                    end = _substitution(line, i + 1, "`")
                    w.add("qcmd", line[i + 1 : end])
                    i = end + 1
                else:
                    w.add("lit", c)
                    i += 1
        elif c == "\\":
            if i + 1 < n:
                current().add("lit", line[i + 1])
                current().quoted = True
            i += 2
        elif c == "$":
            i = _variable(line, i, current())
        elif c == "`":
            end = _substitution(line, i + 1, "`")
            current().add("cmd", line[i + 1 : end])
            i = end + 1
        elif c == "~" and word is None and (i + 1 == n or line[i + 1] in "/ \t;|&<>"):
            current().add("lit", HOME)
            i += 1
        elif c in ";&|<>\n" or (c == "2" and word is None and line.startswith("2>", i)):
            finish()
            for op in OPERATORS:
                if line.startswith(op, i):
                    tokens.append(";" if op == "\n" else op)
                    i += len(op)
                    break
        else:
            current().add("lit", c)
            i += 1
    finish()
    return tokens


def _substitution(line: str, start: int, closer: str) -> int:
    """Index of the ``closer`` ending a command substitution opened before ``start``."""
    depth, i, quote = 0, start, ""
    while i < len(line):
        c = line[i]
        if quote:
            if c == quote:
                quote = ""
            elif c == "\\" and quote == '"':
                i += 1
        elif c in "'\"" and closer == ")":
            quote = c
        elif c == "\\":
            i += 1
        elif closer == ")" and c == "(":
            depth += 1
        elif c == closer:
            if depth == 0:
                return i
            depth -= 1
        i += 1
    raise ShellSyntaxError(f"unexpected EOF while looking for matching `{closer}'")


def _variable(line: str, i: int, word: Word, *, quoted: bool = False) -> int:
    """Parse ``$NAME``, ``${NAME}``, ``$?`` or ``$(command)`` at line[i] into ``word``; return
    the next index. Inside double quotes the parts are "qvar"/"qcmd" (no word splitting)."""
    n = len(line)
    var, cmd = ("qvar", "qcmd") if quoted else ("var", "cmd")
    if i + 1 < n and line[i + 1] == "(":
        end = _substitution(line, i + 2, ")")
        word.add(cmd, line[i + 2 : end])
        return end + 1
    if i + 1 < n and line[i + 1] == "?":
        word.add(var, "?")
        return i + 2
    if i + 1 < n and line[i + 1] == "{":
        end = line.find("}", i + 2)
        name = line[i + 2 : end] if end > 0 else ""
        if end > 0 and name.replace("_", "a").isalnum() and not name[0].isdigit():
            word.add(var, name)
            return end + 1
        word.add("lit", "$")
        return i + 1
    j = i + 1
    while j < n and (line[j].isalnum() or line[j] == "_"):
        j += 1
    if j == i + 1 or line[i + 1].isdigit():
        word.add("lit", "$")
        return i + 1
    word.add(var, line[i + 1 : j])
    return j


@dataclass
class Simple:
    words: list[Word] = field(default_factory=list)
    redirects: list[tuple[str, Word | None]] = field(default_factory=list)


def parse(tokens: list[Word | str]) -> list[tuple[str, list[Simple]]]:
    """[(connector, pipeline)], connector being the operator before it ("" for the first)."""
    chain: list[tuple[str, list[Simple]]] = []
    pipeline: list[Simple] = []
    simple = Simple()
    connector = ""
    i = 0

    def empty(s: Simple) -> bool:
        return not s.words and not s.redirects

    while i < len(tokens):
        tok = tokens[i]
        if isinstance(tok, Word):
            simple.words.append(tok)
        elif tok in REDIRECTS:
            target = tokens[i + 1] if i + 1 < len(tokens) else None
            if not isinstance(target, Word):
                shown = (
                    "newline"
                    if target is None or target == ";" and i + 2 >= len(tokens)
                    else target
                )
                raise ShellSyntaxError(f"syntax error near unexpected token `{shown}'")
            simple.redirects.append((tok, target))
            i += 1
        elif tok == "2>&1":
            simple.redirects.append((tok, None))
        else:  # ; && || | &
            if empty(simple):
                if tok in (";", "&") and not pipeline and i == len(tokens) - 1 and chain:
                    break
                raise ShellSyntaxError(f"syntax error near unexpected token `{tok}'")
            pipeline.append(simple)
            simple = Simple()
            if tok != "|":
                chain.append((connector, pipeline))
                pipeline = []
                connector = tok
        i += 1
    if empty(simple):
        if pipeline or connector in ("&&", "||"):
            raise ShellSyntaxError("syntax error: unexpected end of file")
    else:
        pipeline.append(simple)
        chain.append((connector, pipeline))
    return chain


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

    def fields(self, word: Word, *, split: bool = True) -> list[str]:
        """bash's expansion of one word: variables and $(...) replaced; the results of
        unquoted ones split on blanks; an unquoted empty expansion leaves no word."""
        first = word.parts[0] if word.parts else ("lit", "")
        if first[0] == "lit" and _is_assignment(first[1]):
            split = False  # X=$(cmd) keeps its spaces
        out: list[str] = [""]
        has_text = word.quoted
        for kind, text in word.parts:
            if kind == "lit":
                out[-1] += text
                has_text = True
                continue
            value = self.substitute(text) if kind in ("cmd", "qcmd") else self.variable(text)
            if kind in ("qvar", "qcmd") or not split:
                out[-1] += value
                continue
            pieces = value.split()
            if not pieces:
                continue
            if value[:1].isspace() and (out[-1] or has_text):
                out.append("")
            out[-1] += pieces[0]
            for piece in pieces[1:]:
                out.append(piece)
            has_text = True
            if value[-1:].isspace():
                out.append("")
        if out and out[-1] == "" and len(out) > 1:
            out.pop()
        if out == [""] and not has_text:
            return []
        return out

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
            result = self.run_simple(simple, stdin)
            errors.append(result.stderr)
            stdin = result.stdout
        return Result(result.stdout, "".join(errors), result.status, result.trace)

    def run_simple(self, simple: Simple, stdin: str) -> Result:
        argv = [field for w in simple.words for field in self.fields(w)]
        if len(argv) > MAX_ARGS:
            return Result.error(f"bash: too many arguments (the simulator allows {MAX_ARGS})", 2)
        assignments = {}
        while argv and _is_assignment(argv[0]):
            name, _, value = argv.pop(0).partition("=")
            assignments[name] = value
        # Redirections are opened before the command runs, left to right; `2>&1` makes fd 2
        # point where fd 1 points at that moment (so `>f 2>&1` and `2>&1 >f` differ).
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
        side = "".join(self.side_errors)
        self.side_errors = []
        if not argv:
            if assignments:
                self.host.env.update(assignments)
            return Result("", side, 0)
        result = self.dispatch(argv, stdin, assignments)
        streams: dict[str, list[str]] = {STDOUT: [], STDERR: []}
        streams.setdefault(fds[1], []).append(result.stdout)
        streams.setdefault(fds[2], []).append(side + result.stderr)
        status = result.status
        for path, chunks in streams.items():
            if path in (STDOUT, STDERR):
                continue
            failure = self.write(path, "".join(chunks), True)
            if failure is not None and path == fds[1]:
                who = f"bash: {argv[0]}" if argv[0] in BUILTINS_WRITING else argv[0]
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
        except Exception:  # a simulator bug must never reach the learner as a traceback
            log.exception("command %r failed", argv)
            result = Result.error(f"{name}: internal simulator error (please report it)", 1)
        finally:
            if assignments:
                self.host.env.clear()
                self.host.env.update(saved)
        return result


def _is_assignment(word: str) -> bool:
    name, eq, _ = word.partition("=")
    return bool(eq) and bool(name) and name.replace("_", "a").isalnum() and not name[0].isdigit()


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
    return Shell(net, host).run_line(line)
