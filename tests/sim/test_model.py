"""The model API other modules rely on: interfaces, hosts, ARP and the weak host model."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Interface

from netlearn.sim.model import Host, link_local


def test_lo_comes_first_with_the_loopback_address():
    host = Host.new("A")
    lo = host.interfaces["lo"]
    assert (lo.index, lo.admin_up, lo.carrier, lo.addresses) == (
        1,
        True,
        True,
        [IPv4Interface("127.0.0.1/8")],
    )


def test_oper_up_needs_both_admin_up_and_carrier(reference):
    eth0 = reference.hosts["A"].interfaces["eth0"]
    assert eth0.oper_up
    reference.hosts["A"].set_segment("eth0", None)
    assert eth0.admin_up and not eth0.carrier and not eth0.oper_up


def test_link_local_address_follows_eui64():
    assert str(link_local("02:00:c0:a5:01:0a")) == "fe80::c0ff:fea5:10a"


def test_arp_finds_the_owner_on_the_same_segment(reference):
    host, iface = reference.arp("net1", IPv4Address("192.165.1.11"))
    assert (host.name, iface.name) == ("B", "eth0")


def test_arp_does_not_cross_segments(reference):
    assert reference.arp("net1", IPv4Address("192.165.2.10")) is None


def test_arp_is_answered_for_any_address_of_the_host(reference):
    # Linux arp_ignore=0: R answers on net1 for the address of its eth1.
    host, iface = reference.arp("net1", IPv4Address("192.165.2.1"))
    assert (host.name, iface.name) == ("R", "eth0")


def test_arp_gets_no_answer_from_a_down_or_unplugged_interface(reference):
    reference.run("B", "ip link set eth0 down")
    assert reference.arp("net1", IPv4Address("192.165.1.11")) is None
    reference.hosts["NS1"].set_segment("eth0", None)
    assert reference.arp("net1", IPv4Address("192.165.1.100")) is None


def test_arp_skips_the_asking_host(reference):
    a = reference.hosts["A"]
    assert reference.arp("net1", IPv4Address("192.165.1.10"), exclude=a) is None


def test_weak_host_model_any_interface_owning_the_address(reference):
    r = reference.hosts["R"]
    assert r.local_interface_for(IPv4Address("192.165.2.1")).name == "eth1"
    assert r.local_interface_for(IPv4Address("127.0.0.1")).name == "lo"
    assert r.local_interface_for(IPv4Address("192.165.2.99")) is None


def test_source_address_is_the_primary_on_the_outgoing_device(reference):
    a = reference.hosts["A"]
    route = a.lookup(IPv4Address("8.8.8.8"))
    assert a.source_address_for(route) == IPv4Address("192.165.1.10")


def test_forwarding_is_a_boolean_view_of_ip_forward():
    host = Host.new("R")
    host.ip_forward = 2
    assert host.forwarding is True
    host.forwarding = False
    assert host.ip_forward == 0


def test_addresses_keep_primaries_before_secondaries(lan):
    a = lan.hosts["A"]
    a.add_address("eth0", IPv4Interface("10.0.0.5/24"))
    a.add_address("eth0", IPv4Interface("172.16.0.1/16"))
    assert [str(x) for x in a.interfaces["eth0"].addresses] == [
        "10.0.0.1/24",
        "172.16.0.1/16",
        "10.0.0.5/24",
    ]
    assert a.interfaces["eth0"].is_secondary(IPv4Interface("10.0.0.5/24"))


def test_unplugging_keeps_routes_as_linkdown_and_plugging_back_restores_them(reference):
    reference.hosts["A"].set_segment("eth0", None)
    assert reference.run("A", "ip r").stdout == (
        "default via 192.165.1.1 dev eth0 linkdown \n"
        "192.165.1.0/24 dev eth0 proto kernel scope link src 192.165.1.10 linkdown \n"
    )
    reference.hosts["A"].set_segment("eth0", "net1")
    assert "linkdown" not in reference.run("A", "ip r").stdout
