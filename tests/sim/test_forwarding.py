"""Forwarding: ARP on the segment, the weak host model, ip_forward, TTL, ICMP errors, the way back.

Every expectation here is how the Linux kernel behaves (see the reference transcripts, section 4,
and the module docstring of netlearn.sim.forwarding).
"""

from __future__ import annotations

import pytest

from netlearn.sim import Network
from netlearn.sim.forwarding import ping_once, send


def chain(routers: int, *, forwarding: bool = True) -> Network:
    """A - R1 - R2 - ... - Rn - B, each link its own /24, every host with the routes it needs."""
    hosts = {}
    segments = [f"n{i}" for i in range(routers + 1)]
    hosts["A"] = {
        "interfaces": {"eth0": {"segment": "n0", "address": "10.0.0.10/24"}},
        "routes": ["default via 10.0.0.1"],
    }
    for i in range(1, routers + 1):
        routes = []
        if i < routers:
            routes.append(f"default via 10.0.{i}.2")
        if i > 1:
            routes.append(f"10.0.0.0/24 via 10.0.{i - 1}.1")
        hosts[f"R{i}"] = {
            "forwarding": forwarding,
            "interfaces": {
                "eth0": {
                    "segment": f"n{i - 1}",
                    "address": f"10.0.{i - 1}.{1 if i == 1 else 2}/24",
                },
                "eth1": {"segment": f"n{i}", "address": f"10.0.{i}.1/24"},
            },
            "routes": routes,
        }
    hosts["B"] = {
        "interfaces": {"eth0": {"segment": f"n{routers}", "address": f"10.0.{routers}.10/24"}},
        "routes": [f"default via 10.0.{routers}.1"],
    }
    return Network.from_scenario({"segments": segments, "hosts": hosts})


def test_a_packet_on_the_same_segment_is_delivered_directly(lan):
    trace = send(lan, "A", "10.0.0.2")
    assert trace.receiver == "B"
    assert trace.path() == ["A", "B"]
    assert trace.ttl == 64


def test_each_router_decrements_the_ttl(reference):
    trace = send(reference, "A", "192.165.2.10")
    assert trace.path() == ["A", "R", "C"]
    assert trace.ttl == 63
    assert trace.hops[1].in_iface == "eth0"
    assert trace.hops[1].out_iface == "eth1"


def test_each_hop_records_the_route_it_used(reference):
    trace = send(reference, "A", "192.165.2.10")
    assert trace.hops[0].route == "default via 192.165.1.1 dev eth0"
    assert trace.hops[1].route.startswith("192.165.2.0/24 dev eth1 proto kernel")


def test_a_router_answers_for_its_other_address_with_forwarding_off(reference):
    reference.run("R", "sysctl -w net.ipv4.ip_forward=0")
    assert ping_once(reference, "A", "192.165.2.1").ok


def test_arp_is_answered_for_any_local_address_arp_ignore_0(reference):
    # A believes 192.165.2.1 (R's eth1 address) is on its own link: R answers ARP on eth0.
    reference.run("A", "ip route add 192.165.2.1/32 dev eth0")
    trace = send(reference, "A", "192.165.2.1")
    assert trace.receiver == "R"
    assert trace.hops[0].out_iface == "eth0"


def test_forwarding_off_drops_silently_at_the_router(reference):
    reference.run("R", "sysctl -w net.ipv4.ip_forward=0")
    outcome = ping_once(reference, "A", "192.165.2.10")
    assert outcome.kind == "timeout"
    assert outcome.cause == "forwarding-off"
    assert outcome.message == "R dropped the packet: net.ipv4.ip_forward is 0 on R"


def test_a_reply_without_a_way_back_is_a_timeout_naming_the_network(reference):
    reference.run("C", "ip route del default")
    outcome = ping_once(reference, "A", "192.165.2.10")
    assert outcome.kind == "timeout"
    assert outcome.cause == "no-return-route"
    assert "C has no route back to 192.165.1.0/24" in outcome.message


def test_no_route_on_the_sender_sends_nothing(reference):
    reference.run("A", "ip route del default")
    outcome = ping_once(reference, "A", "192.165.2.10")
    assert outcome.kind == "connect-failed"
    assert outcome.cause == "no-route"
    assert outcome.message == "A has no route to 192.165.2.0/24"
    assert outcome.request.hops == ()


