"""Shell syntax: a command line -> words and operators -> a chain of pipelines of commands.

Nothing here runs anything. The tokenizer handles bash's quoting (``'...'``, ``"..."``,
backslashes), ``$VAR``, ``${VAR}``, ``$?``, ``$(...)`` and backquotes, ``~``, comments and the
operators; the parser groups words into simple commands with their redirections, pipelines and
``;``/``&&``/``||`` chains. Errors are bash's (``syntax error near unexpected token `|'``).

>>> [w.literal() if isinstance(w, Word) else w for w in tokenize("echo 'a b' > /tmp/x")]
['echo', 'a b', '>', '/tmp/x']
>>> [(c, len(p)) for c, p in parse(tokenize("true && ip a | grep lo; echo"))]
[('', 1), ('&&', 2), (';', 1)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OPERATORS = ("2>&1", "2>>", "&>>", "&&", "||", ">>", "2>", "&>", ";", "|", "&", ">", "<", "\n")
REDIRECTS = {">", ">>", "<", "2>", "2>>", "&>", "&>>"}
HOME = "/root"
_BLANKS = re.compile(r"[ \t]+")
_SPECIAL = re.compile(r"[\'\"\\$#;&|<>\n`~]|(?:^|\s)2>")
_NAME_CHARS = re.compile(r"[A-Za-z0-9_]*")


class ShellSyntaxError(Exception):
    pass


@dataclass
class Word:
    """A word as parts: ("lit", text), ("var"|"qvar", name) or ("cmd"|"qcmd", command line);
    the q-kinds come from inside double quotes (no word splitting). ``quoted`` keeps an empty
    word alive (``""``)."""

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


def is_assignment(word: str) -> bool:
    """``NAME=value`` with a valid shell name."""
    name, eq, _ = word.partition("=")
    return bool(eq) and bool(name) and name.replace("_", "a").isalnum() and not name[0].isdigit()


class _Lexer:
    """The tokenizer's state; ``HANDLERS`` maps a character to the method reading what starts
    there (anything else is a literal character of the current word)."""

    HANDLERS = {
        " ": "blank", "\t": "blank", "#": "hash", "'": "single", '"': "double",
        "\\": "backslash", "$": "dollar", "`": "backquote", "~": "tilde", "2": "two",
        ";": "operator", "&": "operator", "|": "operator", "<": "operator", ">": "operator",
        "\n": "operator",
    }  # fmt: skip

    def __init__(self, line: str) -> None:
        self.line = line
        self.i = 0
        self.tokens: list[Word | str] = []
        self.word: Word | None = None

    def run(self) -> list[Word | str]:
        while self.i < len(self.line):
            handler = self.HANDLERS.get(self.line[self.i], "literal")
            if getattr(self, handler)() is False:
                break
        self.finish()
        return self.tokens

    def current(self) -> Word:
        if self.word is None:
            self.word = Word()
        return self.word

    def finish(self) -> None:
        if self.word is not None:
            self.tokens.append(self.word)
            self.word = None

    def literal(self) -> None:
        self.current().add("lit", self.line[self.i])
        self.i += 1

    def blank(self) -> None:
        self.finish()
        self.i += 1

    def hash(self) -> bool | None:
        if self.word is None:
            return False  # a comment runs to the end of the line
        self.literal()
        return None

    def single(self) -> None:
        end = self.line.find("'", self.i + 1)
        if end < 0:
            raise ShellSyntaxError("unexpected EOF while looking for matching `''")
        word = self.current()
        word.quoted = True
        word.add("lit", self.line[self.i + 1 : end])
        self.i = end + 1

    def double(self) -> None:
        word = self.current()
        word.quoted = True
        line, i = self.line, self.i + 1
        while True:
            if i >= len(line):
                raise ShellSyntaxError("unexpected EOF while looking for matching `\"'")
            c = line[i]
            if c == '"':
                self.i = i + 1
                return
            if c == "\\" and i + 1 < len(line) and line[i + 1] in '"\\$`':
                word.add("lit", line[i + 1])
                i += 2
            elif c == "$":
                i = variable(line, i, word, quoted=True)
            elif c == "`":
                end = substitution(line, i + 1, "`")
                word.add("qcmd", line[i + 1 : end])
                i = end + 1
            else:
                word.add("lit", c)
                i += 1

    def backslash(self) -> None:
        if self.i + 1 < len(self.line):
            self.current().add("lit", self.line[self.i + 1])
            self.current().quoted = True
        self.i += 2

    def dollar(self) -> None:
        self.i = variable(self.line, self.i, self.current())

    def backquote(self) -> None:
        end = substitution(self.line, self.i + 1, "`")
        self.current().add("cmd", self.line[self.i + 1 : end])
        self.i = end + 1

    def tilde(self) -> None:
        nxt = self.line[self.i + 1 : self.i + 2]
        if self.word is None and (not nxt or nxt in "/ \t;|&<>"):
            self.current().add("lit", HOME)
            self.i += 1
        else:
            self.literal()

    def two(self) -> None:
        if self.word is None and self.line.startswith("2>", self.i):
            self.operator()
        else:
            self.literal()

    def operator(self) -> None:
        self.finish()
        for op in OPERATORS:
            if self.line.startswith(op, self.i):
                self.tokens.append(";" if op == "\n" else op)
                self.i += len(op)
                return


def tokenize(line: str) -> list[Word | str]:
    """Words and operator strings. Raises ShellSyntaxError with bash's message."""
    if not _SPECIAL.search(line):  # the common case: plain words
        return [Word([("lit", w)]) for w in _BLANKS.split(line) if w]
    return _Lexer(line).run()


