"""cat, echo, printf, tee, grep, head, tail, wc, true, false, clear: enough of coreutils and bash
to read and edit /etc files."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import budget, files, regex
from ..limits import MAX_OUTPUT, MAX_PRINTF_WIDTH
from ..result import Result
from . import command, decimal

if TYPE_CHECKING:
    from ..model import Host
    from ..topology import Topology

# cat's option letters and what each turns on. -v, -s, -u and -b are accepted and change
# nothing here; a long option (--number...) is accepted and ignored.
_CAT_FLAGS: dict[str, frozenset[str]] = {
    "n": frozenset({"number"}),
    "A": frozenset({"ends", "tabs"}),
    "E": frozenset({"ends"}),
    "e": frozenset({"ends"}),
    "T": frozenset({"tabs"}),
    "t": frozenset({"tabs"}),
    **dict.fromkeys("vsub", frozenset()),
}


def _cat_options(argv: list[str]) -> tuple[set[str], list[str]] | Result:
    """(settings from ``_CAT_FLAGS``, file names) of cat's arguments, or the error for the
    first unknown letter; after ``--`` every word is a file name."""
    settings: set[str] = set()
    names: list[str] = []
    options_done = False
    for arg in argv[1:]:
        if options_done or arg == "-" or not arg.startswith("-"):
            names.append(arg)
        elif arg == "--":
            options_done = True
        elif not arg.startswith("--"):
            for flag in arg[1:]:
                if flag not in _CAT_FLAGS:
                    return Result.error(
                        f"cat: invalid option -- '{flag}'\nTry 'cat --help' for more information.",
                        1,
                    )
                settings |= _CAT_FLAGS[flag]
    return settings, names


def _cat_shown(text: str, settings: set[str]) -> str:
    """-T (tabs as ^I), -E (a $ before each newline), then -n (numbered lines)."""
    if "tabs" in settings:
        text = text.replace("\t", "^I")
    if "ends" in settings:
        text = text.replace("\n", "$\n")
    if "number" in settings:
        lines = text.splitlines(keepends=True)
        text = "".join(f"{k:>6}\t{line}" for k, line in enumerate(lines, 1))
    return text


@command("cat")
def cat(argv: list[str], host: Host, net: Topology, stdin: str = "") -> Result:
    """`cat [FILE...]`: concatenates; each missing file is an error, status 1."""
    parsed = _cat_options(argv)
    if isinstance(parsed, Result):
        return parsed
    settings, names = parsed
    out: list[str] = []
    errors: list[str] = []
    for name in names or ["-"]:
        if name == "-":
            out.append(stdin)
            continue
        try:
            out.append(files.read(host, name))
        except files.FileError as exc:
            errors.append(f"cat: {name}: {exc.reason}\n")
    return Result(_cat_shown("".join(out), settings), "".join(errors), 1 if errors else 0)


def _echo_escapes(text: str) -> str:
    replacements = {"\\n": "\n", "\\t": "\t", "\\\\": "\\", "\\a": "\a", "\\r": "\r"}
    out, i = [], 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in replacements:
            out.append(replacements[pair])
            i += 2
        elif pair == "\\c":
            break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@command("echo")
def echo(argv: list[str], host: Host, net: Topology) -> Result:
    """bash's builtin echo: -n (no newline), -e (escapes), -E; other words are printed."""
    args = argv[1:]
    newline, escapes = True, False
    while args and args[0].startswith("-") and len(args[0]) > 1 and set(args[0][1:]) <= set("neE"):
        flags = args.pop(0)[1:]
        newline = newline and "n" not in flags
        for flag in flags:
            if flag == "e":
                escapes = True
            elif flag == "E":
                escapes = False
    text = " ".join(args)
    if escapes:
        text = _echo_escapes(text)
    return Result(text + ("\n" if newline else ""))