def test_a_router_without_a_route_answers_net_unreachable(reference):
    outcome = ping_once(reference, "A", "192.165.3.10")
    assert (outcome.kind, outcome.error, str(outcome.error_from)) == (
        "error",
        "Destination Net Unreachable",
        "192.165.1.1",
    )
    assert outcome.cause == "no-route"


def test_a_router_that_cannot_arp_answers_host_unreachable_after_three_seconds(reference):
    outcome = ping_once(reference, "A", "192.165.2.99")
    assert (outcome.error, str(outcome.error_from), outcome.error_delay) == (
        "Destination Host Unreachable",
        "192.165.1.1",
        3.0,
    )
    assert outcome.cause == "unreachable-dest"


def test_the_sender_reports_its_own_arp_failure_from_its_own_address(reference):
    outcome = ping_once(reference, "A", "192.165.1.99")
    assert str(outcome.error_from) == "192.165.1.10"
    assert outcome.request.path() == ["A"]


def test_ttl_one_expires_at_the_first_router(reference):
    outcome = ping_once(reference, "A", "192.165.2.11", ttl=1)
    assert (outcome.error, str(outcome.error_from), outcome.cause) == (
        "Time to live exceeded",
        "192.165.1.1",
        "ttl-exceeded",
    )


def test_a_loop_between_two_routers_ends_when_the_ttl_runs_out():
    net = chain(2)
    net.run("R2", "ip route del default")
    net.run("R2", "ip route add 10.0.9.0/24 via 10.0.1.1")
    net.run("R1", "ip route add 10.0.9.0/24 via 10.0.1.2")
    outcome = ping_once(net, "A", "10.0.9.9")
    assert outcome.cause == "ttl-exceeded"
    assert "loop" in outcome.message
    assert outcome.request.routers <= 64


def test_a_packet_that_comes_back_to_its_sender_is_dropped_as_a_martian():
    net = chain(1)
    net.run("R1", "ip route add 10.0.9.0/24 via 10.0.0.10")
    net.run("A", "ip route add 10.0.9.0/24 via 10.0.0.1")
    outcome = ping_once(net, "A", "10.0.9.9")
    assert outcome.kind == "timeout"
    assert outcome.cause == "routing-loop"


def test_a_gateway_on_another_segment_is_not_on_link(reference):
    # A has an address in 192.165.2.0/24 by mistake but is plugged into net1.
    reference.run("A", "ip addr add 192.165.2.50/24 dev eth0")
    reference.run("A", "ip route add 10.9.0.0/16 via 192.165.2.10")
    outcome = ping_once(reference, "A", "10.9.0.1")
    assert outcome.cause == "gateway-not-on-link"
    assert "C's eth0" in outcome.message


def test_a_gateway_nobody_has_is_no_arp_reply(reference):
    reference.run("A", "ip route add 10.9.0.0/16 via 192.165.1.254")
    outcome = ping_once(reference, "A", "10.9.0.1")
    assert outcome.cause == "no-arp-reply"
    assert "192.165.1.254" in outcome.message


def test_an_unplugged_cable_is_link_down(reference):
    reference.hosts["A"].set_segment("eth0", None)
    outcome = ping_once(reference, "A", "192.165.1.11")
    assert outcome.cause == "link-down"


def test_a_neighbour_whose_interface_is_down_is_link_down(reference):
    reference.run("B", "ip link set eth0 down")
    outcome = ping_once(reference, "A", "192.165.1.11")
    assert outcome.cause == "link-down"
    assert "B's eth0 is down" in outcome.message


def test_an_administratively_down_link_is_named_on_the_sender(reference):
    reference.run("A", "ip link set eth0 down")
    outcome = ping_once(reference, "A", "192.165.1.11")
    assert outcome.cause == "link-down"
    assert "ip link set eth0 up" in outcome.message


def test_a_host_without_an_address_is_no_address():
    net = Network.from_scenario(
        {"segments": ["lan"], "hosts": {"A": {"interfaces": {"eth0": {"segment": "lan"}}}}}
    )
    assert ping_once(net, "A", "10.0.0.1").cause == "no-address"


def test_a_remote_broadcast_is_not_forwarded_by_the_router_on_that_network(reference):
    outcome = ping_once(reference, "A", "192.165.2.255")
    assert (outcome.kind, outcome.cause) == ("timeout", "broadcast")
    assert outcome.request.path() == ["A", "R"]