def substitution(line: str, start: int, closer: str) -> int:
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


def variable(line: str, i: int, word: Word, *, quoted: bool = False) -> int:
    """Parse ``$NAME``, ``${NAME}``, ``$?`` or ``$(command)`` at line[i] into ``word``; return
    the next index. Inside double quotes the parts are "qvar"/"qcmd" (no word splitting)."""
    var, cmd = ("qvar", "qcmd") if quoted else ("var", "cmd")
    nxt = line[i + 1 : i + 2]
    if nxt == "(":
        end = substitution(line, i + 2, ")")
        word.add(cmd, line[i + 2 : end])
        return end + 1
    if nxt == "?":
        word.add(var, "?")
        return i + 2
    if nxt == "{":
        end = line.find("}", i + 2)
        name = line[i + 2 : end] if end > 0 else ""
        if end > 0 and name.replace("_", "a").isalnum() and not name[0].isdigit():
            word.add(var, name)
            return end + 1
        word.add("lit", "$")
        return i + 1
    found = _NAME_CHARS.match(line, i + 1)
    name = found.group(0) if found else ""
    if not name or name[0].isdigit() or not name.isascii():
        word.add("lit", "$")
        return i + 1
    word.add(var, name)
    return i + 1 + len(name)


@dataclass
class Simple:
    """One simple command: its words and its redirections ``(operator, target word)``."""

    words: list[Word] = field(default_factory=list)
    redirects: list[tuple[str, Word | None]] = field(default_factory=list)

    def empty(self) -> bool:
        return not self.words and not self.redirects


Chain = list[tuple[str, list[Simple]]]


class _Parser:
    """Groups tokens: words and redirections into a Simple, ``|`` into a pipeline, the other
    operators into the chain (each pipeline with the connector before it)."""

    def __init__(self, tokens: list[Word | str]) -> None:
        self.tokens = tokens
        self.chain: Chain = []
        self.pipeline: list[Simple] = []
        self.simple = Simple()
        self.connector = ""

    def run(self) -> Chain:
        i = 0
        while i < len(self.tokens):
            tok = self.tokens[i]
            if isinstance(tok, Word):
                self.simple.words.append(tok)
            elif tok in REDIRECTS:
                self.redirect(tok, i)
                i += 1
            elif tok == "2>&1":
                self.simple.redirects.append((tok, None))
            elif self.control(tok, i) is False:
                break
            i += 1
        return self.end()

    def redirect(self, op: str, i: int) -> None:
        target = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        if not isinstance(target, Word):
            last = target is None or (target == ";" and i + 2 >= len(self.tokens))
            raise ShellSyntaxError(
                f"syntax error near unexpected token `{'newline' if last else target}'"
            )
        self.simple.redirects.append((op, target))

    def control(self, tok: str, i: int) -> bool:
        """``;``, ``&&``, ``||``, ``|`` or ``&``; False for a trailing ``;`` that ends it all."""
        if self.simple.empty():
            trailing = tok in (";", "&") and i == len(self.tokens) - 1
            if trailing and not self.pipeline and self.chain:
                return False
            raise ShellSyntaxError(f"syntax error near unexpected token `{tok}'")
        self.pipeline.append(self.simple)
        self.simple = Simple()
        if tok != "|":
            self.chain.append((self.connector, self.pipeline))
            self.pipeline = []
            self.connector = tok
        return True

    def end(self) -> Chain:
        if self.simple.empty():
            if self.pipeline or self.connector in ("&&", "||"):
                raise ShellSyntaxError("syntax error: unexpected end of file")
        else:
            self.pipeline.append(self.simple)
            self.chain.append((self.connector, self.pipeline))
        return self.chain


def parse(tokens: list[Word | str]) -> Chain:
    """[(connector, pipeline)], connector being the operator before it ("" for the first)."""
    return _Parser(tokens).run()
