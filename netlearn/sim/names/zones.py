"""Authoritative zone data, parsed from zone-file text with dnspython.

A zone is read as the zone file a BIND or NSD operator would write, with the zone's name as the
origin (``@``; relative names are completed with it). It is checked the way ``named-checkzone``
checks one, with messages a learner can act on:

>>> zone = parse_zone("example.com", "@ 300 IN A 192.0.2.1\\nwww 300 IN CNAME @")
>>> [str(r.name) for r in zone.rrsets()]
['example.com.', 'www.example.com.']
>>> try:
...     parse_zone("example.com", "www 300 IN A 192.0.2.1\\nwww 300 IN CNAME @")
... except ZoneError as exc:
...     print(str(exc)[:54])
line 2: www.example.com has a CNAME and other data (A)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import dns.exception
import dns.name
import dns.node
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.tokenizer
import dns.zonefile

from netlearn.sim.errors import SimError
from netlearn.sim.limits import MAX_FILE

MAX_ZONE_TEXT = MAX_FILE  # characters of zone-file text in one zone
MAX_ZONE_RECORDS = 1_000  # resource records in one zone
MAX_ZONES = 64  # zones served by one DNS server

CNAME = dns.rdatatype.CNAME
NS = dns.rdatatype.NS
SOA = dns.rdatatype.SOA


class ZoneError(SimError):
    """A zone's text is not a valid zone; the message says where and why."""


class _CnameConflict(dns.exception.SyntaxError):
    """A CNAME beside other data, raised from inside dnspython's reader."""


class _RecordError(dns.exception.DNSException):
    """A record's error with the line the record starts on (dnspython's own count runs ahead
    when it has read the end of the line)."""

    def __init__(self, line: int, detail: str) -> None:
        super().__init__(detail)
        self.line = line
        self.detail = detail


class _Reader(dns.zonefile.Reader):
    """dnspython's zone-file reader, noting where each record starts (pinned dnspython 2.9)."""

    def _rr_line(self) -> None:
        line = self.tok.line_number
        try:
            super()._rr_line()
        except dns.exception.SyntaxError as exc:
            raise _RecordError(line, str(exc)) from None


def _text(name: dns.name.Name) -> str:
    """A name as a learner writes it: no trailing dot, except for the root itself."""
    return name.to_text(omit_final_dot=True) if name != dns.name.root else "."


def _check_cname_and_other_data(txn, name, rdataset) -> None:
    if rdataset.rdtype == CNAME and len(rdataset) > 1:
        raise _CnameConflict(f"{_text(name)} has more than one CNAME; an alias has one target")
    node = txn.get_node(name)
    if node is None:
        return
    existing = node.get_rdataset(dns.rdataclass.IN, CNAME)
    if rdataset.rdtype == CNAME and existing is not None and set(existing) != set(rdataset):
        raise _CnameConflict(f"{_text(name)} has more than one CNAME; an alias has one target")
    kind = dns.node.NodeKind.classify_rdataset(rdataset)
    node_kind = node.classify()
    if kind == node_kind or dns.node.NodeKind.NEUTRAL in (kind, node_kind):
        return
    others = sorted(
        dns.rdatatype.to_text(rds.rdtype)
        for rds in (*node.rdatasets, rdataset)
        if dns.node.NodeKind.classify_rdataset(rds) == dns.node.NodeKind.REGULAR
    )
    raise _CnameConflict(
        f"{_text(name)} has a CNAME and other data ({', '.join(dict.fromkeys(others))}); "
        "a name with a CNAME record can have no other record"
    )


