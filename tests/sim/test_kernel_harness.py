"""The kernel harness itself: it builds the transcripts' topology, traffic flows, it leaves nothing
behind, and its normalisation turns capture artifacts into the physical-host form."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

try:  # tests/sim is a rootdir-inserted directory today; a package tomorrow, perhaps
    from . import kernel as harness
    from .kernel import (
        NETNS_ETC,
        REFERENCE,
        KernelLab,
        KernelLabError,
        cleanup_stale,
        mask_timings,
        normalise_kernel,
        own_namespaces,
        unavailable_reason,
    )
except ImportError:
    import kernel as harness
    from kernel import (
        NETNS_ETC,
        REFERENCE,
        KernelLab,
        KernelLabError,
        cleanup_stale,
        mask_timings,
        normalise_kernel,
        own_namespaces,
        unavailable_reason,
    )

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "data/linux-networking-transcripts.json"


@pytest.fixture(scope="module")
def kernel():
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"kernel differential test needs root and ip netns: {reason}")
    cleanup_stale()
    yield
    assert own_namespaces() == [], "a KernelLab leaked namespaces"


# --- normalisation (no root needed) ---------------------------------------------------------


def test_it_turns_veth_names_into_physical_names():
    kernel_text = (
        "2: eth0@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP "
        "group default qlen 1000 link-netns ref-sw1\n"
        "    inet 192.165.1.10/24 scope global eth0\n"
    )
    assert normalise_kernel(kernel_text) == (
        "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP "
        "group default qlen 1000\n"
        "    inet 192.165.1.10/24 scope global eth0\n"
    )


def test_it_keeps_loopback_and_never_up_qdiscs():
    text = (
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT\n"
        "2: eth0@if3: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT\n"
    )
    assert normalise_kernel(text) == text.replace("eth0@if3", "eth0")


def test_it_drops_the_netns_lookup_race_message():
    assert normalise_kernel("Error: Peer netns reference is invalid.\n") == ""


def test_it_repads_brief_output():
    assert normalise_kernel("eth0@if3         UP             1.2.3.4/24 \n") == (
        "eth0             UP             1.2.3.4/24 \n"
    )


def test_it_masks_ping_and_traceroute_timings():
    ping = (
        "64 bytes from 192.165.2.10: icmp_seq=1 ttl=63 time=0.107 ms\n"
        "1 packets transmitted, 1 received, 0% packet loss, time 0ms\n"
        "rtt min/avg/max/mdev = 0.107/0.107/0.107/0.000 ms\n"
        " 1  192.165.1.1  0.056 ms  0.012 ms  0.011 ms\n"
    )
    assert mask_timings(ping) == (
        "64 bytes from 192.165.2.10: icmp_seq=1 ttl=63 time=<t> ms\n"
        "1 packets transmitted, 1 received, 0% packet loss, time <T>ms\n"
        "rtt min/avg/max/mdev = <rtt>\n"
        " 1  192.165.1.1  <t> ms  <t> ms  <t> ms\n"
    )


def test_no_capture_artifact_survives_normalisation_of_the_transcripts():
    entries = json.loads(TRANSCRIPTS.read_text())
    ip_outputs = [e["stdout"] for e in entries if e["command"].startswith("ip ")]
    assert any("@if" in out for out in ip_outputs)
    for out in ip_outputs:
        clean = normalise_kernel(out)
        assert "@if" not in clean
        assert "link-netns" not in clean
        for line in clean.splitlines():
            if "qdisc noqueue" in line:
                assert line.startswith(("1: lo:", "lo ")) or "master br0" in line, line


def test_it_says_why_it_cannot_run(monkeypatch):
    monkeypatch.setattr(harness, "TOOLS", ("ip", "no-such-tool-nlt"))
    reason = unavailable_reason()
    assert reason in ("not running as root", "missing tools: no-such-tool-nlt")


# --- the lab (root and namespaces) ----------------------------------------------------------


@pytest.mark.kernel
@pytest.mark.slow
def test_it_builds_the_reference_topology_and_traffic_flows(kernel):
    with KernelLab(REFERENCE) as lab:
        same_net = lab.run("A", "ping -c 1 -W 1 192.165.1.11")
        assert same_net.status == 0, same_net
        assert "ttl=64" in same_net.stdout
        routed = lab.run("A", "ping -c 1 -W 1 192.165.2.11")
        assert routed.status == 0, routed
        assert "ttl=63" in routed.stdout
        link = lab.run("A", "ip link show dev eth0")
        assert "02:00:c0:a5:01:0a" in link.stdout
        assert normalise_kernel(link.stdout).startswith(
            "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP>"
        )
        assert lab.run("R", "sysctl -n net.ipv4.ip_forward").stdout == "1\n"
        assert lab.run("A", "sysctl -n net.ipv4.ip_forward").stdout == "0\n"
        assert lab.run("A", "ip route").stdout == (
            "default via 192.165.1.1 dev eth0 \n"
            "192.165.1.0/24 dev eth0 proto kernel scope link src 192.165.1.10 \n"
        )
    assert own_namespaces() == []


@pytest.mark.kernel
@pytest.mark.slow
def test_each_host_has_its_own_name_files(kernel):
    scenario = {
        "segments": ["net1"],
        "hosts": {
            "A": {
                "interfaces": {"eth0": {"segment": "net1", "address": "192.165.1.10/24"}},
                "hosts_file": "192.165.1.11 db\n",
                "resolv_conf": "nameserver 192.165.1.53\n",
            },
            "B": {"interfaces": {"eth0": {"segment": "net1", "address": "192.165.1.11/24"}}},
        },
    }
    with KernelLab(scenario) as lab:
        etc = NETNS_ETC / lab.host_ns["A"]
        assert lab.run("A", "cat /etc/hosts").stdout == "192.165.1.11 db\n"
        assert lab.run("A", "cat /etc/resolv.conf").stdout == "nameserver 192.165.1.53\n"
        assert lab.run("B", "getent hosts db").status == 2
        assert lab.run("A", "getent hosts db").stdout.split() == ["192.165.1.11", "db"]
        assert lab.run("A", "ping -c 1 -W 1 db").status == 0
    assert not etc.exists()


@pytest.mark.kernel
@pytest.mark.slow
def test_an_interface_without_segment_has_no_carrier(kernel):
    scenario = {
        "segments": [],
        "hosts": {"A": {"interfaces": {"eth0": {"address": "10.9.0.1/24"}}}},
    }
    with KernelLab(scenario) as lab:
        assert "<NO-CARRIER,BROADCAST,MULTICAST,UP>" in lab.run("A", "ip link show eth0").stdout
        assert lab.run("A", "ip route").stdout.endswith("linkdown \n")


@pytest.mark.kernel
@pytest.mark.slow
def test_a_failed_build_removes_what_it_made(kernel):
    scenario = {
        "segments": ["net1"],
        "hosts": {
            "A": {
                "interfaces": {"eth0": {"segment": "net1", "address": "192.165.1.10/24"}},
                "routes": ["10.0.0.0/8 via 192.165.3.1"],  # gateway off-link: the kernel refuses
            }
        },
    }
    with pytest.raises(KernelLabError, match="Nexthop has invalid gateway"), KernelLab(scenario):
        pass
    assert own_namespaces() == []


@pytest.mark.kernel
@pytest.mark.slow
def test_a_hung_command_is_killed_at_the_timeout(kernel):
    scenario = {"segments": [], "hosts": {"A": {"interfaces": {}}}}
    with KernelLab(scenario, timeout=0.5) as lab:
        out = lab.run("A", "sleep 30")
        assert out.status == 124
        assert "timed out" in out.stderr
    assert own_namespaces() == []


@pytest.mark.kernel
@pytest.mark.slow
def test_stale_cleanup_removes_only_dead_runs(kernel):
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = f"nlt-{dead.pid}-abcdef-h0"
    live = f"nlt-{os.getpid()}-abcdef-h0"
    try:
        for name in (stale, live):
            subprocess.run(["ip", "netns", "add", name], check=True)
        (NETNS_ETC / stale).mkdir(parents=True, exist_ok=True)
        removed = cleanup_stale()
        assert stale in removed
        assert live not in removed
        assert not (NETNS_ETC / stale).exists()
        assert live in own_namespaces()
    finally:
        for name in (stale, live):
            subprocess.run(["ip", "netns", "del", name], capture_output=True)
        subprocess.run(["rm", "-rf", str(NETNS_ETC / stale)])