@command("tee")
def tee(argv: list[str], host: Host, net: Topology, stdin: str = "") -> Result:
    """`tee [-a] FILE...`: copies stdin to the files and to stdout."""
    args = argv[1:]
    append = False
    names = []
    for arg in args:
        if arg in ("-a", "--append"):
            append = True
        else:
            names.append(arg)
    errors = []
    for name in names:
        try:
            files.write(host, name, stdin, append=append)
        except files.FileError as exc:
            errors.append(f"tee: {name}: {exc.reason}\n")
    return Result(stdin, "".join(errors), 1 if errors else 0)


@command("true")
def true(argv: list[str], host: Host, net: Topology) -> Result:
    return Result()


@command("false")
def false(argv: list[str], host: Host, net: Topology) -> Result:
    return Result(status=1)


@command("clear")
def clear(argv: list[str], host: Host, net: Topology) -> Result:
    """The web terminal clears its log when it sees this command; nothing to print here."""
    return Result()


# A conversion: flags, width, precision, then the conversion character (bash's printf).
_SPEC = re.compile(r"%([-+ #0]*)([0-9]*)(?:\.([0-9]*))?([a-zA-Z%]?)")
_INTEGER = {"d": "d", "i": "d", "x": "x", "X": "X", "o": "o"}


class _TooWide(Exception):
    """A printf field width or precision past MAX_PRINTF_WIDTH."""


def _convert(flags: str, width: str, precision: str | None, conv: str, arg: str) -> str:
    """One conversion; widths are bounded before anything is allocated."""
    for digits in (width, precision or ""):
        if len(digits) > 6 or (digits and int(digits) > MAX_PRINTF_WIDTH):
            raise _TooWide(digits)
    spec = "%" + flags + width + ("" if precision is None else "." + precision)
    if conv == "s":
        return (spec + "s") % arg
    if conv == "c":
        return arg[:1]
    try:
        number = int(arg or "0", 0)
    except ValueError:
        number = 0
    return (spec + _INTEGER[conv]) % number


def _printf_format(fmt: str, args: list[str]) -> str:
    """bash's printf: escapes, %s %d %i %c %x %o %%; the format is reused for extra arguments
    (until the output passes MAX_OUTPUT, which the shell would cut anyway)."""
    out: list[str] = []
    size, index = 0, 0
    while True:
        consumed = False
        for literal, match in _printf_pieces(fmt):
            if match is None:
                out.append(_echo_escapes(literal))
            elif match.group(4) == "%":
                out.append("%")
            elif match.group(4) in "sdicxXo" and match.group(4):
                arg = args[index] if index < len(args) else ""
                index, consumed = index + 1, True
                flags, width, precision, conv = match.group(1, 2, 3, 4)
                out.append(_convert(flags, width, precision, conv, arg))
            else:
                out.append(match.group(0))
            size += len(out[-1])
        if not consumed or index >= len(args) or size > MAX_OUTPUT:
            break
    return "".join(out)


def _printf_pieces(fmt: str):
    """The format as (literal text, None) and ("", conversion match) pieces, in order."""
    pos = 0
    for match in _SPEC.finditer(fmt):
        if match.start() > pos:
            yield fmt[pos : match.start()], None
        yield "", match
        pos = match.end()
    if pos < len(fmt):
        yield fmt[pos:], None


