"""`ip neigh` / `arp -n`: the ARP table each host fills while delivering packets.

Transcripts #257-#259 and #266 (section 4): A pings B, then addresses nobody owns. Linux lists
entries in hash order and with varying states; the simulator lists them in the order learned,
REACHABLE for 30 s of the simulated clock, then STALE, and FAILED when nobody answered.
"""

from __future__ import annotations

import json

import pytest
from transcripts import load

from netlearn.sim import Network


def transcript(number: int) -> dict:
    return next(t for t in load() if t["id"] == number)


@pytest.mark.parametrize("number", [257, 258, 259])
def test_after_pinging_b_a_knows_bs_mac(reference, number):
    item = transcript(number)
    reference.run("A", "ping -c 3 -W 1 192.165.1.11")
    actual = reference.run("A", item["command"])
    assert (actual.stdout, actual.stderr, actual.status) == (item["stdout"], "", 0)


def test_unanswered_next_hops_are_failed(reference):
    for line in (
        "ping -c 3 -W 1 192.165.1.11",
        "ping -c 1 -W 1 192.165.1.99",
        "ping -c 1 -W 5 192.165.1.98",
        "ping -w 4 192.165.1.97",
        "ping -c 1 -W 1 192.165.1.1",
    ):
        reference.run("A", line)
    expected = transcript(266)["stdout"].splitlines(keepends=True)
    actual = reference.run("A", "ip neigh").stdout.splitlines(keepends=True)
    assert sorted(actual) == sorted(expected)  # Linux's order is its hash order


def test_a_router_learns_both_sides(reference):
    reference.run("A", "ping -c 1 192.165.2.10")
    out = reference.run("R", "ip neigh").stdout
    assert "192.165.1.10 dev eth0 lladdr 02:00:c0:a5:01:0a REACHABLE \n" in out
    assert "192.165.2.10 dev eth1 lladdr 02:00:c0:a5:02:0a REACHABLE \n" in out
    assert "192.165.1.1 dev eth0 lladdr 02:00:c0:a5:01:01 REACHABLE \n" in (
        reference.run("A", "ip n").stdout
    )


def test_entries_go_stale_after_30_seconds(reference):
    reference.run("A", "ping -c 1 192.165.1.11")
    reference.run("A", "sleep 31")
    assert reference.run("A", "ip neigh").stdout == (
        "192.165.1.11 dev eth0 lladdr 02:00:c0:a5:01:0b STALE \n"
    )
    reference.run("A", "ping -c 1 192.165.1.11")
    assert "REACHABLE" in reference.run("A", "ip neigh").stdout


def test_after_unplugging_b_its_entry_fails(reference):
    reference.run("A", "ping -c 1 192.165.1.11")
    reference.hosts["B"].set_segment("eth0", None)
    reference.run("A", "ping -c 1 -W 5 192.165.1.11")
    assert reference.run("A", "ip neigh show 192.165.1.11").stdout == (
        "192.165.1.11 dev eth0 FAILED \n"
    )


def test_flush_and_link_down_empty_the_table(reference):
    reference.run("A", "ping -c 1 192.165.1.11")
    assert reference.run("A", "ip neigh show dev eth0").stdout == (
        "192.165.1.11 lladdr 02:00:c0:a5:01:0b REACHABLE \n"
    )
    assert reference.run("A", "ip neigh flush dev eth0").output == ""
    assert reference.run("A", "ip neigh").stdout == ""
    assert reference.run("A", "arp -n").stdout == ""
    reference.run("A", "ping -c 1 192.165.1.11")
    reference.run("A", "ip link set eth0 down")
    assert reference.run("A", "ip neigh").stdout == ""


def test_the_table_survives_saving_the_state(reference):
    reference.run("A", "ping -c 1 192.165.1.11")
    reference.run("A", "ping -c 1 -W 5 192.165.1.98")
    restored = Network.from_dict(json.loads(json.dumps(reference.to_dict())))
    assert restored.to_dict() == reference.to_dict()
    assert restored.run("A", "ip neigh").output == reference.run("A", "ip neigh").output


def test_grading_leaves_the_arp_tables_alone(reference):
    reference.run("A", "ping -c 1 192.165.1.11")
    before = reference.to_dict()
    assert reference.check({"check": "reachable", "from": "A", "to": "192.165.2.11"}).passed
    assert reference.to_dict() == before
