"""/etc/resolv.conf, read the way glibc's resolver (and the bind tools) read it.

- ``nameserver ADDRESS``: at most three (``MAXNS``) are used, in order; an invalid address is
  ignored; with none, glibc asks 127.0.0.1 while dig/nslookup/host ask ::1 then 127.0.0.1;
- ``search DOMAIN...`` and ``domain DOMAIN``: the last of them wins;
- ``options timeout:N attempts:N ndots:N`` (glibc caps them at 30, 5 and 15);
- ``#`` or ``;`` at the start of a line makes a comment; unknown keywords are ignored.

>>> conf = parse("# set by hand\\nnameserver 192.0.2.53\\nsearch example.com\\noptions timeout:1")
>>> conf.nameservers, conf.search, conf.timeout, conf.attempts
(('192.0.2.53',), ('example.com',), 1, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import ip_address

MAXNS = 3
MAXDNSRCH = 6
DEFAULT_TIMEOUT = 5
DEFAULT_ATTEMPTS = 2
DEFAULT_NDOTS = 1


@dataclass(frozen=True, slots=True)
class ResolvConf:
    nameservers: tuple[str, ...] = ()
    search: tuple[str, ...] = ()
    timeout: int = DEFAULT_TIMEOUT
    attempts: int = DEFAULT_ATTEMPTS
    ndots: int = DEFAULT_NDOTS

    @property
    def glibc_servers(self) -> tuple[str, ...]:
        """Whom glibc asks: the listed servers, else the local host."""
        return self.nameservers or ("127.0.0.1",)

    @property
    def bind_servers(self) -> tuple[str, ...]:
        """Whom dig, nslookup and host ask: the listed servers, else ::1 then 127.0.0.1."""
        return self.nameservers or ("::1", "127.0.0.1")


def _option(value: str, low: int, high: int) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return max(low, min(high, number))


# `options NAME:N` glibc reads, with the bounds it clamps N to.
_OPTIONS = {"timeout": (1, 30), "attempts": (1, 5), "ndots": (0, 15)}


def _nameserver(servers: list[str], args: list[str]) -> None:
    if len(servers) >= MAXNS:
        return
    try:
        servers.append(str(ip_address(args[0])))
    except ValueError:
        return


def _options(values: dict[str, int], args: list[str]) -> None:
    for option in args:
        name, _, value = option.partition(":")
        bounds = _OPTIONS.get(name)
        number = _option(value, *bounds) if bounds is not None else None
        if number is not None:
            values[name] = number


def parse(text: str) -> ResolvConf:
    servers: list[str] = []
    search: tuple[str, ...] = ()
    values = {"timeout": DEFAULT_TIMEOUT, "attempts": DEFAULT_ATTEMPTS, "ndots": DEFAULT_NDOTS}
    for raw in text.splitlines()[:1000]:
        if not raw or raw[0] in "#;":
            continue
        fields = raw.split()
        if not fields:
            continue
        keyword, args = fields[0], fields[1:]
        if keyword == "nameserver" and args:
            _nameserver(servers, args)
        elif keyword == "domain" and args:
            search = (args[0].rstrip("."),)
        elif keyword == "search":
            search = tuple(d.rstrip(".") for d in args[:MAXDNSRCH])
        elif keyword == "options":
            _options(values, args)
    return ResolvConf(
        tuple(servers), search, values["timeout"], values["attempts"], values["ndots"]
    )
