"""How the real tools read their arguments: ASCII numbers, iproute2's keyword abbreviations
(``matches()``), its NEXT_ARG() cursor, its IPv4 address and prefix parsers and its error texts.

These are values in, values out: the state layer (``routing``) parses `ip route add` words with
them as the ``ip`` commands do, so a scenario's routes get the terminal's errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from ipaddress import IPv4Address, IPv4Interface
from typing import TypeVar

from .errors import CommandError

T = TypeVar("T")


def decimal(text: str) -> bool:
    """Whether ``text`` is a number as the real tools' parsers read one: ASCII digits only
    (``"¹".isdigit()`` is true in Python and ``int("¹")`` raises). The commands' unsigned numeric
    arguments go through this.

    >>> decimal("42"), decimal("¹"), decimal("٣"), decimal("")
    (True, False, False, False)
    """
    return text.isascii() and text.isdigit()


def matches(word: str, full: str) -> bool:
    """iproute2's matches(): ``word`` is a non-empty prefix of ``full``."""
    return 0 < len(word) <= len(full) and full.startswith(word)


def keyword(word: str, full: Mapping[str, T], abbreviated: Sequence[tuple[str, T]], other: T) -> T:
    """What iproute2's keyword tables make of ``word``: its entry in ``full`` (keywords written
    out), else that of the first of ``abbreviated`` it abbreviates (``matches()``, in the
    tool's order), else ``other`` (the word is a value: an address, a device...).

    >>> table = {"dev": "device"}
    >>> [keyword(w, table, [("metric", "metric")], "address") for w in ("dev", "met", "de")]
    ['device', 'metric', 'address']
    """
    if word in full:
        return full[word]
    return next((found for name, found in abbreviated if matches(word, name)), other)


def garbage(key: str, arg: str) -> CommandError:
    return CommandError(f'Error: either "{key}" is duplicate, or "{arg}" is a garbage.', 255)


def duplicate(key: str, arg: str) -> CommandError:
    return CommandError(f'Error: duplicate "{key}": "{arg}" is the second value.', 255)


def incomplete() -> CommandError:
    return CommandError('Command line is not complete. Try option "help"', 255)


def invarg(msg: str, arg: str) -> CommandError:
    return CommandError(f'Error: argument "{arg}" is wrong: {msg}\n', 255)


def no_device(name: str) -> CommandError:
    return CommandError(f'Cannot find device "{name}"', 1)


class Args:
    """A cursor over argv with iproute2's NEXT_ARG()."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.i = 0
        self.named = False  # a device was named (`show dev eth0`)
        self.filters: dict = {}  # `ip addr show` address filters (scope, to, label, ...)

    def __bool__(self) -> bool:
        return self.i < len(self.argv)

    def take(self) -> str:
        word = self.argv[self.i]
        self.i += 1
        return word

    def next_arg(self) -> str:
        """The value after a keyword; "Command line is not complete" when there is none."""
        if self.i >= len(self.argv):
            raise incomplete()
        return self.take()


def parse_ipv4(text: str) -> IPv4Address | None:
    """iproute2's get_addr_ipv4: 1 to 4 dot-separated strtoul(base 0) parts, zero-filled.

    >>> parse_ipv4("192.165.1"), parse_ipv4("10.0.0.300")
    (IPv4Address('192.165.1.0'), None)
    """
    octets = [0, 0, 0, 0]
    parts = text.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    for k, part in enumerate(parts):
        value = _strtoul(part)
        if value is None or value > 255:
            return None
        octets[k] = value
    return IPv4Address(bytes(octets))


def _strtoul(text: str) -> int | None:
    text = text.lstrip(" \t")
    if text.startswith("+"):
        text = text[1:]
    if not text:
        return None
    try:
        if text.lower().startswith("0x"):
            return int(text[2:], 16) if text[2:] else None
        if text.startswith("0") and len(text) > 1:
            return int(text[1:], 8)
        return int(text, 10) if decimal(text) else None
    except ValueError:
        return None


def parse_prefix(text: str, *, what: str = "any valid") -> tuple[IPv4Address, int | None]:
    """iproute2's get_prefix for IPv4: (address, prefixlen or None when not given).

    "default", "any" and "all" are 0.0.0.0/0. Failure is iproute2's error, status 1.
    """
    error = CommandError(f'Error: {what} prefix is expected rather than "{text}".', 1)
    if text in ("default", "any", "all"):
        return IPv4Address(0), 0
    if ":" in text:
        raise ipv6_unsupported()
    addr_text, slash, plen_text = text.partition("/")
    address = parse_ipv4(addr_text)
    if address is None:
        raise error
    if not slash:
        return address, None
    plen = _strtoul(plen_text)
    if plen is None:
        mask = parse_ipv4(plen_text) if plen_text.count(".") == 3 else None
        if mask is None:
            raise error
        bits = f"{int(mask):032b}"
        if "01" in bits:
            raise error
        plen = bits.count("1")
    if plen > 32:
        raise error
    return address, plen


def parse_address(text: str, *, what: str = "inet") -> IPv4Address:
    """iproute2's get_addr for IPv4."""
    if ":" in text:
        raise ipv6_unsupported()
    address = parse_ipv4(text)
    if address is None or "/" in text:
        raise CommandError(f'Error: {what} address is expected rather than "{text}".', 1)
    return address


def ipv6_unsupported() -> CommandError:
    return CommandError("netlearn: IPv6 addresses and routes are not simulated (IPv4 only)", 2)


def interface_of(address: IPv4Address, plen: int) -> IPv4Interface:
    return IPv4Interface(f"{address}/{plen}")
