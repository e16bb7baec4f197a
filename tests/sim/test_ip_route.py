"""`ip route`: the table, its errors and `ip route get`, replayed against the transcripts."""

from __future__ import annotations

import pytest
from transcripts import as_params, cases_for


@pytest.mark.parametrize("case", as_params([c for c in cases_for("") if c.topic[0] in "3456"]))
def test_it_matches_the_kernel_transcript(case):
    actual = case.actual
    assert (actual.stdout, actual.stderr, actual.status) == (
        case.expected.stdout,
        case.expected.stderr,
        case.expected.status,
    )


def test_every_route_line_ends_with_a_space(sh):
    sh("ip route add 10.0.0.0/8 via 192.165.1.1 metric 5")
    for line in sh("ip route").stdout.splitlines():
        assert line.endswith(" ")


def test_routes_are_ordered_by_address_then_longer_prefix_then_metric(sh):
    for line in (
        "10.0.0.0/8 via 192.165.1.1",
        "10.0.0.0/16 via 192.165.1.1",
        "9.0.0.0/8 via 192.165.1.1 metric 7",
        "9.0.0.0/8 via 192.165.1.11 metric 3",
    ):
        assert sh(f"ip route add {line}").status == 0
    assert sh("ip route").stdout == (
        "default via 192.165.1.1 dev eth0 \n"
        "9.0.0.0/8 via 192.165.1.11 dev eth0 metric 3 \n"
        "9.0.0.0/8 via 192.165.1.1 dev eth0 metric 7 \n"
        "10.0.0.0/16 via 192.165.1.1 dev eth0 \n"
        "10.0.0.0/8 via 192.165.1.1 dev eth0 \n"
        "192.165.1.0/24 dev eth0 proto kernel scope link src 192.165.1.10 \n"
    )


def test_a_gateway_reachable_only_through_another_gateway_is_invalid(sh):
    sh("ip route add 10.0.0.0/8 via 192.165.1.1")
    res = sh("ip route add 172.16.0.0/12 via 10.0.0.1")
    assert (res.stderr, res.status) == ("Error: Nexthop has invalid gateway.\n", 2)


def test_a_gateway_inside_a_device_route_is_valid(sh):
    sh("ip route add 10.0.0.0/8 dev eth0")
    assert sh("ip route add 172.16.0.0/12 via 10.0.0.1").status == 0
    assert "172.16.0.0/12 via 10.0.0.1 dev eth0 \n" in sh("ip route").stdout


def test_a_gateway_on_another_device_than_the_one_given_is_invalid(reference):
    res = reference.run("R", "ip route add 10.0.0.0/8 via 192.165.1.50 dev eth1")
    assert (res.stderr, res.status) == ("Error: Nexthop has invalid gateway.\n", 2)


def test_the_router_picks_the_device_of_the_gateways_subnet(reference):
    reference.run("R", "ip route add 10.0.0.0/8 via 192.165.2.50")
    assert "10.0.0.0/8 via 192.165.2.50 dev eth1 \n" in reference.run("R", "ip r").stdout


def test_replace_changes_the_route_with_that_prefix_and_metric(sh):
    assert sh("ip route replace default via 192.165.1.11").status == 0
    assert sh("ip route").stdout.startswith("default via 192.165.1.11 dev eth0 \n")


def test_replace_creates_a_missing_route_but_change_does_not(sh):
    assert sh("ip route replace 10.0.0.0/8 via 192.165.1.1").status == 0
    res = sh("ip route change 172.16.0.0/12 via 192.165.1.1")
    assert (res.stderr, res.status) == ("RTNETLINK answers: No such file or directory\n", 2)


def test_route_get_to_loopback_is_local(sh):
    assert sh("ip route get 127.0.0.5").stdout == (
        "local 127.0.0.5 dev lo src 127.0.0.1 uid 0 \n    cache <local> \n"
    )


def test_route_get_on_a_router_uses_the_source_of_the_outgoing_device(reference):
    assert reference.run("R", "ip route get 192.165.2.11").stdout == (
        "192.165.2.11 dev eth1 src 192.165.2.1 uid 0 \n    cache \n"
    )


