"""/etc/hosts, read the way glibc's ``files`` NSS module reads it.

- ``#`` starts a comment anywhere on a line; blank lines are ignored;
- a line is ``ADDRESS CANONICAL-NAME [ALIAS...]`` separated by blanks (spaces or tabs);
- a line whose address is not a valid IPv4 or IPv6 address, or that has no name, is skipped;
- names match case-insensitively; the answer keeps the spelling of the file;
- a lookup by name collects the addresses of every matching line of the asked family (glibc's
  ``multi`` behaviour) with the canonical name and aliases of the first matching line;
- a lookup by address returns the first line with that address.

>>> entries = parse("127.0.0.1 localhost\\n192.0.2.7  web  www # the web server\\n")
>>> by_name(entries, "WWW", 4)
HostsMatch(canonical='web', aliases=('www',), addresses=(IPv4Address('192.0.2.7'),))
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address

MAX_HOSTS_LINES = 2_000


@dataclass(frozen=True, slots=True)
class HostsEntry:
    address: IPv4Address | IPv6Address
    names: tuple[str, ...]  # canonical name first, then aliases
    line: int


@dataclass(frozen=True, slots=True)
class HostsMatch:
    canonical: str
    aliases: tuple[str, ...]
    addresses: tuple[IPv4Address | IPv6Address, ...]


def parse(text: str) -> list[HostsEntry]:
    entries = []
    for number, raw in enumerate(text.splitlines()[:MAX_HOSTS_LINES], start=1):
        fields = raw.split("#", 1)[0].split()
        if len(fields) < 2:
            continue
        try:
            address = ip_address(fields[0])
        except ValueError:
            continue
        if isinstance(address, IPv6Address) and address.scope_id:
            continue
        entries.append(HostsEntry(address, tuple(fields[1:]), number))
    return entries


def by_name(entries: list[HostsEntry], name: str, family: int) -> HostsMatch | None:
    """Every address of ``family`` (4 or 6) that the file gives ``name``; None if it has none."""
    wanted = name.rstrip(".").lower() if name not in (".",) else name
    match = None
    addresses: list[IPv4Address | IPv6Address] = []
    for entry in entries:
        if entry.address.version != family:
            continue
        if wanted not in (n.lower() for n in entry.names):
            continue
        if match is None:
            match = entry
        if entry.address not in addresses:
            addresses.append(entry.address)
    if match is None:
        return None
    return HostsMatch(match.names[0], match.names[1:], tuple(addresses))


def by_address(entries: list[HostsEntry], address: IPv4Address | IPv6Address) -> HostsMatch | None:
    for entry in entries:
        if entry.address == address:
            return HostsMatch(entry.names[0], entry.names[1:], (address,))
    return None
