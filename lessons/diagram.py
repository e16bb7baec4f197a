"""The topology diagram: a simulated network drawn as SVG, with a text alternative.

Django-free: ``render(net, path)`` takes a :class:`netlearn.sim.Network` and, optionally, the
packet path of the last ``ping``/``traceroute`` (see :func:`packet_path`) and returns a
:class:`Diagram` whose ``svg`` is a complete ``<svg>`` element (every piece of text escaped) and
whose ``description`` lists sentences that say the same thing for screen readers.

Layout is deterministic and independent of dict order (a network that went through PostgreSQL's
``jsonb`` comes back with its keys re-ordered): hosts and interfaces in natural name order,
segments in the order a walk from the first host meets them. Segments are switch bars stacked
top to bottom; a host sits in the band just below the first bar it is plugged into (a host only
on the first segment sits above it), so a chain ``A - net1 - R - net2 - C`` reads top-down.

The path of the last packet is a JSON-serialisable dict built by :mod:`lessons.packet_path`
(re-exported here: ``packet_path``, ``describe_path``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any

from lessons.packet_path import describe_path, leg_sentence, packet_path

__all__ = ["Diagram", "describe", "describe_path", "natural_key", "packet_path", "render"]

# -- geometry (px in the SVG's user space) ----------------------------------------------------
MARGIN = 16
SLOT_W = 176  # horizontal room per interface of a host
MIN_BOX_W = SLOT_W
PORT_INSET = 28  # from the left edge of an interface's slot to its line
BOX_H = 46
GAP = 24  # between two hosts of a band
LINE_ZONE = 66  # vertical room between a box and a bar, for the interface labels
BAR_H = 20
LINE_H = 13  # text line height of the interface labels
STUB = 18  # length of the stub drawn for an unplugged interface
MAX_ADDRESS_LINES = 3
LEG_OFFSET = {"request": -4, "probe": -4, "reply": 4}


@dataclass(frozen=True, slots=True)
class Diagram:
    svg: str
    description: tuple[str, ...]
    path_summary: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.description)


# -- layout ------------------------------------------------------------------------------------


def natural_key(name: str) -> tuple:
    """Sort ``eth2`` before ``eth10`` and ``R2`` before ``R10``."""
    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", name))


@dataclass(slots=True)
class _Port:
    name: str
    segment: str | None
    up: bool  # admin up
    carrier: bool
    addresses: list[str]
    x: float = 0.0


@dataclass(slots=True)
class _Box:
    name: str
    forwarding: bool
    ports: list[_Port]
    band: int = 0
    x: float = 0.0
    y: float = 0.0
    w: float = MIN_BOX_W

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + BOX_H / 2


@dataclass(slots=True)
class _Layout:
    boxes: dict[str, _Box]
    segments: list[str]
    bar_y: dict[str, float] = field(default_factory=dict)
    width: float = 0.0
    height: float = 0.0
    top: float = 0.0


def _collect(net: Any) -> tuple[dict[str, _Box], list[str]]:
    boxes: dict[str, _Box] = {}
    for name in sorted(net.hosts, key=natural_key):
        host = net.hosts[name]
        ports = []
        for iname in sorted(host.interfaces, key=natural_key):
            iface = host.interfaces[iname]
            if iface.loopback:
                continue
            ports.append(
                _Port(
                    name=iname,
                    segment=iface.segment,
                    up=bool(iface.admin_up),
                    carrier=iface.segment is not None,
                    addresses=[str(a) for a in iface.addresses],
                )
            )
        boxes[name] = _Box(name=name, forwarding=bool(host.forwarding), ports=ports)
    return boxes, _segment_order(boxes, list(net.segments))


def _segment_order(boxes: dict[str, _Box], segments: list[str]) -> list[str]:
    """Segments in the order a breadth-first walk from the first host meets them."""
    known = set(segments)
    members: dict[str, list[_Box]] = {s: [] for s in segments}
    for box in boxes.values():
        for port in box.ports:
            if port.segment in known:
                members[port.segment].append(box)
    order: list[str] = []
    seen: set[str] = set()
    for box in boxes.values():
        for port in box.ports:
            start = port.segment
            if start not in known or start in seen:
                continue
            queue = [start]
            seen.add(start)
            while queue:
                seg = queue.pop(0)
                order.append(seg)
                for member in members[seg]:
                    for p in member.ports:
                        if p.segment in known and p.segment not in seen:
                            seen.add(p.segment)
                            queue.append(p.segment)
    order += sorted((s for s in segments if s not in seen), key=natural_key)
    return order


def _assign_bands(boxes: dict[str, _Box], segments: list[str]) -> list[list[_Box]]:
    """Each host in the band just below the first bar it is plugged into (band 0: above the
    first bar, for hosts only on the first segment or on none)."""
    index = {s: i for i, s in enumerate(segments)}
    bands: list[list[_Box]] = [[] for _ in range(len(segments) + 1)]
    for box in boxes.values():
        used = sorted({index[p.segment] for p in box.ports if p.segment in index})
        box.band = 0 if not used or used == [0] else used[0] + 1
        bands[box.band].append(box)
        box.w = max(MIN_BOX_W, SLOT_W * len(box.ports))
    return bands


def _place(layout: _Layout, bands: list[list[_Box]], band_w: list[float], band_h: float) -> None:
    """Centre each band's boxes, put each interface's line in its slot, and stack the bars."""
    for b, band in enumerate(bands):
        top = MARGIN + b * (band_h + BAR_H)
        x = (layout.width - band_w[b]) / 2
        for box in band:
            box.x, box.y = x, top + LINE_ZONE
            for k, port in enumerate(box.ports):
                # the line on the left of its slot, its label to the right within the slot
                port.x = box.x + SLOT_W * k + PORT_INSET
            x += box.w + GAP
    for i, seg in enumerate(layout.segments):
        layout.bar_y[seg] = MARGIN + (i + 1) * (band_h + BAR_H) - BAR_H


def _bottom(layout: _Layout, bands: list[list[_Box]], band_h: float) -> float:
    """Where the drawing ends: the last boxes' labels or the last bar, whichever is lower."""
    segments = layout.segments
    last = max((b for b, band in enumerate(bands) if band), default=0)
    bottom = MARGIN + last * (band_h + BAR_H) + band_h
    hangs_below = any(
        p.segment is None or p.segment not in layout.bar_y for box in bands[last] for p in box.ports
    )
    if last > 0 and not hangs_below:
        bottom -= LINE_ZONE - MARGIN  # nothing hangs below the last boxes
    if segments:
        bottom = max(bottom, layout.bar_y[segments[-1]] + BAR_H + MARGIN)
    if last < len(segments):  # nothing below the last bar
        bottom = max(layout.bar_y[segments[-1]] + BAR_H + MARGIN, bottom - LINE_ZONE)
    return bottom


