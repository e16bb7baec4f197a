"""The path of the last packet a learner sent, as the diagram draws and describes it.

Django-free. ``packet_path`` turns a ``ping``'s or ``traceroute``'s ``Result.trace`` into a
JSON-serialisable dict (it is stored with the workspace); ``describe_path`` says it in one
sentence for screen readers and the diagram's text alternative.

>>> path = {"command": "ping", "dst": "10.0.0.2", "legs": [{"role": "request",
...     "hops": [["A", None, "eth0"]], "receiver": "B", "drop": None}]}
>>> describe_path(path)
'Last ping to 10.0.0.2: Request A → B: delivered to B.'
"""

from __future__ import annotations

from typing import Any


def packet_path(command: str, trace: Any) -> dict | None:
    """The JSON-serialisable path of a ``Result.trace``: a ping's ``PingOutcome``, a
    traceroute's tuple of probe ``Trace``s (the last probe went furthest) or one ``Trace``.
    Anything else (``ip``, ``dig``...) has no path: None."""
    if trace is None:
        return None
    name = (command or "").strip().split(" ", 1)[0] or "packet"
    if hasattr(trace, "request"):  # PingOutcome
        legs = [_leg("request", trace.request)]
        if trace.reply is not None:
            legs.append(_leg("reply", trace.reply))
        message = getattr(trace, "message", "") or ""
        return {"command": name, "dst": str(trace.request.dst), "legs": legs, "message": message}
    if isinstance(trace, tuple | list):
        probes = [t for t in trace if hasattr(t, "hops")]
        if not probes:
            return None
        trace = probes[-1]
    if hasattr(trace, "hops") and hasattr(trace, "dst"):
        return {"command": name, "dst": str(trace.dst), "legs": [_leg("probe", trace)]}
    return None


def _leg(role: str, trace: Any) -> dict:
    drop = None
    if trace.drop is not None:
        drop = {"host": trace.drop.host, "cause": trace.drop.cause, "detail": trace.drop.detail}
    return {
        "role": role,
        "sender": trace.sender,
        "hops": [[h.host, h.in_iface, h.out_iface] for h in trace.hops],
        "receiver": trace.receiver,
        "drop": drop,
    }


def leg_sentence(leg: dict) -> str:
    names = [h[0] for h in leg.get("hops", []) if h]
    if leg.get("receiver") and (not names or names[-1] != leg["receiver"]):
        names.append(leg["receiver"])
    if not names and leg.get("sender"):
        names = [leg["sender"]]
    role = {"request": "Request", "reply": "Reply", "probe": "Packet"}.get(
        leg.get("role", ""), "Packet"
    )
    text = f"{role} " + " → ".join(names)
    drop = leg.get("drop")
    if leg.get("receiver"):
        text += f": delivered to {leg['receiver']}"
    elif drop:
        text += f": dropped at {drop.get('host')}: {drop.get('detail')}"
    return text


def describe_path(path: dict) -> str:
    """One sentence for the last packet path: 'Last ping to X: request A → R → C: ...'."""
    legs = [leg_sentence(leg) for leg in path.get("legs", [])]
    head = f"Last {path.get('command', 'packet')} to {path.get('dst', '?')}"
    return head + ": " + "; ".join(legs) + "."
