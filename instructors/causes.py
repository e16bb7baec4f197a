"""What each diagnosed cause code means, in a sentence an instructor reads at a glance.

Grading stores a stable cause code with every failed goal: the simulator's (``netlearn.sim``:
``trace.py``, ``checks.py``, ``names/checks.py``) and the grader's own (``lessons/kinds/``:
``check-error``, ``unanswered``). The instructors' pages show the sentence with the code beside
it, so a code stays searchable. ``tests/web/test_cause_labels.py`` finds every code the
simulator and the grader can emit and fails when one has no sentence here.
"""

from __future__ import annotations

# Stored results without a cause (older attempts) are counted under this code.
UNKNOWN = "unknown"

LABELS: dict[str, str] = {
    # packets: netlearn/sim/trace.py
    "no-address": "A host has no IPv4 address to send from",
    "link-down": "An interface on the way is down or has no cable",
    "no-route": "A host has no route to the destination",
    "no-return-route": "A host has no route back",
    "forwarding-off": "IP forwarding is off on a router",
    "gateway-not-on-link": "A route's gateway is not on the segment it points to",
    "no-arp-reply": "Nobody on the segment answers for the next hop (ARP)",
    "ttl-exceeded": "The packet's TTL ran out (often a routing loop)",
    "unreachable-dest": "No host in the network has the destination address",
    "wrong-host": "The reply reached a host other than the one that asked",
    "routing-loop": "The packet came back to its sender (a routing loop)",
    "broadcast": "The destination is a broadcast address, which routers do not forward",
    # goals: netlearn/sim/checks.py
    "still-reachable": "Hosts that should be cut off still reach each other",
    "wrong-gateway": "Traffic leaves through another gateway than the one asked for",
    "wrong-device": "Traffic leaves through another interface than the one asked for",
    "forwarding-on": "IP forwarding is on where it should be off",
    "name-not-resolved": "A host cannot resolve the name it should ping",
    # names: netlearn/sim/names/checks.py
    "no-nameserver": "A host has no nameserver in /etc/resolv.conf",
    "nameserver-unreachable": "A host cannot reach its nameserver",
    "nameserver-timeout": "A host's nameserver does not answer",
    "nameserver-refused": "No DNS server runs at the nameserver's address",
    "not-authoritative": "The DNS server has no zone for the name and does not recurse",
    "servfail": "The DNS server fails to resolve the name (SERVFAIL)",
    "nxdomain": "The name does not exist in DNS (NXDOMAIN)",
    "no-records": "The name has no record of the type asked for",
    "cname-loop": "The name is a CNAME loop",
    "cname-conflict": "A CNAME shares its name with other records",
    "invalid-zone": "A zone file does not load",
    "stale-cache": "A resolver still serves an outdated cached answer",
    "wrong-address": "A name resolves to, or the origin sees, another address than expected",
    "no-dns-server": "The host asked about runs no DNS server",
    "wrong-answer": "The answer is not the one expected (DNS records or a quiz choice)",
    # http and proxies: netlearn/sim/names/checks.py
    "proxy-unresolved": "The proxy's name does not resolve",
    "name-unresolved": "The URL's host name does not resolve",
    "connection-refused": "Nothing listens on the server's port (connection refused)",
    "timeout": "The request gets no answer (timeout)",
    "tls-error": "The TLS connection fails",
    "http-error": "The server answers with an HTTP error",
    "unreachable": "The client has no route to the server",
    "bad-gateway": "A proxy cannot reach any of its upstreams (502 Bad Gateway)",
    "wrong-server": "Another server than the one asked for serves the request",
    "not-via-proxy": "The request does not go through the proxy",
    "origin-exposed": "The origin sees the client's own address",
    # grading: lessons/kinds/
    "check-error": "The simulator could not check the goal",
    "unanswered": "A quiz question was left unanswered",
    UNKNOWN: "No cause was recorded",
}


def cause_label(code: str | None) -> str:
    """The sentence for ``code``; a code without one (a newer simulator) is shown as itself."""
    code = code or UNKNOWN
    return LABELS.get(code, code)