def _layout(net: Any) -> _Layout:
    boxes, segments = _collect(net)
    bands = _assign_bands(boxes, segments)
    band_w = [sum(b.w for b in band) + GAP * max(0, len(band) - 1) for band in bands]
    band_h = LINE_ZONE + BOX_H + LINE_ZONE
    width = max([2 * MARGIN + w for w in band_w] + [360])
    layout = _Layout(boxes=boxes, segments=segments, width=width)
    _place(layout, bands, band_w, band_h)
    # trim: band 0 needs no room above its boxes; an empty last band needs no room at all
    layout.top = MARGIN + LINE_ZONE - MARGIN if bands[0] else MARGIN + band_h - MARGIN
    layout.height = _bottom(layout, bands, band_h) - layout.top + MARGIN
    return layout


# -- drawing -----------------------------------------------------------------------------------


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _port_geometry(layout: _Layout, box: _Box, port: _Port) -> tuple[float, float, bool] | None:
    """(y on the box edge, y at the bar, goes up) for a plugged port."""
    if port.segment not in layout.bar_y:
        return None
    bar = layout.bar_y[port.segment]
    if bar < box.y:
        return box.y, bar + BAR_H, True
    return box.y + BOX_H, bar, False


def _state_word(port: _Port) -> str:
    if not port.carrier:
        return "no cable"
    if not port.up:
        return "down"
    return "up"


