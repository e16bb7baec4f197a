"""A resolver's answer cache on the simulated clock (``net.clock``, advanced by ``sleep``).

An answer is kept for the smallest TTL among its records (a negative answer for its SOA's negative
TTL; without an SOA it is not kept, as dnsmasq does) and comes back with every TTL counted down,
the way ``dig`` shows a cached answer: ``300`` first, ``298`` two seconds later.

The entries live in the server's JSON state, so a saved network keeps its caches.
"""

from __future__ import annotations

import dns.name
import dns.rdatatype
import dns.rrset

from netlearn.sim.names.message import NOERROR, NXDOMAIN, Response

MAX_CACHE_ENTRIES = 256


def _key(qname: dns.name.Name, qtype: int) -> str:
    return f"{qname.to_text()}|{dns.rdatatype.to_text(dns.rdatatype.RdataType.make(qtype))}"


def _dump(rrsets) -> list:
    return [
        [r.name.to_text(), r.ttl, dns.rdatatype.to_text(r.rdtype), [d.to_text() for d in r]]
        for r in rrsets
    ]


def _load(rows: list, elapsed: float) -> tuple[dns.rrset.RRset, ...]:
    return tuple(
        dns.rrset.from_text_list(name, max(0, int(ttl - elapsed)), "IN", rdtype, datas)
        for name, ttl, rdtype, datas in rows
    )


def _lifetime(response: Response) -> int | None:
    if response.rcode == NOERROR and response.answer:
        return min(r.ttl for r in response.answer)
    if response.rcode in (NOERROR, NXDOMAIN):
        soas = [r for r in response.authority if r.rdtype == dns.rdatatype.SOA]
        if soas:
            return soas[0].ttl
    return None


class Cache:
    """A view over ``state["cache"]`` (a dict kept in the server host's services)."""

    def __init__(self, state: dict) -> None:
        self.entries: dict = state.setdefault("cache", {})

    def get(self, qname: dns.name.Name, qtype: int, now: float) -> Response | None:
        """The cached reply for the question, TTLs counted down; None if absent or expired."""
        entry = self.entries.get(_key(qname, qtype))
        if entry is None:
            return None
        if now >= entry["expires"]:
            del self.entries[_key(qname, qtype)]
            return None
        elapsed = now - entry["stored"]
        return Response(
            qname,
            qtype,
            rcode=entry["rcode"],
            ra=True,
            answer=_load(entry["answer"], elapsed),
            authority=_load(entry["authority"], elapsed),
            encoding=entry.get("encoding", "dnsmasq"),
        )

    def put(self, response: Response, now: float) -> None:
        lifetime = _lifetime(response)
        if not lifetime:
            return
        if len(self.entries) >= MAX_CACHE_ENTRIES:
            oldest = min(self.entries, key=lambda k: self.entries[k]["stored"])
            del self.entries[oldest]
        self.entries[_key(response.qname, response.qtype)] = {
            "stored": now,
            "expires": now + lifetime,
            "rcode": response.rcode,
            "answer": _dump(response.answer),
            "authority": _dump(response.authority),
            "encoding": response.encoding,
        }

    def remaining(self, qname: dns.name.Name, qtype: int, now: float) -> float | None:
        """Seconds until the cached answer for the question expires (None: not cached)."""
        entry = self.entries.get(_key(qname, qtype))
        if entry is None or now >= entry["expires"]:
            return None
        return entry["expires"] - now
