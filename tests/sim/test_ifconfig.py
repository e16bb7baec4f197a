"""`ifconfig` (net-tools 2.10), replayed against the section-2 transcripts (#128-#131).

Their state is "A: eth0 UP with 192.165.1.10/24" (plain `ip addr add`, so no broadcast), which
the configured reference network has. Packet counters are not simulated (always 0): the
transcripts' counters are normalised to 0 before comparing.
"""

from __future__ import annotations

import re

import pytest
from transcripts import load, normalise


def zero_counters(text: str) -> str:
    text = re.sub(r"packets \d+  bytes \d+ \([\d.]+ \w*B\)", "packets 0  bytes 0 (0.0 B)", text)
    return re.sub(r"dropped \d+", "dropped 0", text)


IFCONFIG = [t for t in (load() or []) if t["command"].startswith("ifconfig")]


@pytest.mark.parametrize("item", IFCONFIG, ids=lambda t: f"#{t['id']} {t['command']}")
def test_it_matches_the_kernel_transcript(reference, item):
    actual = reference.run(item["host"], item["command"])
    assert (actual.stdout, actual.stderr, actual.status) == (
        zero_counters(normalise(item["stdout"])),
        normalise(item["stderr"]),
        item["exit_status"],
    )


def test_a_down_interface_shows_only_with_minus_a(sh):
    assert sh("ifconfig eth0 down").output == ""
    assert "eth0:" not in sh("ifconfig").stdout
    assert sh("ifconfig -a").stdout.startswith("eth0: flags=4098<BROADCAST,MULTICAST>  mtu 1500\n")
    assert "Network is unreachable" in sh("ping -c 1 192.165.1.11").stderr
    sh("ifconfig eth0 up")
    assert sh("ifconfig").stdout.startswith("eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>")
    assert "192.165.1.0/24 dev eth0" in sh("ip route").stdout


def test_no_cable_is_up_but_not_running(reference):
    reference.hosts["A"].set_segment("eth0", None)
    out = reference.run("A", "ifconfig eth0").stdout
    assert out.startswith("eth0: flags=4099<UP,BROADCAST,MULTICAST>  mtu 1500\n")


def test_setting_an_address_sets_netmask_broadcast_and_brings_the_link_up(sh):
    sh("ip link set eth0 down")
    assert sh("ifconfig eth0 192.165.1.20 netmask 255.255.255.0").output == ""
    assert "inet 192.165.1.20  netmask 255.255.255.0  broadcast 192.165.1.255\n" in (
        sh("ifconfig eth0").stdout
    )
    assert "inet 192.165.1.20/24 brd 192.165.1.255 scope global eth0\n" in sh("ip a").stdout
    assert "192.165.1.10" not in sh("ip a show eth0").stdout  # replaced, as SIOCSIFADDR does
    assert "src 192.165.1.20" in sh("ip route").stdout
    assert sh("ping -c 1 192.165.1.11").status == 0


def test_without_netmask_the_prefix_is_classful(sh):
    sh("ifconfig eth0 10.1.2.3")
    assert "inet 10.1.2.3  netmask 255.0.0.0  broadcast 10.255.255.255\n" in sh("ifconfig").stdout
    sh("ifconfig eth0 netmask 255.255.0.0")
    assert "inet 10.1.2.3  netmask 255.255.0.0  broadcast 10.1.255.255\n" in sh("ifconfig").stdout
    sh("ifconfig eth0 172.16.5.1/24")
    assert "inet 172.16.5.1/24 brd 172.16.5.255" in sh("ip a").stdout


def test_errors(sh):
    # checked with net-tools 2.10 in a network namespace
    assert (sh("ifconfig eth9 up").stderr, sh("ifconfig eth9 up").status) == (
        "eth9: ERROR while getting interface flags: No such device\n",
        255,
    )
    bad = sh("ifconfig eth0 999.1.1.1")
    assert (bad.stderr, bad.status) == (
        "999.1.1.1: Unknown host\nifconfig: `--help' gives usage information.\n",
        1,
    )
