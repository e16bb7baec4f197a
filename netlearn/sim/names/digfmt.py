"""BIND's text formats shared by dig, nslookup and host (bind9 9.18, as Debian 12 ships it)."""

from __future__ import annotations

import datetime as _dt
import hashlib

import dns.name
import dns.rdatatype
import dns.rrset

from netlearn.sim.names.message import Response

DIG_VERSION = "9.18.49-1~deb12u3-Debian"
# The simulated clock starts at the moment the reference transcripts were captured.
EPOCH = _dt.datetime(2026, 11, 28, 15, 27, 20, tzinfo=_dt.UTC)

# dig's master-file style columns: owner to 24, TTL to 32, class to 40, type to 48.
_COLUMNS = (24, 32, 40, 48)


def _pad(text: str, column: int, to: int) -> tuple[str, int]:
    """BIND's ``indent``: tabs up to the column (8-wide stops), one space when already past it."""
    if column >= to:
        return " ", column + 1
    out = ""
    while column < to:
        out += "\t"
        column = (column + 8) & ~7
    return out, column


def record_lines(rrset: dns.rrset.RRset) -> list[str]:
    """One line per record, the way dig's ANSWER/AUTHORITY/ADDITIONAL sections print them."""
    lines = []
    for rdata in rrset:
        fields = (
            rrset.name.to_text(),
            str(rrset.ttl),
            "IN",
            dns.rdatatype.to_text(rrset.rdtype),
        )
        line, column = "", 0
        for text, to in zip(fields, _COLUMNS, strict=True):
            line += text
            column += len(text)
            pad, column = _pad(line, column, to)
            line += pad
        lines.append(line + rdata.to_text())
    return lines


def question_line(qname: dns.name.Name, qtype: int) -> str:
    """``;example.com.\\t\\t\\tIN\\tA``: the name column is counted without the ``;``."""
    name = qname.to_text()
    pad, column = _pad(name, len(name), 32)
    return f";{name}{pad}IN\t{dns.rdatatype.to_text(dns.rdatatype.RdataType.make(qtype))}"


def when(clock: float) -> str:
    """dig's ``WHEN:`` line for the simulated clock, like ``date``: Sat Nov 28 15:27:20 UTC 2026."""
    moment = EPOCH + _dt.timedelta(seconds=int(clock))
    return moment.strftime("%a %b %d %H:%M:%S UTC %Y").replace(" 0", "  ", 1)


def query_id(*parts: object) -> int:
    """A stable pseudo-random query id (the real one is random; tests mask it)."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:2], "big")


DISPLAY = ("comments", "question", "answer", "authority", "additional", "stats")


def dig_message(
    response: Response,
    server: str,
    clock: float,
    qid: int,
    show: frozenset[str] = frozenset(DISPLAY),
) -> list[str]:
    """What dig prints for a reply after its command header (``;; Got answer:`` ... the final
    blank line); ``show`` holds the display options that are on (``+noall +answer`` ...)."""
    comments = "comments" in show
    out = []
    if comments:
        out += [
            ";; Got answer:",
            f";; ->>HEADER<<- opcode: QUERY, status: {response.rcode_text}, id: {qid}",
            f";; flags: {response.flags_text()}; QUERY: 1, ANSWER: {_count(response.answer)}, "
            f"AUTHORITY: {_count(response.authority)}, "
            f"ADDITIONAL: {_count(response.additional) + 1}",
        ]
        if response.rd and not response.ra:
            out.append(";; WARNING: recursion requested but not available")
        out += ["", ";; OPT PSEUDOSECTION:", "; EDNS: version: 0, flags:; udp: 1232"]
        if response.ede is not None:
            code, name, text = response.ede
            out.append(f"; EDE: {code} ({name}): ({text})")
    if "question" in show:
        if comments:
            out.append(";; QUESTION SECTION:")
        out.append(question_line(response.qname, response.qtype))
        if comments:
            out.append("")
    for title, section in (
        ("ANSWER", response.answer),
        ("AUTHORITY", response.authority),
        ("ADDITIONAL", response.additional),
    ):
        if section and title.lower() in show:
            if comments:
                out.append(f";; {title} SECTION:")
            for rrset in section:
                out += record_lines(rrset)
            if comments:
                out.append("")
    if "stats" in show:
        out += [
            ";; Query time: 0 msec",
            f";; SERVER: {server}#53({server}) (UDP)",
            f";; WHEN: {when(clock)}",
            f";; MSG SIZE  rcvd: {response.wire_size()}",
            "",
        ]
    return out


def _count(section) -> int:
    return sum(len(rrset) for rrset in section)


def short_lines(response: Response) -> list[str]:
    """``dig +short``: the data of every answer record, one per line."""
    return [rdata.to_text() for rrset in response.answer for rdata in rrset]
