"""route / netstat -r: net-tools 2.10 tables, route add/del through SIOCADDRT semantics."""

from __future__ import annotations

import pytest
from traffic_transcripts import cases_of, expected, masked

from netlearn.sim.commands.route_cmd import INET_USAGE

CASES = cases_of("route", "netstat")


@pytest.mark.parametrize(
    ("item", "result"),
    [pytest.param(i, r, id=f"{i['id']}-{i['command']}") for i, r in CASES],
)
def test_route_and_netstat_print_what_net_tools_printed(item, result):
    assert masked(result) == masked(expected(item))


def test_the_reference_capture_has_route_cases():
    assert len(CASES) >= 10


def test_host_routes_are_flagged_h_with_a_full_mask(sh):
    sh("route add -host 192.165.9.9 dev eth0")
    sh("route add 192.165.7.7 gw 192.165.1.1")
    lines = sh("route -n").stdout.splitlines()
    assert "192.165.7.7     192.165.1.1     255.255.255.255 UGH   0      0        0 eth0" in lines
    assert "192.165.9.9     0.0.0.0         255.255.255.255 UH    0      0        0 eth0" in lines


def test_an_added_route_of_equal_prefix_and_metric_goes_first(sh):
    sh("route add -net 192.165.3.0 netmask 255.255.255.0 gw 192.165.1.1")
    sh("route add -net 192.165.3.0/24 gw 192.165.1.5")
    assert sh("ip route").stdout.splitlines()[2:] == [
        "192.165.3.0/24 via 192.165.1.5 dev eth0 ",
        "192.165.3.0/24 via 192.165.1.1 dev eth0 ",
    ]


def test_the_same_route_twice_is_file_exists(sh):
    result = sh("route add default gw 192.165.1.1")
    assert (result.stderr, result.status) == ("SIOCADDRT: File exists\n", 7)


def test_an_off_link_gateway_is_network_unreachable(sh):
    result = sh("route add default gw 10.0.0.1")
    assert (result.stderr, result.status) == ("SIOCADDRT: Network is unreachable\n", 7)


def test_deleting_a_missing_route_is_no_such_process(sh):
    result = sh("route del -net 192.165.8.0 netmask 255.255.255.0")
    assert (result.stderr, result.status) == ("SIOCDELRT: No such process\n", 7)


def test_deleting_without_metric_removes_the_first_match(sh):
    sh("route add -net 192.165.4.0/24 gw 192.165.1.1 metric 5")
    assert sh("route del -net 192.165.4.0/24").status == 0
    assert "192.165.4.0" not in sh("route -n").stdout


def test_a_mask_that_does_not_match_prints_the_inet_usage(sh):
    result = sh("route add -net 192.165.6.1 netmask 255.255.255.0 gw 192.165.1.1")
    assert result.stderr == "route: netmask doesn't match route address\n" + INET_USAGE
    assert result.status == 3


def test_an_unknown_device_is_no_such_device(sh):
    result = sh("route add -net 10.0.0.0/8 gw 192.165.1.1 dev eth9")
    assert (result.stderr, result.status) == ("SIOCADDRT: No such device\n", 7)


def test_route_without_n_names_gateways_from_etc_hosts(sh):
    sh("echo '192.165.1.1 gateway-of-network-one' >> /etc/hosts")
    line = sh("route").stdout.splitlines()[2]
    assert line.startswith("default         gateway-of-netw 0.0.0.0         UG")


def test_netstat_without_r_says_what_the_simulator_shows(sh):
    result = sh("netstat -tulpn")
    assert result.status == 1
    assert "-r" in result.stderr


def test_route_e_shows_the_netstat_columns(sh):
    assert sh("route -e").stdout.splitlines()[1].endswith("Flags   MSS Window  irtt Iface")