@command("printf")
def printf(argv: list[str], host: Host, net: Topology) -> Result:
    """bash's builtin printf FORMAT [ARGUMENTS...]."""
    args = argv[1:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        return Result.error("printf: usage: printf [-v var] format [arguments]", 2)
    try:
        return Result(_printf_format(args[0], args[1:]))
    except _TooWide as exc:
        return Result.error(
            f"bash: printf: {exc}: resource limit exceeded (the simulator allows field widths "
            f"and precisions up to {MAX_PRINTF_WIDTH})",
            1,
        )


def _read_inputs(
    names: list[str], host: Host, stdin: str, tool: str
) -> tuple[list[tuple[str, str]], list[str]]:
    """[(name, text)] and error lines for a text tool reading files or stdin."""
    inputs, errors = [], []
    for name in names or ["-"]:
        if name == "-":
            inputs.append(("(standard input)", stdin))
            continue
        try:
            inputs.append((name, files.read(host, name)))
        except files.FileError as exc:
            errors.append(f"{tool}: {name}: {exc.reason}\n")
    return inputs, errors


GREP_FLAGS = "ivcnqEFwxohHlsr"
GREP_USAGE = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information."


def _grep_options(args: list[str]) -> tuple[set[str], list[str], list[str]] | Result:
    """(flags, patterns, file names) of grep's arguments, or the usage error."""
    flags: set[str] = set()
    words: list[str] = []
    patterns: list[str] = []
    k = 0
    while k < len(args):
        arg = args[k]
        if arg == "--":
            words += args[k + 1 :]
            break
        if arg == "-e" and k + 1 < len(args):
            patterns.append(args[k + 1])
            k += 1
        elif arg.startswith("-") and len(arg) > 1:
            bad = [flag for flag in arg[1:] if flag not in GREP_FLAGS]
            if bad:
                return Result.error(f"grep: invalid option -- '{bad[0]}'\n{GREP_USAGE}", 2)
            flags.update(arg[1:])
        else:
            words.append(arg)
        k += 1
    if not patterns:
        if not words:
            return Result.error(GREP_USAGE, 2)
        patterns = [words.pop(0)]
    return flags, patterns, words


def _grep_text(
    matcher: regex.Matcher, flags: set[str], text: str, prefix: str
) -> tuple[list[str], int]:
    """What grep prints for one input, and how many lines it selected (``-c``, ``-l`` and
    ``-q`` print nothing here)."""
    out: list[str] = []
    quiet = bool(flags & {"q", "c", "l"})
    selected = 0
    for number, line in enumerate(text.splitlines(), 1):
        budget.spend(1 + len(line) // 256, "reading lines of input")
        if (matcher.search(line) is not None) == ("v" in flags):
            continue
        selected += 1
        if quiet:
            continue
        lead = prefix + (f"{number}:" if "n" in flags else "")
        if "o" in flags and "v" not in flags:
            out += [lead + found + "\n" for found in matcher.matches(line)]
        else:
            out.append(lead + line + "\n")
    return out, selected


@command("grep")
def grep(argv: list[str], host: Host, net: Topology, stdin: str = "") -> Result:
    """`grep [-ivcnqEFwxoh] PATTERN [FILE...]`: status 0 on a match, 1 on none, 2 on error."""
    parsed = _grep_options(argv[1:])
    if isinstance(parsed, Result):
        return parsed
    flags, patterns, words = parsed
    try:
        matcher = regex.compile_grep(
            patterns,
            extended="E" in flags,
            fixed="F" in flags,
            ignore_case="i" in flags,
            word="w" in flags,
            line="x" in flags,
        )
    except regex.RegexError as exc:
        return Result.error(f"grep: {exc}", 2)
    inputs, errors = _read_inputs(words, host, stdin, "grep")
    show_names = ("H" in flags or len(inputs) > 1) and "h" not in flags
    out: list[str] = []
    matched = False
    for name, text in inputs:
        prefix = f"{name}:" if show_names else ""
        lines, selected = _grep_text(matcher, flags, text, prefix)
        matched = matched or selected > 0
        if "c" in flags:
            out.append(f"{prefix}{selected}\n")
        elif "l" in flags and selected:
            out.append(name + "\n")
        elif "q" not in flags:
            out += lines
    if "q" in flags:
        return Result("", "", 0 if matched else (2 if errors else 1))
    status = 2 if errors and "s" not in flags else (0 if matched else 1)
    return Result("".join(out), "" if "s" in flags else "".join(errors), status)


def _count_option(argv: list[str], tool: str):
    """`-n N`, `-nN`, `-N` or `--lines=N` for head/tail: (count, files) or an error Result."""
    count, names, k = 10, [], 1
    while k < len(argv):
        arg = argv[k]
        value = None
        if arg == "-n" and k + 1 < len(argv):
            value, k = argv[k + 1], k + 1
        elif arg.startswith("-n"):
            value = arg[2:]
        elif arg.startswith("--lines="):
            value = arg[8:]
        elif arg.startswith("-") and decimal(arg[1:]):
            value = arg[1:]
        elif arg.startswith("-") and len(arg) > 1:
            return Result.error(
                f"{tool}: invalid option -- '{arg[1]}'\nTry '{tool} --help' for more information.",
                1,
            )
        else:
            names.append(arg)
        if value is not None:
            if not re.fullmatch(r"[+-]?[0-9]+", value):
                return Result.error(f"{tool}: invalid number of lines: ‘{value}’", 1)
            count = int(value)
        k += 1
    return count, names


@command("head")
def head(argv: list[str], host: Host, net: Topology, stdin: str = "") -> Result:
    """`head [-n N] [FILE...]`: the first N (10) lines."""
    parsed = _count_option(argv, "head")
    if isinstance(parsed, Result):
        return parsed
    count, names = parsed
    inputs, errors = _read_inputs(names, host, stdin, "head")
    out = []
    for k, (name, text) in enumerate(inputs):
        if len(inputs) > 1:
            out.append(("\n" if k else "") + f"==> {name} <==\n")
        lines = text.splitlines(keepends=True)
        out += lines[:count] if count >= 0 else lines[:count]
    return Result("".join(out), "".join(errors), 1 if errors else 0)


@command("tail")
def tail(argv: list[str], host: Host, net: Topology, stdin: str = "") -> Result:
    """`tail [-n N] [FILE...]`: the last N (10) lines."""
    parsed = _count_option(argv, "tail")
    if isinstance(parsed, Result):
        return parsed
    count, names = parsed
    inputs, errors = _read_inputs(names, host, stdin, "tail")
    out = []
    for k, (name, text) in enumerate(inputs):
        if len(inputs) > 1:
            out.append(("\n" if k else "") + f"==> {name} <==\n")
        lines = text.splitlines(keepends=True)
        out += lines[-abs(count) :] if count else []
    return Result("".join(out), "".join(errors), 1 if errors else 0)


# wc's counts by option letter, in the order it prints them.
_WC_COUNTS: dict[str, Callable[[str], int]] = {
    "l": lambda text: text.count("\n"),
    "w": lambda text: len(text.split()),
    "c": lambda text: len(text.encode()),
}


def _is_option(arg: str) -> bool:
    return arg.startswith("-") and len(arg) > 1


def _wc_width(rows: list[tuple[list[int], str]], columns: int, named: bool) -> int:
    """GNU wc's field width: the widest count when it reads files; for standard input alone,
    1 for a single count and at least 7 for several."""
    if not named and columns == 1:
        return 1
    widest = max([len(str(n)) for numbers, _ in rows for n in numbers] + [1])
    return widest if named else max(widest, 7)


def _wc_rows(inputs: list[tuple[str, str]], wanted: list[str], named: bool):
    """[(counts, label)] for each input, and a total row when there are several; standard
    input alone has no label."""
    rows = []
    for name, text in inputs:
        counts = {letter: count(text) for letter, count in _WC_COUNTS.items()}
        rows.append(([counts[f] for f in wanted], name if named else ""))
    if len(rows) > 1:
        rows.append(([sum(column) for column in zip(*(r[0] for r in rows), strict=True)], "total"))
    return rows


@command("wc")
def wc(argv: list[str], host: Host, net: Topology, stdin: str = "") -> Result:
    """`wc [-l|-w|-c] [FILE...]`: line, word and byte counts."""
    flags = "".join(a[1:] for a in argv[1:] if _is_option(a))
    names = [a for a in argv[1:] if not _is_option(a)]
    inputs, errors = _read_inputs(names, host, stdin, "wc")
    wanted = [f for f in _WC_COUNTS if f in flags] or list(_WC_COUNTS)
    rows = _wc_rows(inputs, wanted, bool(names))
    width = _wc_width(rows, len(wanted), bool(names))
    out = []
    for numbers, name in rows:
        line = " ".join(f"{n:>{width}}" for n in numbers)
        out.append(line + (f" {name}" if name else "") + "\n")
    return Result("".join(out), "".join(errors), 1 if errors else 0)