def test_pinging_yourself_goes_through_lo(reference):
    trace = send(reference, "A", "192.165.1.10")
    assert trace.receiver == "A"
    assert trace.hops[0].out_iface == "lo"
    assert ping_once(reference, "A", "127.0.0.1").ok


@pytest.mark.parametrize("routers", [1, 4, 20])
def test_a_chain_of_routers_is_crossed_in_order(routers):
    net = chain(routers)
    outcome = ping_once(net, "A", f"10.0.{routers}.10")
    assert outcome.ok
    assert outcome.request.path() == ["A", *[f"R{i}" for i in range(1, routers + 1)], "B"]
    assert outcome.reply_ttl == 64 - routers


def test_the_error_from_a_router_needs_its_own_way_back():
    net = chain(2)
    net.run("R2", "ip route del 10.0.0.0/24")
    net.run("R2", "ip route del default")
    outcome = ping_once(net, "A", "10.0.7.7")
    assert outcome.kind == "timeout"
    assert outcome.cause == "no-route"
    assert "cannot come back" in outcome.message


# -- against the real kernel (network namespaces; skipped where unavailable) ----------------------

TWO_ROUTERS = {
    "segments": ["lan", "net2"],
    "hosts": {
        "A": {
            "interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.10/24"}},
            "routes": ["default via 10.0.0.1"],
        },
        "R1": {
            "forwarding": True,
            "interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.1/24"}},
            "routes": ["10.0.2.0/24 via 10.0.0.2"],
        },
        "R2": {
            "forwarding": True,
            "interfaces": {
                "eth0": {"segment": "lan", "address": "10.0.0.2/24"},
                "eth1": {"segment": "net2", "address": "10.0.2.1/24"},
            },
        },
        "C": {
            "interfaces": {"eth0": {"segment": "net2", "address": "10.0.2.10/24"}},
            "routes": ["default via 10.0.2.1"],
        },
        "U": {"interfaces": {"eth0": {"address": "10.0.0.20/24"}}},  # no cable
    },
}
# Order and pauses matter: after a redirect Linux remembers the better gateway for that
# destination for a while (a nexthop exception) and a router spaces its redirects to one host
# (20 ms << n); the simulator prints a redirect for each packet and remembers nothing.
KERNEL_CASES = [
    ("A", "ping -c 1 -W 1 -t 1 10.0.2.10"),
    ("U", "ping -c 1 -W 5 10.0.0.1"),  # no carrier: neighbour resolution fails after ~3 s
    ("A", "ping -c 2 -W 1 10.0.2.10"),  # R1 sends it back out eth0: ICMP redirects
    ("A", "sleep 1; ping -c 1 -W 1 10.0.2.1"),
]


@pytest.mark.kernel
@pytest.mark.slow
def test_pings_agree_with_the_kernel_on_two_routers_sharing_a_lan():
    import kernel
    from traffic_transcripts import mask_times

    reason = kernel.unavailable_reason()
    if reason:
        pytest.skip(reason)
    net = Network.from_scenario(TWO_ROUTERS)
    with kernel.KernelLab(TWO_ROUTERS) as lab:
        for host in TWO_ROUTERS["hosts"]:  # the lab turns redirects off; Linux sends them
            lab.run(
                host,
                "sysctl -qw net.ipv4.conf.all.send_redirects=1 "
                "net.ipv4.conf.default.send_redirects=1",
            )
            lab.run(
                host, "for f in /proc/sys/net/ipv4/conf/eth*/send_redirects; do echo 1 > $f; done"
            )
        for host, line in KERNEL_CASES:
            real = lab.run(host, line)
            sim = net.run(host, line)
            assert (mask_times(sim.stdout), sim.stderr, sim.status) == (
                mask_times(real.stdout),
                real.stderr,
                real.status,
            ), (host, line)


def test_a_router_sends_no_redirect_when_send_redirects_is_off_everywhere():
    net = Network.from_scenario(TWO_ROUTERS)
    net.run("R1", "sysctl -w net.ipv4.conf.all.send_redirects=0")
    assert "Redirect Host" in net.run("A", "ping -c 1 10.0.2.10").stdout  # eth0 still sends
    net.run("R1", "sysctl -w net.ipv4.conf.eth0.send_redirects=0")
    assert "Redirect Host" not in net.run("A", "ping -c 1 10.0.2.10").stdout