def _draw_port(out: list[str], layout: _Layout, box: _Box, port: _Port) -> None:
    geom = _port_geometry(layout, box, port)
    state = _state_word(port)
    css = "link" if state == "up" else "link link-down"
    if geom is None:
        y1, y2, up = box.y + BOX_H, box.y + BOX_H + STUB, False
    else:
        y1, y2, up = geom
    title = f"{box.name} {port.name}: {state}"
    out.append(
        f'<line class="{css}" x1="{_num(port.x)}" y1="{_num(y1)}" '
        f'x2="{_num(port.x)}" y2="{_num(y2)}"><title>{_e(title)}</title></line>'
    )
    if geom is None:
        out.append(f'<circle class="link-end" cx="{_num(port.x)}" cy="{_num(y2)}" r="3"></circle>')
    lines = [port.name if state == "up" else f"{port.name} ({state})"]
    addresses = port.addresses
    if len(addresses) > MAX_ADDRESS_LINES:
        addresses = addresses[: MAX_ADDRESS_LINES - 1] + [
            f"+{len(port.addresses) - MAX_ADDRESS_LINES + 1} more"
        ]
    lines += addresses or ["no address"]
    start = (y2 + 14) if up else (y1 + 14)
    text_x = port.x + 6
    out.append(f'<text class="port-label" x="{_num(text_x)}" y="{_num(start)}">')
    for k, line in enumerate(lines):
        cls = "port-name" if k == 0 else "port-address"
        dy = "0" if k == 0 else str(LINE_H)
        out.append(f'<tspan class="{cls}" x="{_num(text_x)}" dy="{dy}">{_e(line)}</tspan>')
    out.append("</text>")


def _draw_box(out: list[str], box: _Box) -> None:
    out.append(f'<g class="host" data-host="{_e(box.name)}">')
    out.append(
        f'<rect class="host-box" x="{_num(box.x)}" y="{_num(box.y)}" width="{_num(box.w)}" '
        f'height="{BOX_H}" rx="6"></rect>'
    )
    name_y = box.y + (19 if box.forwarding else BOX_H / 2 + 5)
    out.append(
        f'<text class="host-name" x="{_num(box.cx)}" y="{_num(name_y)}" '
        f'text-anchor="middle">{_e(box.name)}</text>'
    )
    if box.forwarding:
        out.append(
            f'<text class="host-role" x="{_num(box.cx)}" y="{_num(box.y + 36)}" '
            f'text-anchor="middle">forwards packets</text>'
        )
    out.append("</g>")


def _find_port(box: _Box | None, name: str | None) -> _Port | None:
    if box is None or name is None:
        return None
    return next((p for p in box.ports if p.name == name), None)


def _leg_points(layout: _Layout, leg: dict) -> list[tuple[float, float]]:
    """Polyline points of one leg: from the sender's interface down (or up) to the switch, along
    it, into the next host's interface, and so on. Inside a host the line runs under its box
    (boxes are drawn on top), so a leg starts and ends on the edge of a box."""
    boxes = layout.boxes
    hops = [h for h in leg.get("hops", []) if h and h[0] in boxes]
    points: list[tuple[float, float]] = []
    for k, (host, _in, out_name) in enumerate(hops):
        box = boxes[host]
        port = _find_port(box, out_name)
        geom = _port_geometry(layout, box, port) if port else None
        if geom is None:
            continue
        bar_mid = layout.bar_y[port.segment] + BAR_H / 2
        points += [(port.x, geom[0]), (port.x, bar_mid)]
        if k + 1 < len(hops):
            nxt = boxes[hops[k + 1][0]]
            in_port = _find_port(nxt, hops[k + 1][1])
        else:
            nxt = boxes.get(leg.get("receiver") or "")
            in_port = None
            if nxt is not None:
                in_port = next((p for p in nxt.ports if p.segment == port.segment), None)
        if nxt is not None and in_port is not None:
            in_geom = _port_geometry(layout, nxt, in_port)
            if in_geom is not None:
                points += [(in_port.x, bar_mid), (in_port.x, in_geom[0])]
    deduped: list[tuple[float, float]] = []
    for p in points:
        if not deduped or deduped[-1] != p:
            deduped.append(p)
    return deduped