@dataclass(slots=True)
class Zone:
    """One zone: its origin, the original text (for serialising) and its records by name."""

    origin: dns.name.Name
    text: str
    nodes: dict[dns.name.Name, dict[int, dns.rrset.RRset]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return _text(self.origin)

    def rrsets(self) -> list[dns.rrset.RRset]:
        return [rrset for node in self.nodes.values() for rrset in node.values()]

    def get(self, name: dns.name.Name, rdtype: int) -> dns.rrset.RRset | None:
        node = self.nodes.get(name)
        return node.get(rdtype) if node else None

    def soa(self) -> dns.rrset.RRset | None:
        return self.get(self.origin, SOA)

    def name_exists(self, name: dns.name.Name) -> bool:
        """True when the name owns records or is an empty non-terminal (has names below it).
        The zone's apex always exists."""
        if name in self.nodes or name == self.origin:
            return True
        return any(other.is_subdomain(name) for other in self.nodes)

    def contains(self, name: dns.name.Name) -> bool:
        return name.is_subdomain(self.origin)


def parse_origin(name: str) -> dns.name.Name:
    """A zone name as an absolute DNS name (``example.com`` and ``example.com.`` are the same)."""
    if not isinstance(name, str) or not name.strip():
        raise ZoneError("a zone needs a name such as example.com")
    try:
        return dns.name.from_text(name.strip())
    except dns.exception.DNSException as exc:
        raise ZoneError(f"{name!r} is not a valid zone name: {exc}") from None


def parse_zone(name: str, text: str) -> Zone:
    """Parse zone-file ``text`` for the zone ``name``; raise ``ZoneError`` saying what is wrong.

    Directives ``$TTL`` and ``$ORIGIN`` work; ``$INCLUDE`` and ``$GENERATE`` do not (a zone is
    one text). Every record needs a TTL (its own, ``$TTL`` or the previous record's). A record
    outside the zone, a CNAME beside other data and a zone past the size limits are errors.
    """
    origin = parse_origin(name)
    if not isinstance(text, str):
        raise ZoneError("the zone must be zone-file text")
    if len(text) > MAX_ZONE_TEXT:
        raise ZoneError(f"the zone text is longer than {MAX_ZONE_TEXT} characters")
    manager = dns.zonefile.RRSetsReaderManager(origin, False, dns.rdataclass.IN)
    try:
        with manager.writer(True) as txn:
            txn.check_put_rdataset(_check_cname_and_other_data)
            tok = dns.tokenizer.Tokenizer(text, "<zone>")
            reader = _Reader(tok, dns.rdataclass.IN, txn, allow_directives={"$TTL", "$ORIGIN"})
            # The reader silently skips names outside its zone; widen it so that such a record
            # reaches the check below and the instructor learns about the typo.
            reader.zone_origin = dns.name.root
            reader.read()
    except _RecordError as exc:
        raise ZoneError(_syntax_message(f"<zone>:{exc.line}: {exc.detail}")) from None
    except dns.exception.SyntaxError as exc:
        raise ZoneError(_syntax_message(str(exc))) from None
    except (dns.exception.DNSException, ValueError, TypeError, UnicodeError) as exc:
        raise ZoneError(f"invalid zone: {exc or type(exc).__name__}") from None
    zone = Zone(origin, text)
    count = 0
    for rrset in manager.rrsets:
        if rrset.rdclass != dns.rdataclass.IN:
            raise ZoneError(f"{_text(rrset.name)}: only class IN is supported")
        if not rrset.name.is_subdomain(origin):
            raise ZoneError(f"{_text(rrset.name)} is outside the zone {_text(origin)}")
        count += len(rrset)
        if count > MAX_ZONE_RECORDS:
            raise ZoneError(f"the zone has more than {MAX_ZONE_RECORDS} records")
        zone.nodes.setdefault(rrset.name, {})[rrset.rdtype] = rrset
    _check_origin_cname(zone)
    return zone


def _check_origin_cname(zone: Zone) -> None:
    if zone.get(zone.origin, CNAME) is not None and zone.origin != dns.name.root:
        raise ZoneError(
            f"{zone.name} has a CNAME at the zone's own name; the zone apex cannot be an alias"
        )


_WHERE = re.compile(r"^<zone>:(\d+): ?")


def _syntax_message(raw: str) -> str:
    """dnspython's ``<zone>:3: detail`` as ``line 3: detail``."""
    match = _WHERE.match(raw)
    detail = raw[match.end() :] if match else raw
    detail = detail.strip() or "syntax error"
    if detail == "Missing default TTL value":
        detail = (
            "the record has no TTL (give it one, as in `www 300 IN A 192.0.2.1`, "
            "or start the zone with `$TTL 300`)"
        )
    elif detail == "Text input is malformed.":
        detail = "the record is malformed (expected: NAME [TTL] [IN] TYPE DATA)"
    return f"line {match.group(1)}: {detail}" if match else detail
