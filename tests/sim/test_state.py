"""to_dict / from_dict: a workspace saved as JSON comes back exactly as it was."""

from __future__ import annotations

import json

import pytest

from netlearn.sim import Network, ScenarioError

COMMANDS = [
    ("A", "ip addr add 192.165.1.20/24 dev eth0"),
    ("A", "ip addr add 10.5.0.1/16 brd + dev eth0"),
    ("A", "ip route add 10.9.0.0/16 via 192.165.1.1 metric 20"),
    ("A", "ip route add 10.8.0.0/16 via 192.165.3.1 dev eth0 onlink"),
    ("B", "ip link set eth0 down"),
    ("R", "echo 2 > /proc/sys/net/ipv4/ip_forward"),
    ("A", "echo '10.0.0.1 db' >> /etc/hosts"),
    ("A", "GREETING=hi"),
]


def test_state_round_trips_through_json(reference):
    for host, line in COMMANDS:
        assert reference.run(host, line).status == 0, line
    reference.hosts["C"].set_segment("eth0", None)
    reference.clock = 12.5
    state = json.loads(json.dumps(reference.to_dict()))
    restored = Network.from_dict(state)
    assert restored.to_dict() == reference.to_dict()
    for host in reference.hosts:
        for line in ("ip a", "ip r", "ip link", "cat /etc/hosts /proc/sys/net/ipv4/ip_forward"):
            assert restored.run(host, line).output == reference.run(host, line).output


def test_state_keeps_clock_command_count_services_and_files(reference):
    reference.run("A", "true")
    reference.hosts["NS1"].services["dns"] = {"zones": {"example.com": "@ 300 IN A 1.2.3.4"}}
    restored = Network.from_dict(json.loads(json.dumps(reference.to_dict())))
    assert restored.commands_run == 1
    assert restored.hosts["NS1"].services == reference.hosts["NS1"].services
    assert restored.hosts["A"].files == reference.hosts["A"].files


def test_a_restored_network_keeps_working(reference):
    restored = Network.from_dict(reference.to_dict())
    assert restored.run("A", "ip route del default").status == 0
    assert "default" in reference.run("A", "ip r").stdout  # the original is untouched


def test_a_state_of_another_version_is_refused():
    with pytest.raises(ScenarioError):
        Network.from_dict({"version": 99})


def test_saved_state_does_not_change_when_the_network_goes_on(reference):
    reference.hosts["NS1"].services["dns"] = {"zones": {}}
    state = reference.to_dict()
    reference.hosts["NS1"].services["dns"]["zones"]["x"] = "y"
    reference.run("A", "ip route del default")
    assert state["hosts"]["NS1"]["services"]["dns"] == {"zones": {}}
    restored = Network.from_dict(state)
    restored.hosts["NS1"].services["dns"]["zones"]["z"] = "w"
    assert state["hosts"]["NS1"]["services"]["dns"] == {"zones": {}}
