"""The topology diagram (lessons/diagram.py): Django-free, deterministic, escaped."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from lessons.diagram import describe_path, packet_path, render
from netlearn.sim import Network

SVG = "{http://www.w3.org/2000/svg}"

ROUTED = {
    "segments": ["net1", "net2"],
    "hosts": {
        "A": {
            "interfaces": {"eth0": {"segment": "net1", "address": "192.165.1.10/24"}},
            "routes": ["192.165.2.0/24 via 192.165.1.1"],
        },
        "R": {
            "forwarding": True,
            "interfaces": {
                "eth0": {"segment": "net1", "address": "192.165.1.1/24"},
                "eth1": {"segment": "net2", "address": "192.165.2.1/24"},
            },
        },
        "C": {"interfaces": {"eth0": {"segment": "net2", "address": "192.165.2.10/24"}}},
        "D": {"interfaces": {"eth0": {"segment": "net2", "up": False}, "eth1": {}}},
    },
}


@pytest.fixture
def net() -> Network:
    return Network.from_scenario(ROUTED)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_it_draws_every_segment_host_and_address(net):
    diagram = render(net)
    root = parse(diagram.svg)
    segments = [g.get("data-segment") for g in root.iter(f"{SVG}g") if g.get("data-segment")]
    hosts = [g.get("data-host") for g in root.iter(f"{SVG}g") if g.get("data-host")]
    assert segments == ["net1", "net2"]
    assert sorted(hosts) == ["A", "C", "D", "R"]
    text = "".join(root.itertext())
    for address in ("192.165.1.10/24", "192.165.1.1/24", "192.165.2.1/24", "192.165.2.10/24"):
        assert address in text


def test_it_is_an_image_with_a_title_and_description(net):
    root = parse(render(net).svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "topology-title topology-desc"
    assert root.find(f"{SVG}title").text == "Network diagram"
    assert "R: eth0 192.165.1.1/24, on net1" in root.find(f"{SVG}desc").text


def test_the_text_alternative_names_switches_hosts_and_link_state(net):
    lines = render(net).description
    assert lines[0] == "4 hosts and 2 switches: net1 (A and R); net2 (C, D and R)."
    assert "Host D: eth0 no address, on net2, down; eth1 no address, no cable." in lines
    assert any(line.startswith("Host R:") and "forwards packets" in line for line in lines)


def test_down_and_unplugged_links_are_drawn_dashed(net):
    root = parse(render(net).svg)
    titles = {line.find(f"{SVG}title").text: line.get("class") for line in root.iter(f"{SVG}line")}
    assert titles["D eth0: down"] == "link link-down"
    assert titles["D eth1: no cable"] == "link link-down"
    assert titles["A eth0: up"] == "link"


def test_the_layout_does_not_depend_on_dict_order(net):
    state = net.to_dict()
    shuffled = json.loads(json.dumps(state))
    shuffled["hosts"] = dict(reversed(list(shuffled["hosts"].items())))
    shuffled["segments"] = list(reversed(shuffled["segments"]))
    assert render(Network.from_dict(shuffled)).svg == render(Network.from_dict(state)).svg


def test_a_router_sits_between_the_switches_it_joins(net):
    root = parse(render(net).svg)
    bars = {
        g.get("data-segment"): float(g.find(f"{SVG}rect").get("y"))
        for g in root.iter(f"{SVG}g")
        if g.get("data-segment")
    }
    boxes = {
        g.get("data-host"): float(g.find(f"{SVG}rect").get("y"))
        for g in root.iter(f"{SVG}g")
        if g.get("data-host")
    }
    assert boxes["A"] < bars["net1"] < boxes["R"] < bars["net2"] < boxes["C"]


def test_a_delivered_ping_is_drawn_as_a_request_and_a_reply(net):
    net.run("C", "ip route add default via 192.165.2.1")
    result = net.run("A", "ping -c 1 192.165.2.10")
    path = packet_path("ping -c 1 192.165.2.10", result.trace)
    assert json.loads(json.dumps(path)) == path  # stored with the workspace
    diagram = render(net, path)
    root = parse(diagram.svg)
    classes = [p.get("class") for p in root.iter(f"{SVG}polyline")]
    assert classes == ["path path-request", "path path-reply"]
    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "drop"]
    assert diagram.path_summary == (
        "Last ping to 192.165.2.10: Request A → R → C: delivered to C; "
        "Reply C → R → A: delivered to A."
    )


def test_where_a_packet_was_dropped_is_marked_and_explained(net):
    result = net.run("A", "ping -c 1 192.165.2.10")  # C has no route back
    diagram = render(net, packet_path("ping", result.trace))
    root = parse(diagram.svg)
    drops = [g for g in root.iter(f"{SVG}g") if g.get("class") == "drop"]
    assert len(drops) == 1
    assert drops[0].find(f"{SVG}title").text.startswith("Dropped at C: C has no route back")
    assert "dropped at C: C has no route back to 192.165.1.0/24" in diagram.text


def test_a_ping_that_cannot_leave_marks_the_sender(net):
    result = net.run("C", "ping -c 1 10.9.9.9")
    path = packet_path("ping", result.trace)
    diagram = render(net, path)
    assert "Request C: dropped at C: C has no route to 10.9.9.9" in diagram.path_summary
    assert 'class="drop"' in diagram.svg


def test_traceroute_draws_its_last_probe(net):
    net.run("C", "ip route add default via 192.165.2.1")
    result = net.run("A", "traceroute -n 192.165.2.10")
    path = packet_path("traceroute -n 192.165.2.10", result.trace)
    assert path["command"] == "traceroute"
    assert [leg["role"] for leg in path["legs"]] == ["probe"]
    assert (
        describe_path(path) == "Last traceroute to 192.165.2.10: Packet A → R → C: delivered to C."
    )
    assert 'class="path path-probe"' in render(net, path).svg


def test_commands_without_packets_have_no_path(net):
    assert packet_path("ip a", net.run("A", "ip a").trace) is None
    assert packet_path("ping", None) is None


def test_every_text_is_escaped():
    scenario = {
        "segments": ["lan"],
        "hosts": {"A": {"interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.1/24"}}}},
    }
    net = Network.from_scenario(scenario)
    evil = {
        "command": "<script>",
        "dst": '"><img src=x>',
        "legs": [
            {
                "role": "request",
                "sender": "A",
                "hops": [["A", None, "eth0"]],
                "receiver": None,
                "drop": {"host": "A", "cause": "x", "detail": "<b>&</b>"},
            }
        ],
    }
    svg = render(net, evil).svg
    parse(svg)  # still well-formed XML
    assert "<script>" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in svg


def test_it_is_deterministic(net):
    result = net.run("A", "ping -c 1 192.165.2.10")
    path = packet_path("ping", result.trace)
    assert render(net, path) == render(net, path)
    assert not re.search(
        r'(?:x|y|x1|y1|x2|y2|width|height)="-?\d+\.\d{2,}"', render(net, path).svg
    )  # rounded coordinates
