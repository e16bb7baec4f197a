"""A DNS reply as the simulator passes it around: rcode, flags and the three record sections.

Records are dnspython ``RRset`` objects (absolute owner names), so formatting a record is
dnspython's ``to_text`` and the wire size that dig prints is dnspython's ``to_wire``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace

import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

NOERROR = dns.rcode.NOERROR
NXDOMAIN = dns.rcode.NXDOMAIN
SERVFAIL = dns.rcode.SERVFAIL
REFUSED = dns.rcode.REFUSED

_OPT_SIZE = 11  # root name, type, class (payload size), TTL (flags), rdlength
EDNS_PAYLOAD = 1232  # what dig 9.18 advertises and dnsmasq echoes ("udp: 1232")


@dataclass(frozen=True, slots=True)
class Response:
    """One DNS reply. ``aa``: authoritative answer; ``ra``: the server offers recursion."""

    qname: dns.name.Name
    qtype: int
    rcode: int = NOERROR
    aa: bool = False
    ra: bool = False
    rd: bool = True
    answer: tuple[dns.rrset.RRset, ...] = ()
    authority: tuple[dns.rrset.RRset, ...] = ()
    additional: tuple[dns.rrset.RRset, ...] = ()
    notes: tuple[str, ...] = field(default=(), compare=False)
    # How the server encodes names inside record data: BIND compresses them ("bind"), dnsmasq
    # writes them in full ("dnsmasq"); it only changes the size dig reports.
    encoding: str = "dnsmasq"
    ede: tuple[int, str, str] | None = None  # extended DNS error (code, name, text), RFC 8914

    @property
    def is_referral(self) -> bool:
        """A delegation: no answer, not authoritative, NS records in the authority section."""
        return (
            self.rcode == NOERROR
            and not self.answer
            and not self.aa
            and any(r.rdtype == dns.rdatatype.NS for r in self.authority)
        )

    @property
    def rcode_text(self) -> str:
        return dns.rcode.to_text(dns.rcode.Rcode.make(self.rcode))

    def with_flags(self, **changes) -> Response:
        return replace(self, **changes)

    def records(self, rdtype: int | None = None) -> list[dns.rrset.RRset]:
        return [r for r in self.answer if rdtype is None or r.rdtype == rdtype]

    def addresses(self) -> list[str]:
        """Every A and AAAA value in the answer, in order."""
        return [
            rdata.to_text()
            for rrset in self.answer
            if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA)
            for rdata in rrset
        ]

    def flags_text(self) -> str:
        """dig's flags field: ``qr aa rd ra``."""
        flags = ["qr"]
        if self.aa:
            flags.append("aa")
        if self.rd:
            flags.append("rd")
        if self.ra:
            flags.append("ra")
        return " ".join(flags)

    def wire_size(self) -> int:
        """Bytes on the wire, as dig's ``MSG SIZE rcvd`` reports them.

        Owner names are compressed. Names inside record data are compressed too by BIND; dnsmasq
        (the server of the reference captures) writes them in full, though later names may point
        into them. The reply carries an EDNS OPT record (11 bytes, more with an EDE option).
        """
        bind = self.encoding == "bind"
        buf = io.BytesIO()
        compress: dict = _BindCompression() if bind else {}
        buf.write(bytes(12))
        self.qname.to_wire(buf, compress)
        buf.write(bytes(4))
        for rrset in (*self.answer, *self.authority, *self.additional):
            for rdata in rrset:
                rrset.name.to_wire(buf, compress)
                buf.write(bytes(10))
                target = getattr(rdata, "target", None)
                if bind:
                    rdata.to_wire(buf, compress)
                elif rrset.rdtype in _NAME_RDATA and isinstance(target, dns.name.Name):
                    _write_pointable(target, buf, compress)
                else:
                    rdata.to_wire(buf, None)
        ede = 6 + len(self.ede[2].encode()) if self.ede else 0  # code, length, info, text
        return buf.tell() + _OPT_SIZE + ede


class _BindCompression(dict):
    """BIND 9.18's name compression as observed against named (tests/sim/names/
    test_bind_kernel_differential.py): a name is compressed only against the same name or its
    parent written earlier, and a written name makes only those two available to later names
    (so after ``www.example.com.`` an owner ``com.`` is written in full). dnspython asks for a
    name's suffixes longest first; a lookup that is not the parent of the previous one starts a
    new name."""

    def __init__(self) -> None:
        super().__init__()
        self._last: dns.name.Name | None = None
        self._depth = 0

    def get(self, name, default=None):
        follows = self._last is not None and len(self._last) > 1 and name == self._last.parent()
        self._depth = self._depth + 1 if follows else 0
        self._last = name
        if self._depth >= 2:
            return default
        return super().get(name, default)

    def __setitem__(self, name: dns.name.Name, pos: int) -> None:
        if self._depth < 2:
            super().__setitem__(name, pos)


_NAME_RDATA = frozenset({dns.rdatatype.CNAME, dns.rdatatype.NS, dns.rdatatype.PTR})


def _write_pointable(name: dns.name.Name, buf: io.BytesIO, compress: dict) -> None:
    """Write ``name`` uncompressed and remember where each of its suffixes starts."""
    pos = buf.tell()
    for i, label in enumerate(name.labels[:-1]):
        compress.setdefault(dns.name.Name(name.labels[i:]), pos)
        pos += 1 + len(label)
    wire = name.to_wire()
    assert wire is not None  # without a file, to_wire returns the bytes
    buf.write(wire)


def rrset_with_ttl(rrset: dns.rrset.RRset, ttl: int) -> dns.rrset.RRset:
    copy = rrset.copy()
    copy.ttl = max(0, int(ttl))
    return copy


def rrset_renamed(rrset: dns.rrset.RRset, name: dns.name.Name) -> dns.rrset.RRset:
    """The same records under another owner name (wildcard synthesis)."""
    copy = dns.rrset.RRset(name, rrset.rdclass, rrset.rdtype)
    copy.update(rrset)
    copy.ttl = rrset.ttl
    return copy