def _draw_path(out: list[str], layout: _Layout, path: dict) -> list[str]:
    """Draw the legs' polylines into ``out``; return the drop markers, drawn over the boxes."""
    markers: list[str] = []
    for leg in path.get("legs", []):
        role = leg.get("role", "probe")
        if role not in LEG_OFFSET:
            role = "probe"
        off = LEG_OFFSET[role]
        shifted = [(x + off, y) for x, y in _leg_points(layout, leg)]
        if len(shifted) > 1:
            pts = " ".join(f"{_num(x)},{_num(y)}" for x, y in shifted)
            out.append(
                f'<polyline class="path path-{role}" points="{pts}" '
                f'marker-end="url(#arrow-{role})"><title>{_e(leg_sentence(leg))}</title>'
                f"</polyline>"
            )
        drop = leg.get("drop")
        if not drop:
            continue
        if len(shifted) > 1:
            x, y = shifted[-1]
        else:  # nothing left the host: mark the host itself
            box = layout.boxes.get(str(drop.get("host", "")))
            if box is None:
                continue
            x, y = box.x + box.w - 4, box.y + 4
        where = f"Dropped at {drop.get('host', '')}: {drop.get('detail', '')}"
        markers.append(
            f'<g class="drop" transform="translate({_num(x)} {_num(y)})">'
            f"<title>{_e(where)}</title>"
            '<circle r="9"></circle><path d="M-4,-4 L4,4 M4,-4 L-4,4"></path></g>'
        )
    return markers


_DEFS = (
    "<defs>"
    + "".join(
        f'<marker id="arrow-{role}" class="arrow-{role}" viewBox="0 0 10 10" refX="8" refY="5" '
        'markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z"></path></marker>'
        for role in ("request", "reply", "probe")
    )
    + "</defs>"
)


def render(net: Any, path: dict | None = None) -> Diagram:
    """Draw ``net`` (and the last packet's ``path``) as SVG with a text alternative."""
    layout = _layout(net)
    description = describe(net, layout)
    summary = describe_path(path) if path else ""
    if summary:
        description = (*description, summary)

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="topology" role="img" '
        f'viewBox="0 {_num(layout.top)} {_num(layout.width)} {_num(layout.height)}" '
        f'width="{_num(layout.width)}" height="{_num(layout.height)}" '
        f'aria-labelledby="topology-title topology-desc">',
        '<title id="topology-title">Network diagram</title>',
        f'<desc id="topology-desc">{_e(" ".join(description))}</desc>',
        _DEFS,
    ]
    names = []  # drawn over the path, which runs along the bars
    for seg in layout.segments:
        y = layout.bar_y[seg]
        out.append(
            f'<g class="segment" data-segment="{_e(seg)}">'
            f'<rect class="switch" x="{MARGIN}" y="{_num(y)}" '
            f'width="{_num(layout.width - 2 * MARGIN)}" height="{BAR_H}" rx="3"></rect></g>'
        )
        names.append(
            f'<text class="switch-name" x="{MARGIN + 8}" y="{_num(y + BAR_H - 6)}">'
            f"switch {_e(seg)}</text>"
        )
    for box in layout.boxes.values():
        for port in box.ports:
            _draw_port(out, layout, box, port)
    markers = _draw_path(out, layout, path) if path else []
    out += names
    for box in layout.boxes.values():
        _draw_box(out, box)
    out += markers
    out.append("</svg>")
    return Diagram(svg="".join(out), description=description, path_summary=summary)


# -- the text alternative ----------------------------------------------------------------------


def _join(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def describe(net: Any, layout: _Layout | None = None) -> tuple[str, ...]:
    """Sentences describing the topology: one for the switches, one per host."""
    layout = layout or _layout(net)
    hosts = list(layout.boxes.values())
    lines = []
    n_h, n_s = len(hosts), len(layout.segments)
    head = f"{n_h} host{'s' if n_h != 1 else ''} and {n_s} switch{'es' if n_s != 1 else ''}"
    if layout.segments:
        parts = []
        for seg in layout.segments:
            on = [b.name for b in hosts if any(p.segment == seg for p in b.ports)]
            parts.append(f"{seg} ({_join(on) if on else 'nothing plugged in'})")
        head += ": " + "; ".join(parts)
    lines.append(head + ".")
    for box in hosts:
        ports = []
        for port in box.ports:
            where = f"on {port.segment}" if port.segment else "no cable"
            addr = _join(port.addresses) if port.addresses else "no address"
            state = _state_word(port)
            ports.append(
                f"{port.name} {addr}, {where}" + (f", {state}" if state not in ("up",) else "")
                if port.segment
                else f"{port.name} {addr}, {where}"
            )
        sentence = f"Host {box.name}: " + ("; ".join(ports) if ports else "no network interfaces")
        if box.forwarding:
            sentence += "; forwards packets (ip_forward is 1)"
        lines.append(sentence + ".")
    return tuple(lines)
