"""Traces: what the UI and the checks read from a ping (hops, drops, causes, explanations)."""

from __future__ import annotations

from ipaddress import IPv4Address

from netlearn.sim import trace as t
from netlearn.sim.forwarding import ping_once, send


def test_cause_codes_are_stable_strings():
    assert t.CAUSES == (
        "no-address",
        "link-down",
        "no-route",
        "no-return-route",
        "forwarding-off",
        "gateway-not-on-link",
        "no-arp-reply",
        "ttl-exceeded",
        "unreachable-dest",
        "wrong-host",
        "routing-loop",
        "broadcast",
    )


def test_a_delivered_trace_names_every_host_and_interface(reference):
    trace = send(reference, "A", "192.165.2.11")
    assert trace.delivered
    assert trace.routers == 1
    assert [(hop.host, hop.in_iface, hop.out_iface, hop.route) for hop in trace.hops] == [
        ("A", None, "eth0", "default via 192.165.1.1 dev eth0"),
        ("R", "eth0", "eth1", "192.165.2.0/24 dev eth1 proto kernel scope link src 192.165.2.1"),
    ]
    assert trace.receiver == "D"


def test_a_dropped_trace_ends_with_the_host_that_dropped_it(reference):
    reference.run("R", "sysctl -w net.ipv4.ip_forward=0")
    trace = send(reference, "A", "192.165.2.11")
    assert not trace.delivered
    assert trace.drop.host == "R"
    assert trace.drop.icmp is None
    assert trace.hops[-1].host == "R"
    assert trace.drop.detail == "R dropped the packet: net.ipv4.ip_forward is 0 on R"


def test_a_trace_keeps_the_source_address_the_kernel_chose(reference):
    assert send(reference, "A", "192.165.2.11").src == IPv4Address("192.165.1.10")


def test_a_reply_leaves_from_the_address_that_was_asked(reference):
    outcome = ping_once(reference, "A", "192.165.2.1")
    assert outcome.reply.src == IPv4Address("192.165.2.1")
    assert outcome.reply.sender == "R"


def test_a_trace_that_was_never_sent_has_no_hops(reference):
    reference.run("A", "ip route del default")
    trace = send(reference, "A", "10.1.1.1")
    assert not trace.sent
    assert trace.hops == ()
    assert trace.drop.cause == "no-route"


def test_the_outcome_counts_routers_both_ways(reference):
    outcome = ping_once(reference, "A", "192.165.2.11")
    assert outcome.routers == 2
    assert outcome.reply_ttl == 63


def test_traces_are_immutable_values(reference):
    trace = send(reference, "A", "192.165.2.11")
    assert trace == send(reference, "A", "192.165.2.11")
    assert hash(trace.hops[0]) == hash(send(reference, "A", "192.165.2.11").hops[0])
