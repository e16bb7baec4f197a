"""curl's command line: its options (single, bundled, ``--name=value``) and the URL it asks
for, with curl 7.88.1's usage errors. ``curl.py`` runs the request."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

HELP_HINT = "curl: try 'curl --help' or 'curl --manual' for more information\n"
MAX_HEADERS = 32


class CurlError(Exception):
    def __init__(self, code: int, message: str, verbose: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.verbose = verbose


@dataclass(slots=True)
class Options:
    url: str | None = None
    verbose: bool = False
    silent: bool = False
    show_error: bool = False
    head: bool = False
    proxy: str | None = None
    noproxy: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    method: str | None = None
    max_time: float | None = None
    connect_timeout: float | None = None
    insecure: bool = False
    output: str | None = None
    cacert: str | None = None


_WITH_VALUE = {
    "-x": "proxy",
    "--proxy": "proxy",
    "-H": "header",
    "--header": "header",
    "-X": "method",
    "--request": "method",
    "-m": "max_time",
    "--max-time": "max_time",
    "--connect-timeout": "connect_timeout",
    "-o": "output",
    "--output": "output",
    "--noproxy": "noproxy",
    "-A": "agent",
    "--user-agent": "agent",
    "--cacert": "cacert",
}
_FLAGS = {
    "-v": "verbose",
    "--verbose": "verbose",
    "-s": "silent",
    "--silent": "silent",
    "-S": "show_error",
    "--show-error": "show_error",
    "-I": "head",
    "--head": "head",
    "-k": "insecure",
    "--insecure": "insecure",
    "-L": None,
    "--location": None,
    "-f": None,
    "--fail": None,
    "-4": None,
    "-i": None,
}


def parse(argv: list[str]) -> Options:
    opts = Options()
    args = list(argv[1:])
    i = 0
    while i < len(args):
        word = args[i]
        i += 1
        if word.startswith("--") and "=" in word:
            word, value = word.split("=", 1)
            args.insert(i, value)
        if word in _FLAGS:
            attr = _FLAGS[word]
            if attr:
                setattr(opts, attr, True)
            continue
        if word in _WITH_VALUE:
            if i >= len(args):
                raise CurlError(2, f"curl: option {word}: requires parameter\n{HELP_HINT}")
            _set(opts, _WITH_VALUE[word], word, args[i])
            i += 1
            continue
        if word.startswith("-") and not word.startswith("--") and len(word) > 2:
            i = _bundled(opts, word, args, i)
            continue
        if word.startswith("-") and word != "-":
            raise CurlError(2, f"curl: option {word}: is unknown\n{HELP_HINT}")
        opts.url = word
    return opts


def _bundled(opts: Options, word: str, args: list[str], i: int) -> int:
    """Bundled short options (-sv, -sI, -vx URL); returns where the next word is."""
    letters = word[1:]
    for k, letter in enumerate(letters):
        flag = f"-{letter}"
        if flag in _FLAGS:
            attr = _FLAGS[flag]
            if attr:
                setattr(opts, attr, True)
        elif flag in _WITH_VALUE:
            value = letters[k + 1 :] or (args[i] if i < len(args) else None)
            if value is None:
                raise CurlError(2, f"curl: option {flag}: requires parameter\n{HELP_HINT}")
            if not letters[k + 1 :]:
                i += 1
            _set(opts, _WITH_VALUE[flag], flag, value)
            break
        else:
            raise CurlError(2, f"curl: option {word}: is unknown\n{HELP_HINT}")
    return i


def _set(opts: Options, name: str, flag: str, value: str) -> None:
    if name == "header":
        key, sep, val = value.partition(":")
        if sep and len(opts.headers) < MAX_HEADERS:
            opts.headers.append((key.strip(), val.strip()))
    elif name in ("max_time", "connect_timeout"):
        try:
            setattr(opts, name, float(value))
        except ValueError:
            raise CurlError(
                2, f"curl: option {flag}: expected a proper numerical parameter\n{HELP_HINT}"
            ) from None
    elif name == "agent":
        opts.headers.append(("User-Agent", value))
    else:
        setattr(opts, name, value)


@dataclass(slots=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    url: str


def _target(url: str) -> Target:
    if "://" not in url:
        url = "http://" + url
    scheme = url.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise CurlError(1, f'curl: (1) Protocol "{scheme}" not supported or disabled in libcurl')
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise CurlError(3, "curl: (3) URL using bad/illegal format or missing URL") from None
    if not parts.hostname:
        raise CurlError(3, "curl: (3) URL using bad/illegal format or missing URL")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default = 443 if scheme == "https" else 80
    return Target(scheme, parts.hostname, port or default, path, url)
