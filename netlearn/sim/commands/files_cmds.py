"""cat, echo, tee, true, false, clear: enough of coreutils and bash to edit /etc files."""

from __future__ import annotations

from .. import files
from ..result import Result
from . import command


@command("cat")
def cat(argv: list[str], host, net, stdin: str = "") -> Result:
    """`cat [FILE...]`: concatenates; each missing file is an error, status 1."""
    names = [a for a in argv[1:] if a != "--"]
    if not names:
        return Result(stdin)
    out: list[str] = []
    errors: list[str] = []
    for name in names:
        if name == "-":
            out.append(stdin)
            continue
        if name.startswith("-") and len(name) > 1:
            if name.strip("-") in ("n", "A", "E", "v", "e", "s", "b", "T", "t", "u"):
                continue
            return Result.error(
                f"cat: invalid option -- '{name.lstrip('-')[:1]}'\n"
                "Try 'cat --help' for more information.",
                1,
            )
        try:
            out.append(files.read(host, name))
        except files.FileError as exc:
            errors.append(f"cat: {name}: {exc.reason}\n")
    return Result("".join(out), "".join(errors), 1 if errors else 0)


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
def echo(argv: list[str], host, net) -> Result:
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
def tee(argv: list[str], host, net, stdin: str = "") -> Result:
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
def true(argv: list[str], host, net) -> Result:
    return Result()


@command("false")
def false(argv: list[str], host, net) -> Result:
    return Result(status=1)


@command("clear")
def clear(argv: list[str], host, net) -> Result:
    """The web terminal clears its log when it sees this command; nothing to print here."""
    return Result()


def _printf_format(fmt: str, args: list[str]) -> str:
    """bash's printf: escapes, %s %d %i %c %x %o %%; the format is reused for extra arguments."""
    out: list[str] = []
    index = 0
    while True:
        i, consumed = 0, False
        while i < len(fmt):
            c = fmt[i]
            if c == "\\" and i + 1 < len(fmt):
                out.append(_echo_escapes(fmt[i : i + 2]))
                i += 2
            elif c == "%" and i + 1 < len(fmt):
                j = i + 1
                while j < len(fmt) and fmt[j] in "-+ #0123456789.":
                    j += 1
                conv = fmt[j] if j < len(fmt) else ""
                spec = fmt[i + 1 : j]
                if conv == "%":
                    out.append("%")
                elif conv in "sdicxXo" and conv:
                    arg = args[index] if index < len(args) else ""
                    index += 1
                    consumed = True
                    if conv == "s":
                        out.append(("%" + spec + "s") % arg)
                    elif conv == "c":
                        out.append(arg[:1])
                    else:
                        try:
                            number = int(arg or "0", 0)
                        except ValueError:
                            number = 0
                        out.append(("%" + spec + ("d" if conv == "i" else conv)) % number)
                else:
                    out.append(fmt[i : j + 1])
                i = j + 1
            else:
                out.append(c)
                i += 1
        if not consumed or index >= len(args):
            break
    return "".join(out)


@command("printf")
def printf(argv: list[str], host, net) -> Result:
    """bash's builtin printf FORMAT [ARGUMENTS...]."""
    args = argv[1:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        return Result.error("printf: usage: printf [-v var] format [arguments]", 2)
    return Result(_printf_format(args[0], args[1:]))
