"""`ip route`: the table, its errors and `ip route get`, replayed against the transcripts."""

from __future__ import annotations

import pytest
from transcripts import cases_for, load

pytestmark = pytest.mark.skipif(load() is None, reason="reference transcripts not found")


@pytest.mark.parametrize("case", [c for c in cases_for("") if c.topic[0] in "3456"], ids=str)
def test_it_matches_the_kernel_transcript(case):
    if case.skip:
        pytest.skip(case.skip)
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


def test_ipv6_route_listing_is_empty(sh):
    assert sh("ip -6 route").output == ""