def test_show_dev_leaves_the_device_out_of_each_line(sh):
    assert sh("ip route show dev eth0").stdout == (
        "default via 192.165.1.1 \n192.165.1.0/24 proto kernel scope link src 192.165.1.10 \n"
    )


def test_show_root_lists_routes_inside_the_prefix(sh):
    sh("ip route add 192.165.1.128/25 via 192.165.1.1")
    assert sh("ip route show root 192.165.1.0/24").stdout == (
        "192.165.1.0/24 dev eth0 proto kernel scope link src 192.165.1.10 \n"
        "192.165.1.128/25 via 192.165.1.1 dev eth0 \n"
    )


def test_flush_dev_empties_the_routes_of_that_device(sh):
    assert sh("ip route flush dev eth0").status == 0
    assert sh("ip route").stdout == ""


def test_bad_metric_is_an_invalid_argument(sh):
    res = sh("ip route add 10.0.0.0/8 via 192.165.1.1 metric lots")
    assert res.stderr == 'Error: argument "lots" is wrong: "metric" value is invalid\n\n'
    assert res.status == 255


def test_ipv6_routes_list_only_the_link_local_ones(sh):
    assert sh("ip -6 route").output == "fe80::/64 dev eth0 proto kernel metric 256 pref medium\n"
    assert sh("ip -6 route add ::/0 via fe80::1 dev eth0").status == 2


def test_a_host_route_prints_without_slash_32(sh):
    sh("ip route add 10.11.0.5 via 192.165.1.1")
    assert "10.11.0.5 via 192.165.1.1 dev eth0 \n" in sh("ip r").stdout


def test_two_vias_need_nexthop_syntax(sh):
    res = sh("ip route add 10.0.0.0/8 via 192.165.1.1 via 192.165.1.2")
    assert res.stderr == (
        'Error: argument "via" is wrong: use nexthop syntax to specify multiple via\n\n'
    )
    assert res.status == 255


def test_prefsrc_must_be_a_local_address(sh):
    res = sh("ip route add 10.0.0.0/8 via 192.165.1.1 src 9.9.9.9")
    assert (res.stderr, res.status) == ("Error: Invalid prefsrc address.\n", 2)
    assert sh("ip route add 10.0.0.0/8 via 192.165.1.1 src 192.165.1.10").status == 0


def test_a_scope_link_route_needs_a_local_gateway(sh):
    res = sh("ip route add 10.0.0.0/8 via 192.165.1.1 scope link")
    assert (res.stderr, res.status) == ("Error: Nexthop has invalid gateway.\n", 2)


def test_a_gateway_on_a_down_link_of_ours_is_network_down(lan):
    lan.run("A", "ip addr add 10.0.0.1/24 dev lo")  # the same address on lo too
    lan.run("A", "ip link set eth0 down")
    res = lan.run("A", "ip route add 10.9.0.0/16 via 10.0.0.1 dev eth0")
    assert res.status == 2


def test_delete_matches_proto_and_scope_when_given(sh):
    sh("ip route add 10.0.0.0/8 via 192.165.1.1")
    res = sh("ip route del 10.0.0.0/8 proto kernel")
    assert (res.stderr, res.status) == ("RTNETLINK answers: No such process\n", 2)
    assert sh("ip route del 10.0.0.0/8 proto boot").status == 0


def test_show_via_leaves_the_gateway_out(sh):
    assert sh("ip route show via 192.165.1.1").stdout == "default dev eth0 \n"


def test_route_get_with_a_prefix_warns(sh):
    res = sh("ip route get 10.0.0.0/24")
    assert res.stderr == "Warning: /24 as prefix is invalid, only /32 (or none) is supported.\n"
    assert res.stdout.startswith("10.0.0.0 via 192.165.1.1 dev eth0 ")


def test_the_local_table_lists_own_addresses_and_broadcasts(sh):
    assert sh("ip route show table local").stdout == (
        "local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 \n"
        "local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 \n"
        "broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 \n"
        "local 192.165.1.10 dev eth0 proto kernel scope host src 192.165.1.10 \n"
        "broadcast 192.165.1.255 dev eth0 proto kernel scope link src 192.165.1.10 \n"
    )


def test_ip_rule_shows_the_three_default_rules(sh):
    assert sh("ip rule").stdout == (
        "0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n"
    )


def test_a_gateway_that_is_our_own_address_sends_on_link(sh):
    sh("ip route add 10.0.0.0/8 via 192.165.1.10")
    assert (
        sh("ip route get 10.1.2.3").stdout
        == "10.1.2.3 dev eth0 src 192.165.1.10 uid 0 \n    cache \n"
    )


def test_route_get_shows_the_gateway_even_when_it_is_the_target(sh):
    """As the kernel does (rt_uses_gateway): `D via D`, not a device route."""
    sh("ip route add 10.0.0.0/8 via 192.165.1.1")
    assert sh("ip route get 192.165.1.1").stdout.startswith("192.165.1.1 dev eth0")
    sh("ip route add 192.165.1.1/32 via 192.165.1.1")
    assert (
        sh("ip route get 192.165.1.1").stdout
        == "192.165.1.1 via 192.165.1.1 dev eth0 src 192.165.1.10 uid 0 \n    cache \n"
    )


def test_onlink_without_a_gateway_is_refused(sh):
    res = sh("ip route add 10.0.0.0/8 dev eth0 onlink")
    assert res.stderr == "Error: Invalid flags for nexthop - PERVASIVE and ONLINK can not be set.\n"


def test_the_gateway_is_checked_before_the_source(sh):
    res = sh("ip route add 10.0.0.0/8 via 10.9.9.9 src 9.9.9.9")
    assert res.stderr == "Error: Nexthop has invalid gateway.\n"


def test_delete_with_src_must_match_it(sh):
    sh("ip route add 10.0.0.0/8 via 192.165.1.1 src 192.165.1.10")
    assert sh("ip route del 10.0.0.0/8 src 192.165.1.99").status == 2
    assert sh("ip route del 10.0.0.0/8 metric 0 src 192.165.1.10").status == 0


def test_route_get_names_broadcast_and_multicast_destinations(sh):
    assert sh("ip route get 192.165.1.255").stdout == (
        "broadcast 192.165.1.255 dev eth0 src 192.165.1.10 uid 0 \n    cache <local,brd> \n"
    )
    assert sh("ip route get 255.255.255.255").stdout == (
        "broadcast 255.255.255.255 dev eth0 src 192.165.1.10 uid 0 \n    cache <local,brd> \n"
    )
    assert sh("ip route get 224.0.0.5").stdout == (
        "multicast 224.0.0.5 dev eth0 src 192.165.1.10 rt_offload_failed uid 0 \n    cache <mc> \n"
    )
    assert sh("ip route get 0.0.0.0").stdout.startswith("local 0.0.0.0 dev lo src 127.0.0.1 ")


def test_a_broadcast_address_is_no_gateway(sh):
    res = sh("ip route add 10.0.0.0/8 via 192.165.1.255")
    assert (res.stderr, res.status) == ("Error: Nexthop has invalid gateway.\n", 2)


def test_via_0_0_0_0_is_a_device_route_without_scope_link(sh):
    assert (
        sh("ip route add 10.9.0.0/16 via 0.0.0.0").stderr == "RTNETLINK answers: No such device\n"
    )
    assert sh("ip route add 10.9.0.0/16 via 0.0.0.0 dev eth0").status == 0
    assert "10.9.0.0/16 dev eth0 \n" in sh("ip r").stdout


def test_json_output_matches_iproute2(sh):
    assert sh("ip -j r").stdout == (
        '[{"dst":"default","gateway":"192.165.1.1","dev":"eth0","flags":[]},'
        '{"dst":"192.165.1.0/24","dev":"eth0","protocol":"kernel","scope":"link",'
        '"prefsrc":"192.165.1.10","flags":[]}]\n'
    )
    assert sh("ip -j route get 192.165.1.10").stdout == (
        '[{"type":"local","dst":"192.165.1.10","dev":"lo","prefsrc":"192.165.1.10",'
        '"flags":[],"uid":0,"cache":["local"]}]\n'
    )
    assert sh("ip -j -p r show dev eth0 default").stdout.startswith(
        '[ {\n        "dst": "default",'
    )
